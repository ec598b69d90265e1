package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
	"carpool/internal/storetest"
	"carpool/test/cluster"
)

// fixture is the seeded data: passengers (tokens) and rides of a few seats.
type fixture struct {
	passengers []string
	rides      []string
	seats      int
}

// seed creates a driver with a private car, rides of seats seats, and passengers with
// tokens, straight through the store.
func seed(t *testing.T, url string, passengers, rides, seats int) fixture {
	t.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	now := carpool.Timestamp(time.Now())
	member := func(i int) (carpool.Member, string) {
		m := carpool.Member{ID: carpool.NewID(), Email: fmt.Sprintf("p%d@example.com", i), Name: "P", Role: carpool.RoleMember,
			PasswordHash: "unused", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateMember(ctx, m); err != nil {
			t.Fatalf("seed member: %v", err)
		}
		tok, secret, err := carpool.NewToken(m.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatalf("seed token: %v", err)
		}
		return m, secret
	}
	driver, _ := member(-1)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "F-1", Make: "VW", Model: "ID.4", Seats: 8,
		OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateCar(ctx, car); err != nil {
		t.Fatalf("seed car: %v", err)
	}
	fx := fixture{seats: seats}
	for i := range rides {
		r, err := storetest.NewFlows(db).CreateRide(ctx, carpool.RideInput{CarID: car.ID,
			From: carpool.Place{Label: "A", Lat: 52.5, Lon: 13.4}, To: carpool.Place{Label: "B", Lat: 52.4, Lon: 13.1},
			DepartAt: now.Add(48*time.Hour + time.Duration(i)*time.Minute), Seats: seats, BookingMode: carpool.BookingInstant}, driver)
		if err != nil {
			t.Fatalf("seed ride: %v", err)
		}
		fx.rides = append(fx.rides, r.ID)
	}
	for i := range passengers {
		_, tok := member(i)
		fx.passengers = append(fx.passengers, tok)
	}
	return fx
}

// load is the booking traffic: every passenger walks the rides in turn, booking a seat
// on a ride where it holds none and cancelling the one it holds otherwise. A request
// without a definite answer (a transport error, a timeout, a 5xx) is retried with the
// same Idempotency-Key until it gets one, as a well-behaved client does.
type load struct {
	fx       fixture
	bases    []string
	client   *http.Client
	attempts atomic.Int64
	failed   atomic.Int64 // attempts without a definite answer

	mu   sync.Mutex
	held []map[string]string // per passenger: ride -> booking id the client was told is confirmed
	errs []string
}

func newLoad(fx fixture, bases []string) *load {
	l := &load{fx: fx, bases: bases, client: &http.Client{Timeout: 3 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	for range fx.passengers {
		l.held = append(l.held, map[string]string{})
	}
	return l
}

func (l *load) fail(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Sprintf(format, a...))
}

// run sends traffic until ctx ends; the passenger finishes the operation it is in, so
// the client's view is final when run returns.
func (l *load) run(ctx context.Context) {
	var wg sync.WaitGroup
	for p := range l.fx.passengers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				ride := l.fx.rides[(p+i)%len(l.fx.rides)]
				if id, ok := l.held[p][ride]; ok {
					l.cancel(p, ride, id, i)
				} else {
					l.book(p, ride, i)
				}
			}
		})
	}
	wg.Wait()
}

// do sends one request, retrying it (same key) on every answer that is not definite,
// across the replicas in turn, for at most two minutes.
func (l *load) do(p, turn int, method, path, key string, body any) (int, []byte) {
	var header http.Header
	if key != "" {
		header = http.Header{"Idempotency-Key": {key}}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for try := 0; ; try++ {
		base := l.bases[(p+turn+try)%len(l.bases)]
		l.attempts.Add(1)
		code, raw, err := cluster.SendWith(l.client, method, base+path, l.fx.passengers[p], header, body)
		if err == nil && code < 500 {
			return code, raw
		}
		l.failed.Add(1)
		if time.Now().After(deadline) {
			return 0, nil
		}
		time.Sleep(time.Duration(20+10*min(try, 20)) * time.Millisecond)
	}
}

func (l *load) book(p int, ride string, turn int) {
	key := fmt.Sprintf("p%d-%d-%s", p, turn, ride)
	code, raw := l.do(p, turn, http.MethodPost, "/api/v1/rides/"+ride+"/bookings", key, map[string]any{"seats": 1})
	switch code {
	case http.StatusCreated:
		var b struct{ ID, Status string }
		if err := json.Unmarshal(raw, &b); err != nil || b.Status != "confirmed" {
			l.fail("book: got %s, want a confirmed booking", raw)
			return
		}
		l.mu.Lock()
		l.held[p][ride] = b.ID
		l.mu.Unlock()
	case http.StatusConflict:
		// Full, or a replica died between booking and recording the answer (the key
		// is in flight for its lease, or the answer is lost): the truth is in the
		// passenger's bookings.
		l.reconcile(p, ride)
	default:
		l.fail("book %s: got %d %s", ride, code, raw)
	}
}

func (l *load) cancel(p int, ride, id string, turn int) {
	code, raw := l.do(p, turn, http.MethodPost, "/api/v1/bookings/"+id+"/cancel", "", nil)
	switch code {
	case http.StatusOK, http.StatusConflict: // 409: an earlier attempt cancelled it
		l.mu.Lock()
		delete(l.held[p], ride)
		l.mu.Unlock()
	default:
		l.fail("cancel %s: got %d %s", id, code, raw)
	}
}

// reconcile asks which booking the passenger holds on ride after an answer that does
// not say; a confirmed one is held.
func (l *load) reconcile(p int, ride string) {
	code, raw := l.do(p, 0, http.MethodGet, "/api/v1/bookings?limit=100", "", nil)
	if code != http.StatusOK {
		l.fail("list bookings: got %d %s", code, raw)
		return
	}
	var page struct {
		Items []struct {
			ID     string `json:"id"`
			RideID string `json:"ride_id"`
			Status string `json:"status"`
		} `json:"items"`
	}
	_ = json.Unmarshal(raw, &page)
	for _, b := range page.Items {
		if b.RideID == ride && b.Status == "confirmed" {
			l.mu.Lock()
			l.held[p][ride] = b.ID
			l.mu.Unlock()
		}
	}
}
