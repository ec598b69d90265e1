package storetest

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testLimits checks that the store applies the fair-use limits (the defaults: the suite
// opens stores without configuring any) in the transaction that creates.
func testLimits(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	site := e.site()
	limits := carpool.DefaultLimits()
	day := 24 * time.Hour

	t.Run("how far ahead", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		car := e.privateCar(m, 5)
		in := e.rideInput(car, 2, "")
		in.DepartAt = time.Date(9999, 1, 1, 8, 0, 0, 0, time.UTC)
		_, err := e.f.CreateRide(e.ctx, in, m)
		wantCode(t, err, carpool.EINVALID, "depart_at")
		in.DepartAt = e.at(limits.MaxAdvance - day)
		r, err := e.f.CreateRide(e.ctx, in, m)
		noErr(t, err, "ride within the limit")
		far := e.at(limits.MaxAdvance + day)
		_, err = e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{DepartAt: &far}, m)
		wantCode(t, err, carpool.EINVALID, "depart_at")
		_, err = e.f.CreateReservation(e.ctx, e.poolCar(site, 5).ID, m, "", far, far.Add(time.Hour))
		wantCode(t, err, carpool.EINVALID, "start")
		_, err = e.f.CreateReservation(e.ctx, e.poolCar(site, 5).ID, m, "", e.at(day), e.at(day+limits.MaxReservation+time.Hour))
		wantCode(t, err, carpool.EINVALID, "end")
	})

	t.Run("open rides per member", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		car := e.privateCar(m, 5)
		var first carpool.Ride
		for i := range limits.MaxOpenRides {
			r, err := e.f.CreateRide(e.ctx, e.rideInput(car, 2, ""), m)
			noErr(t, err, "ride within the count")
			if i == 0 {
				first = r
			}
		}
		_, err := e.f.CreateRide(e.ctx, e.rideInput(car, 2, ""), m)
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = e.f.CancelRide(e.ctx, first.ID, m)
		noErr(t, err, "cancel one")
		_, err = e.f.CreateRide(e.ctx, e.rideInput(car, 2, ""), m)
		noErr(t, err, "ride after cancelling one")

		// A commute's days do not count: a Monday-to-Friday commute two weeks ahead makes
		// ten rides, and its driver may still offer MaxOpenRides by hand.
		commuter := e.member(carpool.RoleMember)
		e.series(commuter, carpool.WorkWeek, 2)
		if _, err := e.f.MaterialiseSeries(e.ctx, 28*day); err != nil {
			t.Fatalf("materialise: %v", err)
		}
		spare := e.privateCar(commuter, 5)
		for range limits.MaxOpenRides {
			_, err := e.f.CreateRide(e.ctx, e.rideInput(spare, 2, ""), commuter)
			noErr(t, err, "ride beside a commute")
		}

		fm := e.member(carpool.RoleFleetManager)
		own := e.privateCar(fm, 5)
		for range limits.MaxOpenRides + 1 {
			_, err := e.f.CreateRide(e.ctx, e.rideInput(own, 2, ""), fm)
			noErr(t, err, "fleet manager's ride")
		}
	})

	t.Run("commutes per member", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		for range limits.MaxCommutes {
			e.series(m, carpool.WorkWeek, 2)
		}
		_, err := e.f.CreateSeries(e.ctx, e.seriesInput(e.privateCar(m, 5), carpool.WorkWeek, 2), m)
		wantCode(t, err, carpool.ECONFLICT, "")
		fm := e.member(carpool.RoleFleetManager)
		for range limits.MaxCommutes + 1 {
			e.series(fm, carpool.WorkWeek, 2)
		}
	})

	t.Run("scheduled rides per member, commute days and single rides together", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		car := e.privateCar(m, 5)
		var single []carpool.Ride
		for range 10 {
			r, err := e.f.CreateRide(e.ctx, e.rideInput(car, 2, ""), m)
			noErr(t, err, "single ride")
			single = append(single, r)
		}
		// Five commutes on every day of two weeks would make 70 rides; the cap leaves
		// room for 60 - 10 of them, the nearest days first.
		var commutes []carpool.Series
		for range limits.MaxCommutes {
			commutes = append(commutes, e.series(m, carpool.AllWeekdays, 2))
		}
		made := func() int {
			n := 0
			for _, sr := range commutes {
				for _, o := range e.occurrences(sr) {
					if o.Status == carpool.OccurrenceScheduled {
						n++
					}
				}
			}
			return n
		}
		e.materialise()
		if got, want := made(), limits.MaxScheduledRides-len(single); got != want {
			t.Fatalf("commute days made: got %d, want %d", got, want)
		}
		e.materialise()
		if got, want := made(), limits.MaxScheduledRides-len(single); got != want {
			t.Fatalf("commute days made by a second pass at the cap: got %d, want %d", got, want)
		}
		_, err := e.f.CancelRide(e.ctx, single[0].ID, m)
		noErr(t, err, "cancel a single ride")
		e.materialise()
		if got, want := made(), limits.MaxScheduledRides-len(single)+1; got != want {
			t.Fatalf("commute days made after one ride freed room: got %d, want %d", got, want)
		}
	})

	t.Run("active reservations per member", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		car := e.poolCar(site, 5)
		var first carpool.Reservation
		for i := range limits.MaxActiveReservations {
			r, err := e.f.CreateReservation(e.ctx, car.ID, m, "", e.at(time.Duration(2*i+1)*time.Hour), e.at(time.Duration(2*i+2)*time.Hour))
			noErr(t, err, "reservation within the count")
			if i == 0 {
				first = r
			}
		}
		next := e.at(100 * time.Hour)
		_, err := e.f.CreateReservation(e.ctx, car.ID, m, "", next, next.Add(time.Hour))
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = e.f.CancelReservation(e.ctx, first.ID, m)
		noErr(t, err, "cancel one")
		_, err = e.f.CreateReservation(e.ctx, car.ID, m, "", next, next.Add(time.Hour))
		noErr(t, err, "reservation after cancelling one")

		fm := e.member(carpool.RoleFleetManager)
		for i := range limits.MaxActiveReservations + 1 {
			from := e.at(time.Duration(200+i) * time.Hour)
			_, err := e.f.CreateReservation(e.ctx, car.ID, fm, "", from, from.Add(30*time.Minute))
			noErr(t, err, "fleet manager's reservation")
		}
	})
}
