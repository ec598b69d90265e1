package telemetry_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"go.opentelemetry.io/otel/trace"

	"carpool/internal/buildinfo"
	"carpool/internal/telemetry"
)

// logBuffer collects JSON log records.
type logBuffer struct{ bytes.Buffer }

func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

func (b *logBuffer) withMsg(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range b.records(t) {
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

// newApp mirrors carpool's routing: an outer mux that hands /api/ to an inner one, so
// the tests see whether the route template of the inner mux reaches the middleware.
func newApp(t *testing.T, inner *http.ServeMux) (http.Handler, *logBuffer, *telemetry.Metrics) {
	t.Helper()
	var logs logBuffer
	logger := telemetry.NewLogger(&logs, slog.LevelDebug, "json")
	outer := http.NewServeMux()
	outer.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	outer.Handle("/api/", inner)
	metrics := telemetry.NewMetrics(buildinfo.Info{Version: "v-test", Commit: "c0ffee", GoVersion: "go-test"})
	h := telemetry.Middleware(outer, telemetry.HTTPOptions{Logger: logger, Metrics: metrics, QuietRoutes: []string{"/readyz"}})
	return h, &logs, metrics
}

func TestRequestID(t *testing.T) {
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	tests := []struct {
		name   string
		header string
		want   string // "" means: a new generated id
	}{
		{name: "absent", header: ""},
		{name: "given", header: "req-42_a.b:c", want: "req-42_a.b:c"},
		{name: "uuid", header: "0f8fad5b-d9cb-469f-a165-70867728950e", want: "0f8fad5b-d9cb-469f-a165-70867728950e"},
		{name: "forged log field", header: `x" level=ERROR`},
		{name: "too long", header: strings.Repeat("a", 129)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			inner := http.NewServeMux()
			inner.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
				seen = telemetry.RequestID(r.Context())
			})
			h, logs, _ := newApp(t, inner)
			req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
			if tt.header != "" {
				req.Header.Set(telemetry.RequestIDHeader, tt.header)
			}
			rr := httptest.NewRecorder()
			h.ServeHTTP(rr, req)

			echoed := rr.Header().Get(telemetry.RequestIDHeader)
			if tt.want != "" && echoed != tt.want {
				t.Fatalf("echoed id: got %q, want %q", echoed, tt.want)
			}
			if tt.want == "" && !generated.MatchString(echoed) {
				t.Fatalf("echoed id: got %q, want 32 new hex digits", echoed)
			}
			if seen != echoed {
				t.Fatalf("id in the handler's context: got %q, want %q", seen, echoed)
			}
			access := logs.withMsg(t, "http request")
			if len(access) != 1 || access[0]["request_id"] != echoed {
				t.Fatalf("access log: got %v, want one line with request_id %q", access, echoed)
			}
		})
	}
}

func TestRequestIDsAreUnique(t *testing.T) {
	h, _, _ := newApp(t, http.NewServeMux())
	seen := map[string]bool{}
	for range 50 {
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		id := rr.Header().Get(telemetry.RequestIDHeader)
		if seen[id] {
			t.Fatalf("id %q generated twice", id)
		}
		seen[id] = true
	}
}

