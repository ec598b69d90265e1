package storetest

import (
	"sync"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// testRideHome covers rides home through the application layer on each engine: the
// yearly limit holds however many requests arrive at once, a booking has one request,
// and an erased member's notes go while their requests stay counted.
func testRideHome(t *testing.T, open func(t *testing.T) carpool.Store) {
	// lost is a booking of passenger on a ride from site leaving in six hours, declined.
	lost := func(e *env, passenger carpool.Member) carpool.Booking {
		e.t.Helper()
		driver := e.member(carpool.RoleMember)
		in := e.rideInput(e.privateCar(driver, 8), 3, carpool.BookingApproval)
		in.DepartAt = e.at(6 * time.Hour)
		ride, err := e.f.CreateRide(e.ctx, in, driver)
		noErr(e.t, err, "create ride")
		b := e.book(ride, passenger, 1, false)
		_, err = e.f.RejectBooking(e.ctx, b.ID, driver)
		noErr(e.t, err, "reject")
		return b
	}

	t.Run("the yearly limit holds under concurrent requests", func(t *testing.T) {
		e := newEnv(t, open)
		e.site()
		a := app.New(e.s, app.Options{Limits: &carpool.Limits{MaxRideHomesPerYear: 2}})
		rider := e.member(carpool.RoleMember)
		var bookings []carpool.Booking
		for range 6 {
			bookings = append(bookings, lost(e, rider))
		}
		var wg sync.WaitGroup
		errs := make([]error, len(bookings))
		for i, b := range bookings {
			wg.Go(func() { _, errs[i] = a.AskRideHome(e.ctx, rider, b.ID, "") })
		}
		wg.Wait()
		made := 0
		for _, err := range errs {
			switch carpool.ErrorCode(err) {
			case "":
				made++
			case carpool.ECONFLICT:
			default:
				t.Errorf("a request: got %v, want made or refused by the limit", err)
			}
		}
		if made != 2 {
			t.Errorf("requests made at once: got %d, want exactly the limit of 2", made)
		}
	})

	t.Run("one request per booking, however many at once", func(t *testing.T) {
		e := newEnv(t, open)
		e.site()
		a := app.New(e.s, app.Options{Limits: &carpool.Limits{}})
		rider := e.member(carpool.RoleMember)
		b := lost(e, rider)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { _, errs[i] = a.AskRideHome(e.ctx, rider, b.ID, "") })
		}
		wg.Wait()
		made := 0
		for _, err := range errs {
			if err == nil {
				made++
			} else if carpool.ErrorCode(err) != carpool.ECONFLICT {
				t.Errorf("a second request: got %v, want conflict", err)
			}
		}
		if made != 1 {
			t.Errorf("requests for one booking: got %d, want 1", made)
		}
	})

	t.Run("erasure forgets the notes, not the requests", func(t *testing.T) {
		e := newEnv(t, open)
		e.site()
		a := app.New(e.s, app.Options{Limits: &carpool.Limits{}})
		rider, admin := e.member(carpool.RoleMember), e.member(carpool.RoleAdmin)
		q, err := a.AskRideHome(e.ctx, rider, lost(e, rider).ID, "my daughter waits at the nursery")
		noErr(t, err, "ask")
		noErr(t, e.f.EraseMember(e.ctx, rider.ID, admin), "erase")
		got, err := e.s.RideHome(e.ctx, q.ID)
		noErr(t, err, "read the request")
		if got.Note != "" || got.Status != carpool.RideHomeRequested {
			t.Errorf("after erasure: got %+v, want the request kept without its note", got)
		}
	})
}
