package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"carpool/internal/carpool"
)

// flakyStore fails CreateSite once with an internal error, as a lost database
// connection would.
type flakyStore struct {
	carpool.Store
	once sync.Once
}

func (f *flakyStore) CreateSite(ctx context.Context, s carpool.Site) error {
	var err error
	f.once.Do(func() { err = errors.New("database connection reset: secret detail") })
	if err != nil {
		return err
	}
	return f.Store.CreateSite(ctx, s)
}

// syncBuffer is a log sink that the server's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInternalError checks that a failure inside reaches the client as a bare 500, is
// logged once with its cause, and releases the Idempotency-Key so a retry can succeed.
func TestInternalError(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, envOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	// Swap in the failing store behind a second server over the same database.
	flaky := &flakyStore{Store: e.store}
	e2 := e.withHandler(t, serve(flaky, envOptions{Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
	fm := e2.member(t, "Fiona Fleet", carpool.RoleFleetManager)

	c := call{method: "POST", path: "/api/v1/sites", token: fm.token, header: map[string]string{"Idempotency-Key": "retry-me"},
		body: map[string]any{"name": "HQ", "address": "Marienplatz 1", "lat": 48.1, "lon": 11.5}}
	p := e2.do(t, c).problem(t, 500, carpool.EINTERNAL, "")
	if p.Detail != "internal error" || strings.Contains(string(p.Detail), "secret") {
		t.Errorf("500 detail: got %q", p.Detail)
	}
	if n := strings.Count(logs.String(), "secret detail"); n != 1 {
		t.Errorf("the cause is logged %d times, want once:\n%s", n, logs.String())
	}
	res := e2.do(t, c).want(t, 201)
	if res.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("the retry after a 500 was a replay; the key should have been released")
	}
}
