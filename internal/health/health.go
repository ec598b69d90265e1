// Package health answers the probes: /livez (the process runs), /readyz (the database
// answers and the server is not draining) and /version.
package health

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"carpool/internal/buildinfo"
)

// Pinger is what readiness depends on: the store.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Probes serves the health endpoints. The result of a database ping is cached for
// CacheFor, so frequent probes from many kubelets and load balancers cannot overload the
// database; each ping gets at most Timeout.
type Probes struct {
	db       Pinger
	timeout  time.Duration
	cacheFor time.Duration
	now      func() time.Time

	draining atomic.Bool

	mu       sync.Mutex
	checked  time.Time
	lastErr  error
	inFlight chan struct{} // closed when the running ping finishes; nil when none runs
}

// New returns probes for db with a 1 s ping timeout and a 1 s cache.
func New(db Pinger) *Probes {
	return &Probes{db: db, timeout: time.Second, cacheFor: time.Second, now: time.Now}
}

// Drain turns readiness off for good: the process is shutting down.
func (p *Probes) Drain() { p.draining.Store(true) }

// Draining reports whether Drain was called.
func (p *Probes) Draining() bool { return p.draining.Load() }

// Register adds /livez, /readyz and /version to mux.
func (p *Probes) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /livez", p.livez)
	mux.HandleFunc("GET /readyz", p.readyz)
	mux.HandleFunc("GET /version", version)
}

// livezBody is what /livez always answers, encoded once: the probe is called several
// times a second on every pod and must cost next to nothing.
var livezBody = []byte(`{"status":"ok"}` + "\n")

func (p *Probes) livez(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Cache-Control"] = []string{"no-store"}
	_, _ = w.Write(livezBody) // the client went away; nothing to do
}

func (p *Probes) readyz(w http.ResponseWriter, r *http.Request) {
	if p.Draining() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	if err := p.ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// Ready reports whether the database answers, using the cached result when it is fresh.
func (p *Probes) Ready(ctx context.Context) error { return p.ping(ctx) }

// ping returns the cached result while fresh; otherwise one caller pings and the others
// wait for its answer, so a burst of probes costs one round trip.
func (p *Probes) ping(ctx context.Context) error {
	p.mu.Lock()
	if !p.checked.IsZero() && p.now().Sub(p.checked) < p.cacheFor {
		err := p.lastErr
		p.mu.Unlock()
		return err
	}
	if wait := p.inFlight; wait != nil {
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.lastErr
	}
	done := make(chan struct{})
	p.inFlight = done
	p.mu.Unlock()

	// Detached from the request: a probe client that gives up must not leave a
	// cancelled result in the cache for everyone else.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.timeout)
	err := p.db.Ping(pctx)
	cancel()

	p.mu.Lock()
	p.checked, p.lastErr, p.inFlight = p.now(), err, nil
	p.mu.Unlock()
	close(done)
	return err
}

func version(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, buildinfo.Get())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing to do
}