func TestPanicAnswers500ProblemAndLogsStackOnce(t *testing.T) {
	inner := http.NewServeMux()
	inner.HandleFunc("POST /api/v1/rides/{id}/bookings", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"leaked"`)
		panic("seat map corrupted")
	})
	h, logs, metrics := newApp(t, inner)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/rides/r123/bookings", strings.NewReader(`{"seats":1}`))
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)

	if rr.Code != http.StatusInternalServerError {
		t.Fatalf("status: got %d, want 500", rr.Code)
	}
	if ct := rr.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type: got %q, want application/problem+json", ct)
	}
	if rr.Header().Get("ETag") != "" || rr.Header().Get(telemetry.RequestIDHeader) == "" {
		t.Fatalf("headers: got %v, want the handler's dropped and the request id kept", rr.Header())
	}
	var p struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(rr.Body.Bytes(), &p); err != nil {
		t.Fatalf("body is not JSON: %q", rr.Body.String())
	}
	if p.Status != 500 || p.Code != "internal" || strings.Contains(rr.Body.String(), "seat map") {
		t.Fatalf("problem: got %+v, want status 500, code internal and no panic value", p)
	}

	panics := logs.withMsg(t, "panic serving request")
	if len(panics) != 1 {
		t.Fatalf("panic records: got %d, want 1", len(panics))
	}
	stack, _ := panics[0]["stack"].(string)
	if !strings.Contains(stack, "TestPanicAnswers500ProblemAndLogsStackOnce") || panics[0]["panic"] != "seat map corrupted" {
		t.Fatalf("panic record: got %v, want the panic value and a stack through the handler", panics[0])
	}
	if panics[0]["request_id"] != rr.Header().Get(telemetry.RequestIDHeader) {
		t.Fatalf("panic record request_id: got %v, want %q", panics[0]["request_id"], rr.Header().Get(telemetry.RequestIDHeader))
	}
	access := logs.withMsg(t, "http request")
	if len(access) != 1 || access[0]["status"] != float64(500) || access[0]["route"] != "/api/v1/rides/{id}/bookings" {
		t.Fatalf("access log: got %v, want one line, status 500, route template", access)
	}
	if got := counter(t, metrics, "carpool_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/rides/{id}/bookings", "code": "500"}); got != 1 {
		t.Fatalf("requests counted: got %v, want 1", got)
	}
	if got := gauge(t, metrics, "carpool_http_requests_in_flight"); got != 0 {
		t.Fatalf("in flight after the panic: got %v, want 0", got)
	}
}

func TestAccessLogFieldsAndNoSecrets(t *testing.T) {
	const (
		password = "Tr0ub4dor&3-horse"
		token    = "cpt_SECRETtokenVALUE123"
		cookie   = "session-cookie-VALUE-987"
	)
	inner := http.NewServeMux()
	inner.HandleFunc("POST /api/v1/tokens", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"token":"`+token+`"}`)
	})
	inner.HandleFunc("GET /api/v1/cars/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"id":"`+r.PathValue("id")+`"}`)
	})
	h, logs, _ := newApp(t, inner)

	req := httptest.NewRequest(http.MethodPost, "/api/v1/tokens?password="+password,
		strings.NewReader(`{"email":"a@example.com","password":"`+password+`"}`))
	req.Header.Set("Cookie", "carpool_session="+cookie)
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)

	req = httptest.NewRequest(http.MethodGet, "/api/v1/cars/car_77", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	req.Header.Set(telemetry.RequestIDHeader, "rid-1")
	rr = httptest.NewRecorder()
	h.ServeHTTP(rr, req)

	for _, secret := range []string{password, token, cookie} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("the log holds the secret %q:\n%s", secret, logs.String())
		}
	}
	access := logs.withMsg(t, "http request")
	if len(access) != 2 {
		t.Fatalf("access log lines: got %d, want 2", len(access))
	}
	got := access[1]
	want := map[string]any{
		"level": "INFO", "method": "GET", "route": "/api/v1/cars/{id}", "path": "/api/v1/cars/car_77",
		"status": float64(200), "bytes": float64(len(`{"id":"car_77"}`)),
		"request_id": "rid-1", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("access log %s: got %v, want %v", k, got[k], v)
		}
	}
	if d, ok := got["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("access log duration_ms: got %v, want a non-negative number", got["duration_ms"])
	}
}

