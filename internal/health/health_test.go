package health_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/health"
)

// countingDB answers pings with the error it holds and counts them.
type countingDB struct {
	mu    sync.Mutex
	err   error
	pings atomic.Int64
	delay time.Duration
}

func (d *countingDB) Ping(ctx context.Context) error {
	d.pings.Add(1)
	time.Sleep(d.delay)
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

func (d *countingDB) set(err error) {
	d.mu.Lock()
	d.err = err
	d.mu.Unlock()
}

func get(t *testing.T, h http.Handler, path string) int {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code
}

func TestReadinessFollowsDatabaseAndDrain(t *testing.T) {
	db := &countingDB{}
	p := health.New(db)
	mux := http.NewServeMux()
	p.Register(mux)

	if got := get(t, mux, "/readyz"); got != http.StatusOK {
		t.Fatalf("readyz with a healthy database: got %d, want 200", got)
	}
	db.set(errors.New("connection refused"))
	deadline := time.Now().Add(3 * time.Second)
	for get(t, mux, "/readyz") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("readyz still 200 3 s after the database went away")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := get(t, mux, "/livez"); got != http.StatusOK {
		t.Errorf("livez with the database down: got %d, want 200", got)
	}
	db.set(nil)
	deadline = time.Now().Add(3 * time.Second)
	for get(t, mux, "/readyz") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("readyz not back to 200 3 s after the database returned")
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.Drain()
	if got := get(t, mux, "/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: got %d, want 503", got)
	}
	if got := get(t, mux, "/livez"); got != http.StatusOK {
		t.Errorf("livez while draining: got %d, want 200", got)
	}
}

func TestProbeBurstCostsOnePing(t *testing.T) {
	db := &countingDB{delay: 50 * time.Millisecond}
	p := health.New(db)
	mux := http.NewServeMux()
	p.Register(mux)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := get(t, mux, "/readyz"); got != http.StatusOK {
				t.Errorf("got %d, want 200", got)
			}
		}()
	}
	wg.Wait()
	if n := db.pings.Load(); n != 1 {
		t.Errorf("50 concurrent probes pinged the database %d times, want 1", n)
	}
}

func TestVersion(t *testing.T) {
	mux := http.NewServeMux()
	health.New(&countingDB{}).Register(mux)
	if got := get(t, mux, "/version"); got != http.StatusOK {
		t.Errorf("version: got %d, want 200", got)
	}
}
