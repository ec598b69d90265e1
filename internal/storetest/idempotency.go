package storetest

import (
	"context"
	"errors"
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
		done := got
		if got, _, err = e.s.ReserveIdempotencyKey(e.ctx, rec); err != nil || got.CreatedAt != done.CreatedAt {
			t.Fatalf("reserve again: got %+v, err %v", got, err)
		}
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
		held, _, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
		noErr(t, err, "reserve")
		noErr(t, e.s.ReleaseIdempotencyKey(e.ctx, held), "release")
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

	// A replica that dies between reserving a key and recording the answer leaves the
	// reservation behind. The crash is simulated by reserving with a CreatedAt in the
	// past and never completing; the change the dead request was making is a booking.
	crashed := func(t *testing.T, age time.Duration) (carpool.IdempotencyRecord, carpool.Ride, carpool.Member) {
		t.Helper()
		passenger := e.member(carpool.RoleMember)
		ride := e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		rec := carpool.IdempotencyRecord{Scope: passenger.ID, Key: "k-" + unique(), RequestHash: "POST /rides/x/bookings {}",
			CreatedAt: e.now.Add(-age)}
		held, existed, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
		noErr(t, err, "reserve")
		if existed {
			t.Fatal("first reserve: existed")
		}
		return held, ride, passenger
	}
	retry := func(held carpool.IdempotencyRecord) carpool.IdempotencyRecord {
		return carpool.IdempotencyRecord{Scope: held.Scope, Key: held.Key, RequestHash: held.RequestHash, CreatedAt: carpool.Timestamp(time.Now())}
	}

	t.Run("crash before the change: a retry within the lease waits", func(t *testing.T) {
		held, _, _ := crashed(t, carpool.IdempotencyLease/3)
		got, existed, err := e.s.ReserveIdempotencyKey(e.ctx, retry(held))
		noErr(t, err, "retry")
		if !existed || got.Status != carpool.IdempotencyInFlight || got.CreatedAt != held.CreatedAt {
			t.Fatalf("got %+v existed %v, want the first reservation still in flight", got, existed)
		}
	})

	t.Run("crash before the change: after the lease a retry takes over and the first can commit nothing", func(t *testing.T) {
		held, ride, passenger := crashed(t, carpool.IdempotencyLease+time.Second)
		again := retry(held)
		got, existed, err := e.s.ReserveIdempotencyKey(e.ctx, again)
		noErr(t, err, "retry")
		if existed || got.CreatedAt != again.CreatedAt {
			t.Fatalf("got %+v existed %v, want the key taken over", got, existed)
		}
		// A second retry at the same moment does not take it over again.
		if other, existed, err := e.s.ReserveIdempotencyKey(e.ctx, retry(held)); err != nil || !existed || other.CreatedAt != got.CreatedAt {
			t.Fatalf("second retry: got %+v existed %v err %v, want the retry's reservation", other, existed, err)
		}
		// The first request was only slow, not dead: its booking must not commit now.
		_, err = e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, held), ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ECONFLICT, "")
		if r := e.rideNow(ride.ID); r.SeatsTaken != 0 {
			t.Fatalf("seats taken after the fenced booking: got %d, want 0", r.SeatsTaken)
		}
		if err := e.s.CompleteIdempotencyKey(e.ctx, carpool.IdempotencyRecord{Scope: held.Scope, Key: held.Key, CreatedAt: held.CreatedAt, Status: 201}); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("the first request's answer: got %v, want ECONFLICT", err)
		}
		noErr(t, e.s.ReleaseIdempotencyKey(e.ctx, held), "the first request's release")

		// The retry books, once.
		b, err := e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, got), ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "the retry's booking")
		if r := e.rideNow(ride.ID); r.SeatsTaken != 1 {
			t.Fatalf("seats taken: got %d, want 1", r.SeatsTaken)
		}
		if now, existed, err := e.s.ReserveIdempotencyKey(e.ctx, retry(held)); err != nil || !existed || now.Status != carpool.IdempotencyApplied {
			t.Fatalf("after the booking: got %+v existed %v err %v, want applied", now, existed, err)
		}
		done := got
		done.Status, done.Location, done.Body = 201, "/api/v1/bookings/"+b.ID, []byte(`{}`)
		noErr(t, e.s.CompleteIdempotencyKey(e.ctx, done), "complete")
		if now, existed, err := e.s.ReserveIdempotencyKey(e.ctx, retry(held)); err != nil || !existed || now.Status != 201 || now.Location != done.Location {
			t.Fatalf("replay: got %+v existed %v err %v", now, existed, err)
		}
	})

	t.Run("crash before the change: of retries at once one takes over", func(t *testing.T) {
		held, _, _ := crashed(t, carpool.IdempotencyLease+time.Second)
		const n = 10
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := range n {
			wg.Go(func() {
				again := retry(held)
				again.CreatedAt = again.CreatedAt.Add(time.Duration(i) * time.Microsecond)
				_, existed, err := e.s.ReserveIdempotencyKey(e.ctx, again)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("retry: %v", err)
				} else if !existed {
					won++
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("got %d retries taking the key over, want 1", won)
		}
	})

	t.Run("crash after the change: the key is never taken over", func(t *testing.T) {
		held, ride, passenger := crashed(t, carpool.IdempotencyLease+time.Second)
		_, err := e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, held), ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "book")
		// ... and the replica dies before it records the answer.
		got, existed, err := e.s.ReserveIdempotencyKey(e.ctx, retry(held))
		noErr(t, err, "retry")
		if !existed || got.Status != carpool.IdempotencyApplied || got.CreatedAt != held.CreatedAt {
			t.Fatalf("got %+v existed %v, want the first reservation, applied", got, existed)
		}
		noErr(t, e.s.ReleaseIdempotencyKey(e.ctx, held), "release")
		if got, existed, err := e.s.ReserveIdempotencyKey(e.ctx, retry(held)); err != nil || !existed || got.Status != carpool.IdempotencyApplied {
			t.Fatalf("after a release: got %+v existed %v err %v, want an applied key kept", got, existed, err)
		}
	})

	// An unreserved claim: no transaction ahead; the booking's own transaction takes
	// the key, and the answer is stored after it.
	unreserved := func(passenger carpool.Member) carpool.IdempotencyRecord {
		return carpool.IdempotencyRecord{Scope: passenger.ID, Key: "k-" + unique(), RequestHash: "POST /rides/x/bookings {}",
			CreatedAt: carpool.Timestamp(time.Now()), Unreserved: true}
	}

	t.Run("unreserved: the change's transaction takes the key, the answer follows", func(t *testing.T) {
		passenger := e.member(carpool.RoleMember)
		ride := e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		claim := unreserved(passenger)
		if _, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key); err != nil || found {
			t.Fatalf("before: found %v err %v, want no record", found, err)
		}
		b, err := e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, claim), ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "book")
		got, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key)
		if err != nil || !found || got.Status != carpool.IdempotencyApplied || !got.CreatedAt.Equal(claim.CreatedAt) || got.RequestHash != claim.RequestHash {
			t.Fatalf("after the booking: got %+v found %v err %v, want the claim applied", got, found, err)
		}
		// A second transaction of the same request passes the fence again.
		_, err = e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, claim), e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant).ID,
			passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "a second transaction of the request")
		done := claim
		done.Status, done.Location, done.Body = 201, "/api/v1/bookings/"+b.ID, []byte(`{}`)
		noErr(t, e.s.CompleteIdempotencyKey(e.ctx, done), "complete")
		if got, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key); err != nil || !found || got.Status != 201 || got.Location != done.Location {
			t.Fatalf("replay: got %+v found %v err %v", got, found, err)
		}
	})

	t.Run("unreserved: a request that changed nothing stores its answer", func(t *testing.T) {
		claim := unreserved(e.member(carpool.RoleMember))
		claim.Status, claim.Body = 422, []byte(`{"title":"bad"}`)
		noErr(t, e.s.CompleteIdempotencyKey(e.ctx, claim), "complete")
		if got, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key); err != nil || !found || got.Status != 422 || string(got.Body) != string(claim.Body) {
			t.Fatalf("got %+v found %v err %v, want the 422 kept", got, found, err)
		}
	})

	t.Run("unreserved: a key another request holds fences the change and keeps its answer", func(t *testing.T) {
		passenger := e.member(carpool.RoleMember)
		ride := e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		first := unreserved(passenger)
		_, err := e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, first), ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "first booking")
		second := first
		second.CreatedAt = first.CreatedAt.Add(time.Millisecond)
		_, err = e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, second), ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ECONFLICT, "")
		if r := e.rideNow(ride.ID); r.SeatsTaken != 1 {
			t.Fatalf("seats taken: got %d, want 1", r.SeatsTaken)
		}
		second.Status = 409
		if err := e.s.CompleteIdempotencyKey(e.ctx, second); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("the second request's answer: got %v, want ECONFLICT", err)
		}
		if got, _, err := e.s.IdempotencyKey(e.ctx, first.Scope, first.Key); err != nil || got.Status != carpool.IdempotencyApplied || !got.CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("the first request's record: got %+v err %v, want it untouched", got, err)
		}
	})

	t.Run("unreserved: an expired record gives way", func(t *testing.T) {
		passenger := e.member(carpool.RoleMember)
		old := carpool.IdempotencyRecord{Scope: passenger.ID, Key: "k-" + unique(), RequestHash: "old",
			CreatedAt: e.now.Add(-carpool.IdempotencyTTL - time.Minute)}
		_, _, err := e.s.ReserveIdempotencyKey(e.ctx, old)
		noErr(t, err, "reserve old")
		if _, found, err := e.s.IdempotencyKey(e.ctx, old.Scope, old.Key); err != nil || found {
			t.Fatalf("expired record: found %v err %v, want it absent", found, err)
		}
		claim := unreserved(passenger)
		claim.Key = old.Key
		_, err = e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, claim), e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant).ID,
			passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "book over an expired key")
		if got, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key); err != nil || !found || got.RequestHash != claim.RequestHash {
			t.Fatalf("got %+v found %v err %v, want the new claim", got, found, err)
		}
	})

	// oneKeyAtOnce sends 8 requests of one passenger with one key at once, each booking a
	// ride of its own (only the key keeps them from all booking), and returns what each
	// was told and the seats taken on those rides.
	oneKeyAtOnce := func(book func(claim carpool.IdempotencyRecord, rideID string, passenger carpool.Member) error) ([]error, int) {
		passenger := e.member(carpool.RoleMember)
		claim := unreserved(passenger)
		const n = 8
		rides := make([]carpool.Ride, n)
		for i := range rides {
			rides[i] = e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				mine := claim
				mine.CreatedAt = claim.CreatedAt.Add(time.Duration(i) * time.Microsecond)
				errs[i] = book(mine, rides[i].ID, passenger)
			})
		}
		wg.Wait()
		taken := 0
		for _, r := range rides {
			taken += e.rideNow(r.ID).SeatsTaken
		}
		return errs, taken
	}

	t.Run("unreserved: of requests at once one books", func(t *testing.T) {
		errs, taken := oneKeyAtOnce(func(claim carpool.IdempotencyRecord, rideID string, passenger carpool.Member) error {
			_, err := e.f.BookSeats(carpool.WithIdempotencyClaim(e.ctx, claim), rideID, passenger, carpool.BookingRequest{Seats: 1})
			return err
		})
		booked := 0
		for _, err := range errs {
			switch carpool.ErrorCode(err) {
			case "":
				booked++
			case carpool.ECONFLICT:
			default:
				t.Errorf("book: %v", err)
			}
		}
		if booked != 1 || taken != 1 {
			t.Fatalf("got %d bookings and %d seats taken, want 1 and 1", booked, taken)
		}
	})

	// A held commit: the change, the key and the answer in one transaction.
	held := func(claim carpool.IdempotencyRecord) (context.Context, carpool.HeldCommit) {
		return e.s.HoldCommit(carpool.WithIdempotencyClaim(e.ctx, claim), claim)
	}
	answered := func(claim carpool.IdempotencyRecord, location string) carpool.IdempotencyRecord {
		claim.Status, claim.Location, claim.Body = 201, location, []byte(`{"id":"x"}`)
		return claim
	}

	t.Run("held: nothing commits before the answer, then the change and the answer together", func(t *testing.T) {
		passenger := e.member(carpool.RoleMember)
		ride := e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		claim := unreserved(passenger)
		ctx, hc := held(claim)
		defer hc.Rollback()
		b, err := e.f.BookSeats(ctx, ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "book")
		if r := e.rideNow(ride.ID); r.SeatsTaken != 0 {
			t.Fatalf("seats taken before the commit: got %d, want 0", r.SeatsTaken)
		}
		if _, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key); err != nil || found {
			t.Fatalf("key before the commit: found %v err %v, want none", found, err)
		}
		committed, err := hc.Commit(e.ctx, answered(claim, "/api/v1/bookings/"+b.ID))
		if err != nil || !committed {
			t.Fatalf("commit: committed %v err %v", committed, err)
		}
		if r := e.rideNow(ride.ID); r.SeatsTaken != 1 {
			t.Fatalf("seats taken after the commit: got %d, want 1", r.SeatsTaken)
		}
		got, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key)
		if err != nil || !found || got.Status != 201 || got.Location != "/api/v1/bookings/"+b.ID || string(got.Body) != `{"id":"x"}` {
			t.Fatalf("key after the commit: got %+v found %v err %v, want the answer", got, found, err)
		}
	})

	t.Run("held: a rollback leaves nothing, a request that wrote nothing commits nothing", func(t *testing.T) {
		passenger := e.member(carpool.RoleMember)
		ride := e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		claim := unreserved(passenger)
		ctx, hc := held(claim)
		_, err := e.f.BookSeats(ctx, ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "book")
		hc.Rollback()
		if committed, err := hc.Commit(e.ctx, answered(claim, "/x")); err != nil || committed {
			t.Fatalf("commit after a rollback: committed %v err %v, want nothing", committed, err)
		}
		if r := e.rideNow(ride.ID); r.SeatsTaken != 0 {
			t.Fatalf("seats taken: got %d, want 0", r.SeatsTaken)
		}
		if _, found, err := e.s.IdempotencyKey(e.ctx, claim.Scope, claim.Key); err != nil || found {
			t.Fatalf("key: found %v err %v, want none", found, err)
		}
		// A refusal writes nothing: there is nothing to commit, the answer goes alone.
		_, hc = held(unreserved(passenger))
		if committed, err := hc.Commit(e.ctx, answered(claim, "/x")); err != nil || committed {
			t.Fatalf("commit of nothing: committed %v err %v", committed, err)
		}
	})

	t.Run("held: a later write that fails is undone alone", func(t *testing.T) {
		passenger := e.member(carpool.RoleMember)
		ride := e.ride(e.member(carpool.RoleMember), 1, carpool.BookingInstant)
		other := e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		late := e.member(carpool.RoleMember)
		// Everything the request writes goes through ctx: on SQLite the held transaction
		// has the one writer connection until it commits.
		claim := unreserved(passenger)
		ctx, hc := held(claim)
		defer hc.Rollback()
		_, err := e.f.BookSeats(ctx, ride.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "book")
		// The ride is full now (in the held transaction): the second booking is refused,
		// and only its own writes go.
		_, err = e.f.BookSeats(ctx, ride.ID, late, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = e.f.BookSeats(ctx, other.ID, passenger, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "a third write in the same transaction")
		if committed, err := hc.Commit(e.ctx, answered(claim, "/x")); err != nil || !committed {
			t.Fatalf("commit: committed %v err %v", committed, err)
		}
		if a, b := e.rideNow(ride.ID).SeatsTaken, e.rideNow(other.ID).SeatsTaken; a != 1 || b != 1 {
			t.Fatalf("seats taken: got %d and %d, want 1 and 1", a, b)
		}
	})

	t.Run("held: of requests at once with one key one commits, the others roll back", func(t *testing.T) {
		errs, taken := oneKeyAtOnce(func(claim carpool.IdempotencyRecord, rideID string, passenger carpool.Member) error {
			ctx, hc := e.s.HoldCommit(carpool.WithIdempotencyClaim(e.ctx, claim), claim)
			defer hc.Rollback()
			if _, err := e.f.BookSeats(ctx, rideID, passenger, carpool.BookingRequest{Seats: 1}); err != nil {
				return err
			}
			_, err := hc.Commit(e.ctx, answered(claim, "/x"))
			return err
		})
		committed, held := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				committed++
			case errors.Is(err, carpool.ErrIdempotencyKeyHeld):
				held++
			default:
				t.Errorf("book: %v", err)
			}
		}
		if committed != 1 || held != len(errs)-1 || taken != 1 {
			t.Fatalf("got %d commits, %d told the key is held, %d seats taken; want 1, %d, 1", committed, held, taken, len(errs)-1)
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
		r, err := e.f.CreateReservation(e.ctx, car.ID, m, "", start, start.Add(90*time.Minute))
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
			_, err := e.f.CreateReservation(e.ctx, car.ID, m, "", base.Add(offsets[i]), base.Add(offsets[i+1]))
			noErr(t, err, "reserve adjacent window")
		}
		// every window [a, b) overlapping one of the stored must be refused, every
		// touching one accepted
		for i := 0; i+1 < len(offsets); i++ {
			_, err := e.f.CreateReservation(e.ctx, car.ID, m, "", base.Add(offsets[i]), base.Add(offsets[i]+time.Microsecond))
			wantCode(t, err, carpool.ECONFLICT, "")
		}
		_, err := e.f.CreateReservation(e.ctx, car.ID, m, "", base.Add(-time.Second), base)
		noErr(t, err, "touching before")
		last := offsets[len(offsets)-1]
		_, err = e.f.CreateReservation(e.ctx, car.ID, m, "", base.Add(last), base.Add(last+time.Hour))
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