func TestRouteLabels(t *testing.T) {
	inner := http.NewServeMux()
	inner.HandleFunc("GET /api/v1/rides/{id}", func(w http.ResponseWriter, r *http.Request) {})
	h, logs, metrics := newApp(t, inner)
	for _, path := range []string{"/api/v1/rides/r1", "/api/v1/rides/r2", "/wp-login.php", "/readyz"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/api/v1/rides/r3", nil))

	tests := []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"method": "GET", "route": "/api/v1/rides/{id}", "code": "200"}, 2},
		{map[string]string{"method": "GET", "route": "unmatched", "code": "404"}, 1},
		{map[string]string{"method": "GET", "route": "/readyz", "code": "200"}, 1},
		// The inner mux's 405 has no pattern: it sets r.Pattern back to "".
		{map[string]string{"method": "OTHER", "route": "unmatched", "code": "405"}, 1},
	}
	for _, tt := range tests {
		if got := counter(t, metrics, "carpool_http_requests_total", tt.labels); got != tt.want {
			t.Errorf("carpool_http_requests_total%v: got %v, want %v", tt.labels, got, tt.want)
		}
	}
	for _, f := range gather(t, metrics) {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), "/r1") || strings.Contains(l.GetValue(), "wp-login") {
					t.Errorf("%s has a raw path as label: %s=%q", f.GetName(), l.GetName(), l.GetValue())
				}
			}
		}
	}
	for _, r := range logs.withMsg(t, "http request") {
		if r["route"] == "/readyz" && r["level"] != "DEBUG" {
			t.Errorf("probe access log level: got %v, want DEBUG", r["level"])
		}
	}
}

func gather(t *testing.T, m *telemetry.Metrics) []*dto.MetricFamily {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	return fams
}

// sample returns the metric of family name whose labels include want, or nil.
func sample(t *testing.T, m *telemetry.Metrics, name string, want map[string]string) *dto.Metric {
	t.Helper()
	for _, f := range gather(t, m) {
		if f.GetName() != name {
			continue
		}
	next:
		for _, s := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range s.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if have[k] != v {
					continue next
				}
			}
			return s
		}
	}
	return nil
}

func counter(t *testing.T, m *telemetry.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	s := sample(t, m, name, labels)
	if s == nil {
		return 0
	}
	return s.GetCounter().GetValue()
}

func gauge(t *testing.T, m *telemetry.Metrics, name string) float64 {
	t.Helper()
	s := sample(t, m, name, nil)
	if s == nil {
		t.Fatalf("no %s", name)
	}
	return s.GetGauge().GetValue()
}

// TestProbesSkipTracing: a probe gets no span, so not even a caller's trace id reaches
// its handler (nobody traces kubelets), yet it is still counted and logged at debug
// level; any other route keeps its span.
func TestProbesSkipTracing(t *testing.T) {
	var logs logBuffer
	logger := telemetry.NewLogger(&logs, slog.LevelDebug, "json")
	metrics := telemetry.NewMetrics(buildinfo.Info{Version: "v-test"})
	traced := map[string]bool{}
	mux := http.NewServeMux()
	for _, route := range []string{"/readyz", "/api/v1/sites"} {
		mux.HandleFunc("GET "+route, func(w http.ResponseWriter, r *http.Request) {
			traced[route] = trace.SpanContextFromContext(r.Context()).HasTraceID()
		})
	}
	h := telemetry.Middleware(mux, telemetry.HTTPOptions{Logger: logger, Metrics: metrics, QuietRoutes: []string{"/readyz"}})
	for _, path := range []string{"/readyz", "/api/v1/sites"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		if rr.Header().Get(telemetry.RequestIDHeader) == "" {
			t.Errorf("%s: got no X-Request-ID, want one", path)
		}
	}
	if traced["/readyz"] {
		t.Error("probe handler saw a trace id, want no span on probes")
	}
	if !traced["/api/v1/sites"] {
		t.Error("API handler saw no trace id, want the caller's")
	}
	if got := counter(t, metrics, "carpool_http_requests_total", map[string]string{"route": "/readyz", "code": "200"}); got != 1 {
		t.Errorf("probe count: got %v, want 1", got)
	}
	var probeLines int
	for _, r := range logs.withMsg(t, "http request") {
		if r["route"] == "/readyz" {
			probeLines++
			if r["level"] != "DEBUG" {
				t.Errorf("probe access log level: got %v, want DEBUG", r["level"])
			}
		}
	}
	if probeLines != 1 {
		t.Errorf("probe access log lines: got %d, want 1", probeLines)
	}
}

