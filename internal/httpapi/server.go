// Package httpapi serves the carpool REST API v1 under /api/: JSON resources, RFC 9457
// problem details, bearer-token authentication, cursor pagination, Idempotency-Key on
// creating POSTs and ETag/If-Match on updates. Every use case is the application layer's
// (internal/app): a handler decodes, calls it and encodes.
package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/clientip"
)

// DefaultMaxBodyBytes is the largest request body accepted when Options leaves it unset.
const DefaultMaxBodyBytes = 64 << 10

// Options configure a Server. The zero value is usable: logs discarded, the wall clock,
// a 64 KiB body limit.
type Options struct {
	// Logger receives one record per request that failed with an internal error.
	Logger *slog.Logger
	// Now is the clock for idempotency records; tests may stop it.
	Now func() time.Time
	// MaxBodyBytes limits request bodies; larger ones are refused with 413.
	MaxBodyBytes int64
	// ClientIP finds the address a sign-in came from, for throttling; the zero value
	// uses the connection's peer.
	ClientIP clientip.Resolver
}

// Server is the REST API. It is an http.Handler for every path under /api/.
type Server struct {
	app     *app.App
	idem    carpool.IdempotencyStore
	log     *slog.Logger
	now     func() time.Time
	maxBody int64
	client  clientip.Resolver
	mux     guardedMux
}

// NewServer returns the API over the use cases of a; idem keeps the answers to
// requests with an Idempotency-Key.
func NewServer(a *app.App, idem carpool.IdempotencyStore, opts Options) *Server {
	s := &Server{
		app:     a,
		idem:    idem,
		log:     opts.Logger,
		now:     opts.Now,
		maxBody: opts.MaxBodyBytes,
		client:  opts.ClientIP,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	s.mux = guardedMux{ServeMux: http.NewServeMux(), refuse: s.refuse}
	s.routes()
	return s
}

// ServeHTTP answers an API request. Unknown paths and methods get problem details too,
// not the plain-text answers of http.ServeMux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.unrouted(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// unrouted turns the mux's 404 or 405 (with its Allow header) into a problem.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	probe := &statusProbe{header: http.Header{}}
	s.mux.ServeHTTP(probe, r)
	switch probe.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.fail(w, r, &requestError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
			msg: r.Method + " is not allowed here; allowed: " + probe.header.Get("Allow")})
	default:
		s.fail(w, r, &requestError{status: http.StatusNotFound, code: carpool.ENOTFOUND,
			msg: "no such API path"})
	}
}

// statusProbe records what the mux would answer without sending it.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *statusProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}
