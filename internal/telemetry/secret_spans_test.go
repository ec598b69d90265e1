package telemetry_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"carpool/internal/telemetry"
)

// TestSecretRoutesStayOutOfSpans: a traced request to a route whose path is a credential
// (a calendar feed's token) leaves no span holding that path; other routes keep theirs.
func TestSecretRoutesStayOutOfSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(prev) })

	mux := http.NewServeMux()
	mux.HandleFunc("GET /calendar/{file}", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /rides/{id}", func(http.ResponseWriter, *http.Request) {})
	h := telemetry.Middleware(mux, telemetry.HTTPOptions{SecretRoutes: []string{"/calendar/{file}"}})
	const token = "0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, path := range []string{"/calendar/" + token + ".ics?x=" + token, "/rides/r1"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	var rides bool
	for _, s := range rec.Ended() {
		for _, a := range s.Attributes() {
			if strings.Contains(a.Value.Emit(), token) {
				t.Errorf("span %q holds the feed token in %s", s.Name(), a.Key)
			}
			if strings.Contains(a.Value.Emit(), "/rides/r1") {
				rides = true
			}
		}
	}
	if !rides {
		t.Fatalf("no span holds the ride's path: the recorder saw %d spans", len(rec.Ended()))
	}
}
