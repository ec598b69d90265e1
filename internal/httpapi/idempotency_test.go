package httpapi_test

import (
	"carpool/internal/storetest"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t, envOptions{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	pia := e.member(t, "Pia Passenger", carpool.RoleMember)
	siteID := str(e.site(t, fm)["id"])
	poolID := str(e.poolCar(t, fm, siteID, 5)["id"])
	rideID := str(e.ride(t, dan, 3, "instant")["id"])
	start := future(24 * time.Hour)

	tests := []struct {
		name  string
		who   member
		path  string
		body  map[string]any
		count func(t *testing.T) int
	}{
		{"sign-up", member{}, "/api/v1/members", map[string]any{"email": "new@example.com", "name": "New", "password": testPassword}, nil},
		{"site", fm, "/api/v1/sites", map[string]any{"name": "Branch", "address": "Leopoldstr. 1", "lat": 48.16, "lon": 11.58}, nil},
		{"car", dan, "/api/v1/cars", map[string]any{"kind": "private", "plate": plate(), "make": "Fiat", "model": "500", "seats": 4}, nil},
		{"reservation", dan, "/api/v1/cars/" + poolID + "/reservations", map[string]any{"start": rfc3339(start), "end": rfc3339(start.Add(time.Hour))}, nil},
		{"booking", pia, "/api/v1/rides/" + rideID + "/bookings", map[string]any{"seats": 1}, nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := map[string]string{"Idempotency-Key": "key-" + tt.name}
			c := call{method: "POST", path: tt.path, token: tt.who.token, body: tt.body, header: key}
			first := e.do(t, c).want(t, 201)
			second := e.do(t, c).want(t, 201)
			if second.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
				t.Errorf("Idempotent-Replayed: first %q, retry %q", first.header.Get("Idempotent-Replayed"), second.header.Get("Idempotent-Replayed"))
			}
			if string(first.body) != string(second.body) || first.header.Get("Location") != second.header.Get("Location") {
				t.Errorf("retry answer differs:\n%s\n%s", first.body, second.body)
			}
			// The same key on another request is refused; so is a different body.
			changed := map[string]any{}
			for k, v := range tt.body {
				changed[k] = v
			}
			changed["name"] = "Other " + string(rune('A'+i))
			other := c
			other.body, other.invalid = changed, true
			e.do(t, other).problem(t, 422, "idempotency_key_reused", "idempotency_key")
		})
	}

	// Created once: one booking for pia, one new site besides the first.
	var bookings struct{ Items []map[string]any }
	e.do(t, call{method: "GET", path: "/api/v1/bookings", token: pia.token}).want(t, 200).decode(t, &bookings)
	if len(bookings.Items) != 1 {
		t.Errorf("bookings after a retried booking: got %d, want 1", len(bookings.Items))
	}
	var sites struct{ Items []map[string]any }
	e.do(t, call{method: "GET", path: "/api/v1/sites", token: pia.token}).want(t, 200).decode(t, &sites)
	if len(sites.Items) != 2 {
		t.Errorf("sites after a retried create: got %d, want 2", len(sites.Items))
	}

	t.Run("keys are per caller", func(t *testing.T) {
		c := call{method: "POST", path: "/api/v1/cars", header: map[string]string{"Idempotency-Key": "shared"},
			body: map[string]any{"kind": "private", "plate": plate(), "make": "Fiat", "model": "Panda", "seats": 4}}
		c.token = dan.token
		e.do(t, c).want(t, 201)
		c.token = pia.token
		if res := e.do(t, c); res.status != 409 || res.header.Get("Idempotent-Replayed") != "" {
			// pia's own first use of the key: it runs, and the plate is taken by dan's car.
			t.Errorf("another caller's key: got %d, replayed %q", res.status, res.header.Get("Idempotent-Replayed"))
		}
	})

	t.Run("errors are replayed too", func(t *testing.T) {
		c := call{method: "POST", path: "/api/v1/rides/" + rideID + "/bookings", token: dan.token,
			header: map[string]string{"Idempotency-Key": "own-ride"}, body: map[string]any{"seats": 1}}
		e.do(t, c).problem(t, 403, carpool.EFORBIDDEN, "")
		if res := e.do(t, c).want(t, 403); res.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("4xx answer not replayed")
		}
	})

	t.Run("in flight", func(t *testing.T) {
		// A first request that is still running holds the key; a retry must wait.
		for i, tt := range tests {
			who := tt.who.ID
			key := "running-" + tt.name
			_, exists, err := e.store.ReserveIdempotencyKey(context.Background(), carpool.IdempotencyRecord{
				Scope: who, Key: key, RequestHash: "whatever", CreatedAt: time.Now(),
			})
			if err != nil || exists {
				t.Fatalf("reserve key: exists %v, err %v", exists, err)
			}
			e.do(t, call{method: "POST", path: tt.path, token: tt.who.token, header: map[string]string{"Idempotency-Key": key},
				body: tests[i].body}).problem(t, 409, "idempotency_in_flight", "idempotency_key")
		}
	})

	// A replica that dies between reserving a key and recording the answer leaves the
	// key reserved; the crash is simulated by reserving it in the store, a lease ago.
	deadReplica := func(t *testing.T, key string) (carpool.IdempotencyRecord, string, call) {
		t.Helper()
		path := "/api/v1/rides/" + str(e.ride(t, dan, 3, "instant")["id"]) + "/bookings"
		body := map[string]any{"seats": 1}
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte("POST " + path + "\n" + string(b)))
		held, exists, err := e.store.ReserveIdempotencyKey(context.Background(), carpool.IdempotencyRecord{
			Scope: pia.ID, Key: key, RequestHash: hex.EncodeToString(sum[:]), CreatedAt: time.Now().Add(-carpool.IdempotencyLease - time.Second),
		})
		if err != nil || exists {
			t.Fatalf("reserve key: exists %v, err %v", exists, err)
		}
		return held, path, call{method: "POST", path: path, token: pia.token, header: map[string]string{"Idempotency-Key": key}, body: body}
	}

	t.Run("a replica died before it booked", func(t *testing.T) {
		_, _, c := deadReplica(t, "died-before")
		first := e.do(t, c).want(t, 201)
		if again := e.do(t, c).want(t, 201); again.header.Get("Idempotent-Replayed") != "true" || string(again.body) != string(first.body) {
			t.Errorf("retry after the takeover: replayed %q, body %s, want the first answer", again.header.Get("Idempotent-Replayed"), again.body)
		}
	})

	t.Run("a replica died after it booked", func(t *testing.T) {
		held, path, c := deadReplica(t, "died-after")
		rideID := strings.TrimSuffix(strings.TrimPrefix(path, "/api/v1/rides/"), "/bookings")
		if _, err := storetest.NewFlows(e.store).BookSeats(carpool.WithIdempotencyClaim(context.Background(), held), rideID, pia.Member, carpool.BookingRequest{Seats: 1}); err != nil {
			t.Fatalf("book: %v", err)
		}
		e.do(t, c).problem(t, 409, "idempotency_answer_lost", "idempotency_key")
		var ride map[string]any
		e.do(t, call{method: "GET", path: "/api/v1/rides/" + rideID, token: dan.token}).want(t, 200).decode(t, &ride)
		if got := ride["seats_taken"]; got != float64(1) {
			t.Errorf("seats taken: got %v, want 1 (booked once)", got)
		}
	})

	t.Run("bad key", func(t *testing.T) {
		long := make([]byte, 256)
		for i := range long {
			long[i] = 'k'
		}
		e.do(t, call{method: "POST", path: "/api/v1/cars", token: pia.token, invalid: true, header: map[string]string{"Idempotency-Key": string(long)},
			body: map[string]any{"kind": "private", "plate": plate(), "make": "Fiat", "model": "Panda", "seats": 4}}).
			problem(t, 400, "malformed", "idempotency_key")
	})
}
