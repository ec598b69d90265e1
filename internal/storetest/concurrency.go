package storetest

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testConcurrency hammers one ride and one car from many goroutines: the seat and overlap
// rules must hold however the requests interleave. Run it with -race.
func testConcurrency(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	const clients = 200
	passengers := make([]carpool.Member, clients)
	for i := range passengers {
		passengers[i] = e.member(carpool.RoleMember)
	}

	for _, waitlist := range []bool{false, true} {
		name := "book 200 on 3 seats"
		if waitlist {
			name += " with waitlist"
		}
		t.Run(name, func(t *testing.T) {
			r := e.ride(driver, 3, carpool.BookingInstant)
			seq := e.lastSeq()
			var wg sync.WaitGroup
			results := make([]carpool.Booking, clients)
			errs := make([]error, clients)
			start := make(chan struct{})
			for i, p := range passengers {
				wg.Go(func() {
					<-start
					results[i], errs[i] = e.f.BookSeats(e.ctx, r.ID, p, carpool.BookingRequest{Seats: 1, Waitlist: waitlist})
				})
			}
			close(start)
			wg.Wait()

			confirmed := map[string]bool{}
			waitlisted, conflicts := 0, 0
			for i := range clients {
				switch {
				case errs[i] == nil && results[i].Status == carpool.BookingConfirmed:
					confirmed[results[i].ID] = true
				case errs[i] == nil && results[i].Status == carpool.BookingWaitlisted:
					waitlisted++
				case carpool.ErrorCode(errs[i]) == carpool.ECONFLICT:
					conflicts++
				default:
					t.Errorf("client %d: got %+v, %v", i, results[i], errs[i])
				}
			}
			wantConflicts, wantWaitlisted := clients-3, 0
			if waitlist {
				wantConflicts, wantWaitlisted = 0, clients-3
			}
			if len(confirmed) != 3 || conflicts != wantConflicts || waitlisted != wantWaitlisted {
				t.Fatalf("got %d confirmed, %d waitlisted, %d conflicts; want 3, %d, %d",
					len(confirmed), waitlisted, conflicts, wantWaitlisted, wantConflicts)
			}
			if got := e.rideNow(r.ID); got.SeatsTaken != 3 {
				t.Fatalf("ride seats taken %d, want 3", got.SeatsTaken)
			}
			stored, _, err := e.s.Bookings(e.ctx, carpool.BookingFilter{RideID: r.ID, ActiveOnly: true}, carpool.Page{Limit: carpool.MaxPageLimit})
			noErr(t, err, "bookings")
			seats := 0
			for _, b := range stored {
				if b.Status == carpool.BookingConfirmed {
					seats += b.Seats
					if !confirmed[b.ID] {
						t.Errorf("stored confirmed booking %s was not reported confirmed", b.ID)
					}
				}
			}
			if seats != 3 {
				t.Fatalf("confirmed seats in the store: %d, want 3", seats)
			}
			// every confirmed booking has exactly one booking.confirmed event
			perBooking := map[string]int{}
			for _, ev := range e.eventsAfter(seq) {
				if ev.Type != carpool.EventBookingConfirmed {
					continue
				}
				var p struct {
					RideID string `json:"ride_id"`
				}
				if err := json.Unmarshal(ev.Payload, &p); err != nil || p.RideID != r.ID {
					t.Fatalf("booking.confirmed event for another ride: %s", ev.Payload)
				}
				perBooking[ev.SubjectID]++
			}
			if len(perBooking) != 3 {
				t.Fatalf("got booking.confirmed events for %d bookings, want 3", len(perBooking))
			}
			for id, n := range perBooking {
				if !confirmed[id] || n != 1 {
					t.Fatalf("booking %s: %d booking.confirmed events (confirmed: %v), want exactly 1", id, n, confirmed[id])
				}
			}
		})
	}

	t.Run("reserve 50 overlapping windows of one car", func(t *testing.T) {
		const n = 50
		car := e.poolCar(e.site(), 5)
		var wg sync.WaitGroup
		won := make([]bool, n)
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			m := passengers[i]
			// all windows share the instant 10:00 + 50 minutes
			from := e.at(10*time.Hour + time.Duration(i)*time.Minute)
			wg.Go(func() {
				<-start
				_, err := e.f.CreateReservation(e.ctx, car.ID, m, carpool.ReservationTrip, from, from.Add(time.Hour))
				won[i], errs[i] = err == nil, err
			})
		}
		close(start)
		wg.Wait()
		wins := 0
		for i := range n {
			switch {
			case won[i]:
				wins++
			case carpool.ErrorCode(errs[i]) != carpool.ECONFLICT:
				t.Errorf("client %d: %v", i, errs[i])
			}
		}
		if wins != 1 {
			t.Fatalf("got %d winners, want exactly 1", wins)
		}
		active, _, err := e.s.Reservations(e.ctx, carpool.ReservationFilter{CarID: car.ID, ActiveOnly: true}, carpool.Page{Limit: 100})
		noErr(t, err, "reservations")
		if len(active) != 1 {
			t.Fatalf("got %d active reservations, want 1", len(active))
		}
	})
}