// TestSecretRoutesAreMasked: the path of a route whose path is a credential (a calendar
// feed's token) appears in the access log only as its route template.
func TestSecretRoutesAreMasked(t *testing.T) {
	var logs logBuffer
	logger := telemetry.NewLogger(&logs, slog.LevelDebug, "json")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /calendar/{file}", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /rides/{id}", func(http.ResponseWriter, *http.Request) {})
	h := telemetry.Middleware(mux, telemetry.HTTPOptions{Logger: logger, SecretRoutes: []string{"/calendar/{file}"}})
	const token = "0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, path := range []string{"/calendar/" + token + ".ics", "/rides/r1"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	if strings.Contains(logs.String(), token) {
		t.Fatalf("the access log holds the feed token:\n%s", logs.String())
	}
	paths := map[any]bool{}
	for _, r := range logs.withMsg(t, "http request") {
		paths[r["path"]] = true
	}
	if !paths["/calendar/{file}"] || !paths["/rides/r1"] {
		t.Fatalf("logged paths %v, want the feed's template and the ride's own path", paths)
	}
}

// With NoSpans (tracing off) no handler sees a span of ours, yet a caller's traceparent
// still reaches the handler and the access log, and probes ignore it as before.
func TestNoSpansKeepsTheCallersTraceID(t *testing.T) {
	var logs logBuffer
	logger := telemetry.NewLogger(&logs, slog.LevelDebug, "json")
	traced := map[string]trace.SpanContext{}
	mux := http.NewServeMux()
	for _, route := range []string{"/readyz", "/api/v1/sites", "/api/v1/cars"} {
		mux.HandleFunc("GET "+route, func(w http.ResponseWriter, r *http.Request) {
			traced[route] = trace.SpanContextFromContext(r.Context())
		})
	}
	h := telemetry.Middleware(mux, telemetry.HTTPOptions{Logger: logger, QuietRoutes: []string{"/readyz"}, NoSpans: true})
	for _, path := range []string{"/readyz", "/api/v1/sites", "/api/v1/cars"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if path != "/api/v1/cars" {
			req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		}
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		if rr.Header().Get(telemetry.RequestIDHeader) == "" {
			t.Errorf("%s: got no X-Request-ID, want one", path)
		}
	}
	if traced["/readyz"].HasTraceID() {
		t.Error("probe handler saw a trace id, want none on probes")
	}
	if sc := traced["/api/v1/sites"]; sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || !sc.IsRemote() {
		t.Errorf("API handler: got span context %v, want the caller's, remote (no span of ours)", sc)
	}
	if traced["/api/v1/cars"].HasTraceID() {
		t.Error("a request without traceparent got a trace id")
	}
	var found bool
	for _, r := range logs.withMsg(t, "http request") {
		if r["route"] == "/api/v1/sites" {
			found = true
			if r["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
				t.Errorf("access log trace_id: got %v, want the caller's", r["trace_id"])
			}
		}
	}
	if !found {
		t.Error("no access log line for /api/v1/sites")
	}
}

// NoSpans exists to save OpenTelemetry's per-request work when nothing records spans:
// counted in allocations (deterministic), a request through it must cost clearly less
// than through the full chain.
func TestNoSpansAllocatesLess(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/sites", func(w http.ResponseWriter, r *http.Request) {})
	allocs := func(noSpans bool) float64 {
		h := telemetry.Middleware(mux, telemetry.HTTPOptions{Logger: logger, NoSpans: noSpans})
		req := httptest.NewRequest(http.MethodGet, "/api/v1/sites", nil)
		return testing.AllocsPerRun(200, func() {
			h.ServeHTTP(httptest.NewRecorder(), req)
		})
	}
	full, light := allocs(false), allocs(true)
	t.Logf("allocations per request: %.0f with spans, %.0f without", full, light)
	if light > full-10 {
		t.Errorf("without spans a request allocates %.0f objects, with them %.0f: want at least 10 fewer", light, full)
	}
}
