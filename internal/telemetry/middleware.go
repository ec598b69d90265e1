package telemetry

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// HTTPOptions configure Middleware.
type HTTPOptions struct {
	// Logger receives the access log (one record per request) and panics.
	Logger *slog.Logger
	// Metrics, when set, counts requests by method, route template and status.
	Metrics *Metrics
	// QuietRoutes are route templates ("/readyz") whose access log goes at debug level:
	// probes from kubelets and load balancers would drown the useful lines. A GET or
	// HEAD of exactly such a path also takes the probe fast path: no span (see
	// Middleware).
	QuietRoutes []string
	// SecretRoutes are route templates ("/calendar/{file}") whose path is a credential:
	// the access log shows the template instead, a fixed mask, so whoever reads logs
	// cannot read the feed behind it.
	SecretRoutes []string
	// NoSpans skips OpenTelemetry's handler on every request: serve sets it when no
	// tracer provider records spans (TracingOn is false). The handler's propagation,
	// span and metric bookkeeping was a tenth of an authenticated read's CPU while
	// producing nothing; an incoming traceparent is still read, so the access log keeps
	// the caller's trace id.
	NoSpans bool
}

// Middleware wraps the main listener's handler, outermost first:
//
//   - a server span per request (OpenTelemetry; a no-op unless tracing is configured,
//     but an incoming traceparent still gives the request its trace id);
//   - the request id (X-Request-ID);
//   - the access log line and the request metrics;
//   - panic recovery.
//
// Probes (a GET or HEAD whose path is one of QuietRoutes) skip the span: kubelets and
// load balancers call them several times a second on every pod, nobody traces them, and
// OpenTelemetry's handler (even with tracing off) was most of a probe's cost (see
// docs/performance.md). They still get a request id, are counted and logged at debug.
//
// The route template comes from r.Pattern, which ServeMux sets on the request it is
// given, so the inner muxes must receive the very *http.Request this middleware holds:
// nothing between here and the muxes may replace it (Recover does not).
func Middleware(next http.Handler, opts HTTPOptions) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	quiet := map[string]bool{}
	for _, r := range opts.QuietRoutes {
		quiet[r] = true
	}
	secret := map[string]bool{}
	for _, r := range opts.SecretRoutes {
		secret[r] = true
	}
	o := &observer{log: opts.Logger, metrics: opts.Metrics, quiet: quiet, secret: secret, next: Recover(opts.Logger, next)}
	full := otelhttp.NewHandler(RequestIDs(o), "http.request",
		// The real name (the route template) is only known after routing; see observer.
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }),
		otelhttp.WithPropagators(Propagator()),
	)
	probe := RequestIDs(o)
	if opts.NoSpans {
		prop := Propagator()
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("traceparent") != "" && !(quiet[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead)) {
				r = r.WithContext(prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header)))
			}
			probe.ServeHTTP(w, r)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if quiet[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			probe.ServeHTTP(w, r)
			return
		}
		full.ServeHTTP(w, r)
	})
}

// observer writes the access log and the request metrics, after the request.
type observer struct {
	log     *slog.Logger
	metrics *Metrics
	quiet   map[string]bool
	secret  map[string]bool
	next    http.Handler
}

func (o *observer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	if o.metrics != nil {
		o.metrics.begin()
	}
	// Deferred, so a request aborted by a panic is still counted and logged.
	defer func() {
		elapsed := time.Since(start)
		route := routeOf(r)
		status := rec.code()
		span := trace.SpanFromContext(r.Context())
		if r.Pattern != "" {
			span.SetName(r.Method + " " + route)
			span.SetAttributes(attribute.String("http.route", route))
		}
		if o.secret[route] {
			// The span was started with the request's path, which here is a credential;
			// the template replaces it before the span ends and is exported.
			span.SetAttributes(attribute.String("url.path", route))
		}
		if o.metrics != nil {
			o.metrics.done()
			o.metrics.observeRequest(r.Method, route, status, elapsed)
		}
		level := slog.LevelInfo
		if o.quiet[route] {
			level = slog.LevelDebug
		}
		if !o.log.Enabled(r.Context(), level) {
			return
		}
		path := r.URL.Path // never the query: it may carry search terms
		if o.secret[route] {
			path = route
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.String("path", path),
			slog.Int("status", status),
			slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String(attrRequestID, RequestID(r.Context())),
		}
		if sc := span.SpanContext(); sc.HasTraceID() {
			attrs = append(attrs, slog.String(attrTraceID, sc.TraceID().String()))
		}
		o.log.LogAttrs(r.Context(), level, "http request", attrs...)
	}()
	o.next.ServeHTTP(rec, r)
}

// unmatchedRoute labels requests that no pattern matched, so that scanners probing
// random paths cannot create unbounded metric series.
const unmatchedRoute = "unmatched"

// routeOf returns the path template of the pattern that served r ("/api/v1/rides/{id}"),
// without the method and host that a ServeMux pattern may start with.
func routeOf(r *http.Request) string {
	p := r.Pattern
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[i:]
	}
	return unmatchedRoute
}

// Propagator is the W3C trace context (traceparent) and baggage, what OTEL_PROPAGATORS
// defaults to.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}
