package storetest

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testUtilisation checks the report's SQL aggregates against figures worked out by hand
// for the window [from, to) = [now+10h, now+20h).
func testUtilisation(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open) // a store of its own: the report covers every pool car
	h := time.Hour
	from, to := e.at(10*h), e.at(20*h)
	site, other := e.site(), e.site()
	member := e.member(carpool.RoleMember)
	manager := e.member(carpool.RoleFleetManager)
	p1, p2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember)

	reserve := func(car carpool.Car, by carpool.Member, kind carpool.ReservationKind, start, end time.Duration) carpool.Reservation {
		t.Helper()
		r, err := e.f.CreateReservation(e.ctx, car.ID, by, kind, e.at(start), e.at(end))
		noErr(t, err, "reserve")
		return r
	}
	offer := func(car carpool.Car, res carpool.Reservation, depart time.Duration) carpool.Ride {
		t.Helper()
		in := e.rideInput(car, 3, carpool.BookingInstant)
		in.ReservationID, in.DepartAt = res.ID, e.at(depart)
		r, err := e.f.CreateRide(e.ctx, in, member)
		noErr(t, err, "offer ride")
		return r
	}

	// busy: a trip clipped at the window's start (8h–12h: 2h inside) with a ride in the
	// window carrying 3 seats and one before it; a maintenance block inside (13h–14h: 1h);
	// a trip clipped at the window's end (18h–23h: 2h) with a cancelled ride in the window;
	// a cancelled trip inside (15h–17h: nothing).
	busy := e.poolCar(site, 5)
	early := reserve(busy, member, carpool.ReservationTrip, 8*h, 12*h)
	before := offer(busy, early, 9*h)
	e.book(before, p1, 1, false)
	inside := offer(busy, early, 11*h)
	e.book(inside, p1, 2, false)
	e.book(inside, p2, 1, false)
	reserve(busy, manager, carpool.ReservationMaintenance, 13*h, 14*h)
	dropped := reserve(busy, member, carpool.ReservationTrip, 15*h, 17*h)
	_, err := e.f.CancelReservation(e.ctx, dropped.ID, member)
	noErr(t, err, "cancel reservation")
	late := reserve(busy, member, carpool.ReservationTrip, 18*h, 23*h)
	cancelled := offer(busy, late, 19*h)
	e.book(cancelled, p2, 2, false)
	_, err = e.f.CancelRide(e.ctx, cancelled.ID, member)
	noErr(t, err, "cancel ride")

	// spanning: one maintenance block longer than the window (9h–21h: 10h), and trips
	// that only touch it (8h–10h, 20h–22h: nothing).
	spanning := e.poolCar(other, 5)
	reserve(spanning, manager, carpool.ReservationMaintenance, 9*h, 21*h)
	edges := e.poolCar(other, 5)
	reserve(edges, member, carpool.ReservationTrip, 8*h, 10*h)
	reserve(edges, member, carpool.ReservationTrip, 20*h, 22*h)

	// retired: listed with nothing; a private car's ride is no part of the report.
	retired := e.poolCar(site, 5)
	_, err = e.f.RetireCar(e.ctx, retired.ID, e.member(carpool.RoleFleetManager))
	noErr(t, err, "retire")
	private := e.privateCar(member, 5)
	in := e.rideInput(private, 3, carpool.BookingInstant)
	in.DepartAt = e.at(15 * h)
	r, err := e.f.CreateRide(e.ctx, in, member)
	noErr(t, err, "private ride")
	e.book(r, p1, 2, false)

	want := map[string]carpool.CarUsage{
		busy.ID:     {Reserved: 4 * h, Maintenance: h, Rides: 1, SeatsShared: 3},
		spanning.ID: {Maintenance: 10 * h},
		edges.ID:    {},
		retired.ID:  {},
	}
	got, err := e.s.Utilisation(e.ctx, from, to)
	noErr(t, err, "utilisation")
	if len(got) != len(want) {
		t.Fatalf("got %d cars, want %d (every pool car, retired too, no private car)", len(got), len(want))
	}
	for _, u := range got {
		w, ok := want[u.Car.ID]
		if !ok {
			t.Fatalf("car %s (%s): not a pool car of this store", u.Car.ID, u.Car.Kind)
		}
		if u.Reserved != w.Reserved || u.Maintenance != w.Maintenance || u.Rides != w.Rides || u.SeatsShared != w.SeatsShared {
			t.Errorf("car %s: got reserved %v maintenance %v rides %d seats %d, want %v %v %d %d", u.Car.Plate,
				u.Reserved, u.Maintenance, u.Rides, u.SeatsShared, w.Reserved, w.Maintenance, w.Rides, w.SeatsShared)
		}
	}
	t.Run("a window with nothing in it", func(t *testing.T) {
		got, err := e.s.Utilisation(e.ctx, e.at(100*h), e.at(101*h))
		noErr(t, err, "utilisation")
		for _, u := range got {
			if u.Reserved != 0 || u.Maintenance != 0 || u.Rides != 0 || u.SeatsShared != 0 {
				t.Errorf("car %s: got %+v, want nothing", u.Car.Plate, u)
			}
		}
	})
	t.Run("a window off the hour", func(t *testing.T) {
		// 10h–11h30 holds 1h30 of the early trip and the ride at 11h.
		got, err := e.s.Utilisation(e.ctx, from, from.Add(90*time.Minute))
		noErr(t, err, "utilisation")
		for _, u := range got {
			if u.Car.ID == busy.ID && (u.Reserved != 90*time.Minute || u.Rides != 1) {
				t.Errorf("busy car: got reserved %v with %d rides, want 1h30m0s with 1", u.Reserved, u.Rides)
			}
		}
	})
}
