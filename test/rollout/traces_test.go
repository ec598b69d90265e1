package rollout_test

import (
	"compress/gzip"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// TestTracesExportedAndFlushedAtExit runs a replica with OTEL_EXPORTER_OTLP_ENDPOINT at
// a fake collector. The SDK batches spans for 5 s by default, and the replica exits
// sooner, so the spans can only arrive through the flush at shutdown. The request span
// is named by its route template, the store span is its child, and the access log
// carries the same trace id.
func TestTracesExportedAndFlushedAtExit(t *testing.T) {
	collector := &otlpCollector{}
	srv := httptest.NewServer(collector)
	t.Cleanup(srv.Close)
	r := startReplica(t, "replica", replicaOptions{delay: 0, timeout: 5 * time.Second, env: []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + srv.URL,
		"OTEL_SERVICE_NAME=carpool-rollout",
		"OTEL_BSP_SCHEDULE_DELAY=60000", // nothing leaves before the flush at exit
	}})
	var site struct {
		ID string `json:"id"`
	}
	if code := call(t, http.MethodPost, r.url("/api/v1/sites"), admin,
		map[string]any{"name": "Traced", "address": "Span Street 1", "lat": 48.1, "lon": 11.5}, &site); code != http.StatusCreated {
		t.Fatalf("create site: got %d, want 201", code)
	}
	if code := call(t, http.MethodGet, r.url("/api/v1/sites/"+site.ID), admin, nil, nil); code != http.StatusOK {
		t.Fatalf("get site: got %d, want 200", code)
	}
	if n := collector.count(); n != 0 {
		t.Fatalf("spans before shutdown: got %d, want 0 (batched until the flush)", n)
	}
	r.signal(t, syscall.SIGTERM)
	if code := r.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code: got %d, want 0", code)
	}

	server := collector.find("GET /api/v1/sites/{id}")
	store := collector.find("store.Site")
	if server == nil || store == nil {
		t.Fatalf("spans after exit: got %v, want the request span and store.Site", collector.names())
	}
	if string(store.GetParentSpanId()) != string(server.GetSpanId()) || string(store.GetTraceId()) != string(server.GetTraceId()) {
		t.Errorf("store.Site is not a child of the request span")
	}
	traceID := hex.EncodeToString(server.GetTraceId())
	found := false
	for _, rec := range r.logRecords(t) {
		if rec["msg"] == "http request" && rec["route"] == "/api/v1/sites/{id}" {
			found = rec["trace_id"] == traceID
		}
	}
	if !found {
		t.Errorf("no access-log line for the request with trace_id %s", traceID)
	}
}

// otlpCollector keeps the spans posted to /v1/traces (OTLP/HTTP, protobuf).
type otlpCollector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (c *otlpCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	var req coltracepb.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(b, &req)
	}
	if r.URL.Path != "/v1/traces" || err != nil {
		http.Error(w, "not an OTLP trace export", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			c.spans = append(c.spans, ss.GetSpans()...)
		}
	}
	c.mu.Unlock()
	resp, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(resp)
}

func (c *otlpCollector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.spans)
}

func (c *otlpCollector) find(name string) *tracepb.Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.spans {
		if s.GetName() == name {
			return s
		}
	}
	return nil
}

func (c *otlpCollector) names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, s := range c.spans {
		out = append(out, s.GetName())
	}
	return out
}
