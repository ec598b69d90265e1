package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
)

// instantGeocoder finds one place for any query at once.
type instantGeocoder struct{}

func (instantGeocoder) Search(_ context.Context, query string) ([]carpool.Place, error) {
	return []carpool.Place{{Label: query, Lat: 52.5, Lon: 13.4}}, nil
}

// stoppedClock is a clock a test moves by hand, shared by both replicas.
type stoppedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stoppedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *stoppedClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// TestAddressSearchLimitHoldsAcrossReplicas runs two API processes, each with its own
// application and connection pool, over one PostgreSQL database, as two pods do. A
// member's searches spread over both count against one limit: the one past it is
// refused (429 with Retry-After) on either replica, another member still searches, and
// the next window lets the member search again.
func TestAddressSearchLimitHoldsAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	dbURL := postgrestest.MigratedDatabase(t)
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, dbURL)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	first, second := open(), open()
	if _, err := first.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	// Mid-window, so the window's end is a known way off.
	clock := &stoppedClock{t: carpool.AddressSearchWindowAt(time.Now()).Add(carpool.AddressSearchWindow / 4)}
	opts := envOptions{Geocoder: instantGeocoder{}, Now: clock.Now}
	replicas := []*env{newEnvOn(t, first, opts), newEnvOn(t, second, opts)}
	ann := replicas[0].member(t, "Ann", carpool.RoleMember)
	bob := replicas[1].member(t, "Bob", carpool.RoleMember)
	search := func(r *env, m member, i int) response {
		t.Helper()
		path := "/api/v1/places/search?" + url.Values{"q": {fmt.Sprintf("Street %d", i)}}.Encode()
		return r.do(t, call{method: "GET", path: path, token: m.token, invalid: true})
	}

	for i := range carpool.AddressSearchesPerWindow {
		if res := search(replicas[i%2], ann, i); res.status != 200 {
			t.Fatalf("Ann's search %d of %d, on replica %d: got %d, want 200", i+1, carpool.AddressSearchesPerWindow, i%2+1, res.status)
		}
	}
	for i, r := range replicas {
		res := search(r, ann, 100+i)
		res.problem(t, 429, carpool.ETHROTTLED, "")
		if got, want := res.header.Get("Retry-After"), "45"; got != want {
			t.Errorf("Retry-After on replica %d: got %q, want %q (the rest of the window)", i+1, got, want)
		}
	}
	if res := search(replicas[0], bob, 0); res.status != 200 {
		t.Fatalf("Bob's search while Ann is refused: got %d, want 200", res.status)
	}

	clock.Advance(carpool.AddressSearchWindow)
	for i, r := range replicas {
		if res := search(r, ann, 200+i); res.status != 200 {
			t.Fatalf("Ann's search in the next window on replica %d: got %d, want 200", i+1, res.status)
		}
	}
}
