package storetest

import (
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testIdempotency(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)

	t.Run("reserve, complete, replay", func(t *testing.T) {
		rec := carpool.IdempotencyRecord{Scope: "member-1", Key: "k-" + unique(), RequestHash: "POST /api/v1/sites abc"}
		got, existed, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
		noErr(t, err, "reserve")
		if existed || got.Status != 0 || got.Key != rec.Key {
			t.Fatalf("first reserve: got %+v existed %v", got, existed)
		}
		got, existed, err = e.s.ReserveIdempotencyKey(e.ctx, carpool.IdempotencyRecord{Scope: rec.Scope, Key: rec.Key, RequestHash: "other"})
		noErr(t, err, "reserve again")
		if !existed || got.Status != 0 || got.RequestHash != rec.RequestHash {
			t.Fatalf("reserve while running: got %+v existed %v, want the first record, status 0", got, existed)
		}
		done := rec
		done.Status, done.Location, done.Body = 201, "/api/v1/sites/x", []byte(`{"id":"x"}`)
		noErr(t, e.s.CompleteIdempotencyKey(e.ctx, done), "complete")
		got, existed, err = e.s.ReserveIdempotencyKey(e.ctx, rec)
		noErr(t, err, "reserve after completion")
		if !existed || got.Status != 201 || got.Location != done.Location || string(got.Body) != string(done.Body) {
			t.Fatalf("replay: got %+v existed %v", got, existed)
		}
	})

	t.Run("scopes are separate", func(t *testing.T) {
		key := "k-" + unique()
		_, existed, err := e.s.ReserveIdempotencyKey(e.ctx, carpool.IdempotencyRecord{Scope: "a", Key: key, RequestHash: "h"})
		noErr(t, err, "reserve a")
		_, existed2, err := e.s.ReserveIdempotencyKey(e.ctx, carpool.IdempotencyRecord{Scope: "", Key: key, RequestHash: "h"})
		noErr(t, err, "reserve anonymous")
		if existed || existed2 {
			t.Fatalf("got existed %v %v, want false false", existed, existed2)
		}
	})

	t.Run("release", func(t *testing.T) {
		rec := carpool.IdempotencyRecord{Scope: "s", Key: "k-" + unique(), RequestHash: "h"}
		_, _, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
		noErr(t, err, "reserve")
		noErr(t, e.s.ReleaseIdempotencyKey(e.ctx, rec.Scope, rec.Key), "release")
		_, existed, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
		noErr(t, err, "reserve after release")
		if existed {
			t.Fatal("a released key still exists")
		}
	})

	t.Run("expired records are replaced", func(t *testing.T) {
		rec := carpool.IdempotencyRecord{Scope: "s", Key: "k-" + unique(), RequestHash: "old",
			CreatedAt: e.now.Add(-carpool.IdempotencyTTL - time.Minute)}
		_, _, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
		noErr(t, err, "reserve old")
		got, existed, err := e.s.ReserveIdempotencyKey(e.ctx, carpool.IdempotencyRecord{Scope: rec.Scope, Key: rec.Key, RequestHash: "new"})
		noErr(t, err, "reserve new")
		if existed || got.RequestHash != "new" {
			t.Fatalf("got %+v existed %v, want a fresh record", got, existed)
		}
	})

	t.Run("concurrent reserve", func(t *testing.T) {
		const n = 20
		rec := carpool.IdempotencyRecord{Scope: "s", Key: "k-" + unique(), RequestHash: "h"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh, errs := 0, 0
		for range n {
			wg.Go(func() {
				_, existed, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					errs++
					t.Errorf("reserve: %v", err)
				case !existed:
					fresh++
				}
			})
		}
		wg.Wait()
		if fresh != 1 || errs != 0 {
			t.Fatalf("got %d first reservations and %d errors, want 1 and 0", fresh, errs)
		}
	})
}

func testTimes(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	site := e.site()
	// A fleet manager holds any number of reservations; the windows lie within the
	// fair-use limit of how far ahead one may reserve.
	m := e.member(carpool.RoleFleetManager)
	soon := e.now.AddDate(0, 1, 0)
	base := time.Date(soon.Year(), soon.Month(), soon.Day(), 5, 6, 7, 0, time.UTC)

	t.Run("read back equal", func(t *testing.T) {
		car := e.poolCar(site, 5)
		zone := time.FixedZone("UTC+5", 5*3600)
		start := time.Date(soon.Year(), soon.Month(), soon.Day(), 8, 0, 0, 123456789, zone).AddDate(0, 0, -3) // nanoseconds and a zone are normalised
		r, err := e.s.CreateReservation(e.ctx, car.ID, m, "", start, start.Add(90*time.Minute))
		noErr(t, err, "reserve")
		got, err := e.s.Reservation(e.ctx, r.ID)
		noErr(t, err, "reservation")
		want := carpool.Timestamp(start)
		if got.Start != want || got.Start.Location() != time.UTC || !got.End.Equal(want.Add(90*time.Minute)) {
			t.Fatalf("got start %v end %v, want %v (UTC)", got.Start, got.End, want)
		}
	})

	// Fractions of a second are where text-encoded times go wrong: "05.5" sorts after
	// "05.123" but "05" must sort before "05.000001". Windows that differ only in these
	// must still compare in time order in SQL.
	t.Run("compared in time order", func(t *testing.T) {
		offsets := []time.Duration{0, time.Microsecond, 100 * time.Millisecond, 123456 * time.Microsecond,
			500 * time.Millisecond, time.Second, time.Second + 5*time.Microsecond, 10 * time.Second}
		car := e.poolCar(site, 5)
		for i := 0; i+1 < len(offsets); i++ {
			_, err := e.s.CreateReservation(e.ctx, car.ID, m, "", base.Add(offsets[i]), base.Add(offsets[i+1]))
			noErr(t, err, "reserve adjacent window")
		}
		// every window [a, b) overlapping one of the stored must be refused, every
		// touching one accepted
		for i := 0; i+1 < len(offsets); i++ {
			_, err := e.s.CreateReservation(e.ctx, car.ID, m, "", base.Add(offsets[i]), base.Add(offsets[i]+time.Microsecond))
			wantCode(t, err, carpool.ECONFLICT, "")
		}
		_, err := e.s.CreateReservation(e.ctx, car.ID, m, "", base.Add(-time.Second), base)
		noErr(t, err, "touching before")
		last := offsets[len(offsets)-1]
		_, err = e.s.CreateReservation(e.ctx, car.ID, m, "", base.Add(last), base.Add(last+time.Hour))
		noErr(t, err, "touching after")

		rs, _, err := e.s.Reservations(e.ctx, carpool.ReservationFilter{CarID: car.ID,
			Start: base.Add(500 * time.Millisecond), End: base.Add(time.Second + time.Microsecond)}, carpool.Page{Limit: 100})
		noErr(t, err, "reservations in window")
		var starts []time.Duration
		for _, r := range rs {
			starts = append(starts, r.Start.Sub(base))
		}
		want := []time.Duration{500 * time.Millisecond, time.Second}
		if len(starts) != len(want) || starts[0] != want[0] || starts[1] != want[1] {
			t.Fatalf("windows overlapping [0.5s, 1.000001s): got starts %v, want %v", starts, want)
		}
	})
}
