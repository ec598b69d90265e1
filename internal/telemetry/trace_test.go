package telemetry_test

import (
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"carpool/internal/buildinfo"
	"carpool/internal/carpool"
	"carpool/internal/telemetry"
)

// otlpReceiver is a minimal OTLP/HTTP trace collector: it keeps the spans posted to it.
type otlpReceiver struct {
	mu       sync.Mutex
	spans    []*tracepb.Span
	services []string
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" {
		http.NotFound(w, r)
		return
	}
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
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				o.services = append(o.services, a.GetValue().GetStringValue())
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			o.spans = append(o.spans, ss.GetSpans()...)
		}
	}
	o.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	resp, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Write(resp)
}

func (o *otlpReceiver) byName(name string) *tracepb.Span {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.spans {
		if s.GetName() == name {
			return s
		}
	}
	return nil
}

func TestTracingExportsRequestAndStoreSpansOnStop(t *testing.T) {
	receiver := &otlpReceiver{}
	collector := httptest.NewServer(receiver)
	t.Cleanup(collector.Close)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_SERVICE_NAME", "carpool-under-test")
	prev := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	var logs logBuffer
	logger := telemetry.NewLogger(&logs, slog.LevelInfo, "json")
	stop, err := telemetry.StartTracing(context.Background(), os.Getenv, buildinfo.Info{Version: "v-test"}, logger)
	if err != nil {
		t.Fatal(err)
	}
	store := telemetry.InstrumentStore(&fakeStore{site: carpool.Site{ID: "s1"}}, nil)
	inner := http.NewServeMux()
	inner.HandleFunc("GET /api/v1/sites/{id}", func(w http.ResponseWriter, r *http.Request) {
		if _, err := store.Site(r.Context(), r.PathValue("id")); err != nil {
			t.Error(err)
		}
		logger.InfoContext(r.Context(), "inside the handler")
	})
	outer := http.NewServeMux()
	outer.Handle("/api/", inner)
	h := telemetry.Middleware(outer, telemetry.HTTPOptions{Logger: logger})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/v1/sites/s1", nil))

	if receiver.byName("GET /api/v1/sites/{id}") != nil {
		t.Log("spans arrived before stop (batch timer); still checking the flush below")
	}
	if err := stop(context.Background()); err != nil {
		t.Fatalf("stop tracing: %v", err)
	}

	server := receiver.byName("GET /api/v1/sites/{id}")
	storeSpan := receiver.byName("store.Site")
	if server == nil || storeSpan == nil {
		t.Fatalf("spans received: got %d, want the request span named by its route and store.Site", len(receiver.spans))
	}
	if server.GetKind() != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("request span kind: got %v, want server", server.GetKind())
	}
	if string(storeSpan.GetTraceId()) != string(server.GetTraceId()) || string(storeSpan.GetParentSpanId()) != string(server.GetSpanId()) {
		t.Errorf("store span is not a child of the request span")
	}
	if len(receiver.services) == 0 || receiver.services[0] != "carpool-under-test" {
		t.Errorf("service.name: got %v, want carpool-under-test from OTEL_SERVICE_NAME", receiver.services)
	}
	// Both the access log and the handler's own record carry the exported trace id.
	want := hexID(server.GetTraceId())
	for _, msg := range []string{"http request", "inside the handler"} {
		recs := logs.withMsg(t, msg)
		if len(recs) != 1 || recs[0]["trace_id"] != want {
			t.Errorf("%q log trace_id: got %v, want %s", msg, recs, want)
		}
	}
}

func TestTracingOffWithoutEndpoint(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_SDK_DISABLED": "true"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_TRACES_EXPORTER": "none"},
	} {
		prev := otel.GetTracerProvider()
		stop, err := telemetry.StartTracing(context.Background(), func(k string) string { return env[k] },
			buildinfo.Info{}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("%v: %v", env, err)
		}
		if otel.GetTracerProvider() != prev {
			t.Errorf("%v: a tracer provider was installed; want none", env)
		}
		if err := stop(context.Background()); err != nil {
			t.Errorf("%v: stop: %v", env, err)
		}
	}
}

func hexID(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&0xf])
	}
	return string(out)
}
