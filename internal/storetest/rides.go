package storetest

import (
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testRides(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	site := e.site()
	driver := e.member(carpool.RoleMember)
	other := e.member(carpool.RoleMember)
	h := time.Hour

	t.Run("private car", func(t *testing.T) {
		car := e.privateCar(driver, 5)
		r, err := e.f.CreateRide(e.ctx, e.rideInput(car, 4, carpool.BookingInstant), driver)
		noErr(t, err, "create ride")
		if r.Status != carpool.RideOpen || r.Version != 1 || r.SeatsTaken != 0 || r.ReservationID != "" || r.DriverID != driver.ID {
			t.Fatalf("got %+v", r)
		}
		got, err := e.s.Ride(e.ctx, r.ID)
		noErr(t, err, "ride")
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("got %+v, want %+v", got, r)
		}
		_, err = e.s.Ride(e.ctx, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("someone else's car", func(t *testing.T) {
		// Another member's private car is not theirs to see: no such car.
		_, err := e.f.CreateRide(e.ctx, e.rideInput(e.privateCar(other, 5), 2, ""), driver)
		wantCode(t, err, carpool.EINVALID, "car_id")
	})

	t.Run("too many seats", func(t *testing.T) {
		_, err := e.f.CreateRide(e.ctx, e.rideInput(e.privateCar(driver, 4), 4, ""), driver)
		wantCode(t, err, carpool.EINVALID, "seats")
	})

	t.Run("unknown car", func(t *testing.T) {
		in := e.rideInput(carpool.Car{ID: carpool.NewID()}, 2, "")
		_, err := e.f.CreateRide(e.ctx, in, driver)
		wantCode(t, err, carpool.EINVALID, "car_id")
	})

	t.Run("pool car needs a covering reservation", func(t *testing.T) {
		car := e.poolCar(site, 5)
		in := e.rideInput(car, 3, carpool.BookingInstant) // departs in 24h
		_, err := e.f.CreateRide(e.ctx, in, driver)
		wantCode(t, err, carpool.ECONFLICT, "reservation_id")

		// someone else's reservation does not help
		theirs, err := e.f.CreateReservation(e.ctx, car.ID, other, "", e.at(23*h), e.at(25*h))
		noErr(t, err, "reserve")
		_, err = e.f.CreateRide(e.ctx, in, driver)
		wantCode(t, err, carpool.ECONFLICT, "reservation_id")
		in.ReservationID = theirs.ID
		_, err = e.f.CreateRide(e.ctx, in, driver)
		wantCode(t, err, carpool.ECONFLICT, "reservation_id")

		// the driver's own reservation, found without being named
		car2 := e.poolCar(site, 5)
		mine, err := e.f.CreateReservation(e.ctx, car2.ID, driver, "", e.at(23*h), e.at(25*h))
		noErr(t, err, "reserve")
		in = e.rideInput(car2, 3, carpool.BookingInstant)
		r, err := e.f.CreateRide(e.ctx, in, driver)
		noErr(t, err, "ride on reserved pool car")
		if r.ReservationID != mine.ID {
			t.Fatalf("ride rests on reservation %q, want %q", r.ReservationID, mine.ID)
		}

		// named, but the departure lies outside it
		in.ReservationID = mine.ID
		in.DepartAt = e.at(26 * h)
		_, err = e.f.CreateRide(e.ctx, in, driver)
		wantCode(t, err, carpool.EINVALID, "depart_at")

		// the reservation cannot be cancelled from under an open ride
		_, err = e.f.CancelReservation(e.ctx, mine.ID, driver)
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = e.f.CancelRide(e.ctx, r.ID, driver)
		noErr(t, err, "cancel ride")

		// a cancelled reservation covers nothing
		_, err = e.f.CancelReservation(e.ctx, mine.ID, driver)
		noErr(t, err, "cancel reservation")
		in.DepartAt = e.at(24 * h)
		_, err = e.f.CreateRide(e.ctx, in, driver)
		wantCode(t, err, carpool.ECONFLICT, "reservation_id")
	})

	t.Run("update", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		seats, notes, mode := 5, "bring snacks", carpool.BookingApproval
		depart := e.at(30 * h)
		got, err := e.f.UpdateRide(e.ctx, r.ID, 1, carpool.RidePatch{Seats: &seats, Notes: &notes, BookingMode: &mode, DepartAt: &depart}, driver)
		noErr(t, err, "update ride")
		if got.Seats != 5 || got.Notes != notes || got.BookingMode != mode || !got.DepartAt.Equal(depart) || got.Version != 2 {
			t.Fatalf("got %+v", got)
		}
		if stored := e.rideNow(r.ID); !reflect.DeepEqual(stored, got) {
			t.Fatalf("stored %+v, want %+v", stored, got)
		}
		_, err = e.f.UpdateRide(e.ctx, r.ID, 1, carpool.RidePatch{Notes: &notes}, driver)
		wantCode(t, err, carpool.ECONFLICT, "if_match")
		_, err = e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{Notes: &notes}, other)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		_, err = e.f.UpdateRide(e.ctx, carpool.NewID(), 0, carpool.RidePatch{}, driver)
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("moving a pool car ride stays within its reservation", func(t *testing.T) {
		car := e.poolCar(site, 5)
		res, err := e.f.CreateReservation(e.ctx, car.ID, driver, "", e.at(20*h), e.at(28*h))
		noErr(t, err, "reserve")
		r, err := e.f.CreateRide(e.ctx, e.rideInput(car, 3, carpool.BookingInstant), driver)
		noErr(t, err, "create ride")
		for _, d := range []time.Duration{31 * h, 19 * h, 28 * h, 300 * 24 * h} {
			depart := e.at(d)
			_, err = e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{DepartAt: &depart}, driver)
			wantCode(t, err, carpool.ECONFLICT, "depart_at")
		}
		if got := e.rideNow(r.ID); !got.DepartAt.Equal(r.DepartAt) || got.Version != r.Version {
			t.Fatalf("got departure %v version %d, want %v %d", got.DepartAt, got.Version, r.DepartAt, r.Version)
		}
		// the freed hours can be reserved by someone else, so the ride must not go there
		_, err = e.f.CreateReservation(e.ctx, car.ID, other, "", e.at(28*h), e.at(32*h))
		noErr(t, err, "reserve after")
		inside := e.at(27 * h)
		got, err := e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{DepartAt: &inside}, driver)
		noErr(t, err, "move within the reservation")
		if !got.DepartAt.Equal(inside) || got.ReservationID != res.ID {
			t.Fatalf("got departure %v reservation %q, want %v %q", got.DepartAt, got.ReservationID, inside, res.ID)
		}
		// a maintenance block cannot cover the ride: the reservation holds the car
		manager := e.member(carpool.RoleFleetManager)
		_, err = e.f.CreateReservation(e.ctx, car.ID, manager, carpool.ReservationMaintenance, e.at(26*h), e.at(30*h))
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("seats not below confirmed", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		e.book(r, other, 2, false)
		one := 1
		_, err := e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{Seats: &one}, driver)
		wantCode(t, err, carpool.ECONFLICT, "seats")
		two := 2
		got, err := e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{Seats: &two}, driver)
		noErr(t, err, "shrink to confirmed")
		if got.Seats != 2 || got.SeatsTaken != 2 {
			t.Fatalf("got seats %d taken %d, want 2 2", got.Seats, got.SeatsTaken)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		_, err := e.f.CancelRide(e.ctx, r.ID, other)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		got, err := e.f.CancelRide(e.ctx, r.ID, driver)
		noErr(t, err, "cancel ride")
		if got.Status != carpool.RideCancelled {
			t.Fatalf("got status %q, want cancelled", got.Status)
		}
		_, err = e.f.CancelRide(e.ctx, r.ID, driver)
		wantCode(t, err, carpool.ECONFLICT, "")
		seats := 2
		_, err = e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{Seats: &seats}, driver)
		wantCode(t, err, carpool.ECONFLICT, "")
		admin := e.member(carpool.RoleAdmin)
		r2 := e.ride(driver, 3, carpool.BookingInstant)
		_, err = e.f.CancelRide(e.ctx, r2.ID, admin)
		noErr(t, err, "cancel by admin")
	})

	t.Run("filters", func(t *testing.T) {
		e := newEnv(t, open)
		d1, d2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		a := e.ride(d1, 2, "")
		b := e.ride(d2, 2, "")
		c := e.ride(d1, 2, "")
		_, err := e.f.CancelRide(e.ctx, c.ID, d1)
		noErr(t, err, "cancel")
		cases := []struct {
			name string
			f    carpool.RideFilter
			want []string
		}{
			{"open", carpool.RideFilter{}, []string{a.ID, b.ID}},
			{"all", carpool.RideFilter{IncludeClosed: true}, []string{a.ID, b.ID, c.ID}},
			{"driver", carpool.RideFilter{DriverID: d1.ID, IncludeClosed: true}, []string{a.ID, c.ID}},
			{"departing later", carpool.RideFilter{DepartAfter: e.at(25 * h)}, nil},
			{"departing after", carpool.RideFilter{DepartAfter: e.at(23 * h)}, []string{a.ID, b.ID}},
			{"departing before", carpool.RideFilter{DepartBefore: e.at(25 * h)}, []string{a.ID, b.ID}},
			{"departing earlier", carpool.RideFilter{DepartBefore: e.at(23 * h)}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rides, _, err := e.s.Rides(e.ctx, tc.f, carpool.Page{Limit: 10})
				noErr(t, err, "rides")
				var got []string
				for _, r := range rides {
					got = append(got, r.ID)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}
	})
}
