package app_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// searchCounts counts the address searches that reach the database's count.
type searchCounts struct {
	carpool.Store
	calls atomic.Int64
}

func (s *searchCounts) CountAddressSearch(ctx context.Context, memberID string, window time.Time) (int, error) {
	s.calls.Add(1)
	return s.Store.CountAddressSearch(ctx, memberID, window)
}

// anywhere finds one place for any query.
type anywhere struct{}

func (anywhere) Search(_ context.Context, query string) ([]carpool.Place, error) {
	return []carpool.Place{{Label: query, Lat: 47.4, Lon: 8.5}}, nil
}

// TestAddressSearchesCountedPerWindow: every search is counted in the database; past
// the limit the member is refused with the rest of the window as the wait, and this
// process refuses the next ones itself, without a database write each, until the
// window closes; then the database is asked again and the member searches.
func TestAddressSearchesCountedPerWindow(t *testing.T) {
	f := newApp(t)
	store := &searchCounts{Store: f.store}
	a := app.New(store, app.Options{Now: f.clock.Now, Geocoder: anywhere{}})
	ann := f.member(carpool.RoleMember)
	throttledFor := func(err error) time.Duration {
		t.Helper()
		var e *carpool.Error
		if !errors.As(err, &e) || e.Code != carpool.ETHROTTLED {
			t.Fatalf("got %v, want ETHROTTLED", err)
		}
		return e.RetryAfter
	}

	f.clock.Advance(10 * time.Second) // start is on a window's start; 50s of it are left
	for i := range carpool.AddressSearchesPerWindow {
		if _, err := a.SearchAddress(f.ctx, ann, "Bahnhofstrasse"); err != nil {
			t.Fatalf("search %d: %v", i+1, err)
		}
	}
	_, err := a.SearchAddress(f.ctx, ann, "Bahnhofstrasse")
	if wait := throttledFor(err); wait != 50*time.Second {
		t.Fatalf("wait past the limit: got %v, want 50s", wait)
	}
	asked := store.calls.Load()
	if asked != carpool.AddressSearchesPerWindow+1 {
		t.Fatalf("counts asked: got %d, want %d", asked, carpool.AddressSearchesPerWindow+1)
	}
	f.clock.Advance(30 * time.Second)
	_, err = a.SearchAddress(f.ctx, ann, "Bahnhofstrasse")
	if wait := throttledFor(err); wait != 20*time.Second {
		t.Fatalf("wait later in the window: got %v, want 20s", wait)
	}
	if n := store.calls.Load(); n != asked {
		t.Fatalf("a refused member's next search asked the database: got %d counts, want %d", n, asked)
	}

	f.clock.Advance(20 * time.Second) // the next window
	if _, err := a.SearchAddress(f.ctx, ann, "Bahnhofstrasse"); err != nil {
		t.Fatalf("search in the next window: %v", err)
	}
	if n := store.calls.Load(); n != asked+1 {
		t.Fatalf("counts asked after the window closed: got %d, want %d", n, asked+1)
	}
}
