// Package httpapi serves the carpool REST API v1 under /api/: JSON resources, RFC 9457
// problem details, bearer-token authentication, cursor pagination, Idempotency-Key on
// creating POSTs and ETag/If-Match on updates. It speaks to storage only through
// carpool.Store and leaves every rule to the domain package.
package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
)

// DefaultMaxBodyBytes is the largest request body accepted when Options leaves it unset.
const DefaultMaxBodyBytes = 64 << 10

// Options configure a Server. The zero value is usable: sign-up closed, logs discarded,
// the wall clock, a 64 KiB body limit.
type Options struct {
	// Signup says which email domains may create an account through POST /api/v1/members.
	Signup carpool.SignupPolicy
	// Logger receives one record per request that failed with an internal error.
	Logger *slog.Logger
	// Now is the clock for token lifetimes and idempotency records; tests may stop it.
	Now func() time.Time
	// MaxBodyBytes limits request bodies; larger ones are refused with 413.
	MaxBodyBytes int64
	// Notify holds the notification use cases; nil builds them over the store with
	// their defaults.
	Notify *notify.Service
}

// Server is the REST API. It is an http.Handler for every path under /api/.
type Server struct {
	store   carpool.Store
	signup  carpool.SignupPolicy
	log     *slog.Logger
	now     func() time.Time
	maxBody int64
	mux     *http.ServeMux
	notify  *notify.Service
}

// NewServer returns the API over store.
func NewServer(store carpool.Store, opts Options) *Server {
	s := &Server{
		store:   store,
		signup:  opts.Signup,
		log:     opts.Logger,
		now:     opts.Now,
		maxBody: opts.MaxBodyBytes,
		mux:     http.NewServeMux(),
		notify:  opts.Notify,
	}
	if s.notify == nil {
		s.notify = notify.NewService(store, notify.ServiceOptions{Now: opts.Now})
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
