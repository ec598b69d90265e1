package storetest

import (
	"math"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testFleetUsage checks the report's grouped reads over several spans at once against
// figures worked out by hand, and each span against Utilisation and RideFigures asked
// for that span alone; with a site, only that site's pool cars and their rides count.
func testFleetUsage(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open) // a store of its own: the report covers every pool car
	h := time.Hour
	siteA, siteB := e.site(), e.site()
	member := e.member(carpool.RoleMember)
	manager := e.member(carpool.RoleFleetManager)
	p1, p2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	reserve := func(car carpool.Car, by carpool.Member, kind carpool.ReservationKind, start, end time.Duration) carpool.Reservation {
		t.Helper()
		r, err := e.f.CreateReservation(e.ctx, car.ID, by, kind, e.at(start), e.at(end))
		noErr(t, err, "reserve")
		return r
	}
	offer := func(car carpool.Car, res *carpool.Reservation, depart time.Duration) carpool.Ride {
		t.Helper()
		in := e.rideInput(car, 3, carpool.BookingInstant)
		if res != nil {
			in.ReservationID = res.ID
		}
		in.DepartAt = e.at(depart)
		r, err := e.f.CreateRide(e.ctx, in, member)
		noErr(t, err, "offer ride")
		return r
	}

	// Spans [10h, 12h), [12h, 16h), [16h, 20h).
	// a1 (site A): a trip 8h–12h with a ride at 11h carrying 2 seats; a trip 12h–13h
	// with a ride leaving exactly at the bound 12h carrying 1; maintenance 13h–14h.
	// b1 (site B): maintenance 9h–21h. A private car's ride at 15h carries 2 seats: the
	// fleet's rides count it, no site's do.
	a1 := e.poolCar(siteA, 5)
	trip1 := reserve(a1, member, carpool.ReservationTrip, 8*h, 12*h)
	e.book(offer(a1, &trip1, 11*h), p1, 2, false)
	trip2 := reserve(a1, member, carpool.ReservationTrip, 12*h, 13*h)
	e.book(offer(a1, &trip2, 12*h), p2, 1, false)
	reserve(a1, manager, carpool.ReservationMaintenance, 13*h, 14*h)
	b1 := e.poolCar(siteB, 5)
	reserve(b1, manager, carpool.ReservationMaintenance, 9*h, 21*h)
	private := offer(e.privateCar(member, 5), nil, 15*h)
	e.book(private, p1, 2, false)

	bounds := []time.Time{e.at(10 * h), e.at(12 * h), e.at(16 * h), e.at(20 * h)}
	type span struct {
		reserved, maintenance time.Duration
		offered, seats        int
	}
	check := func(t *testing.T, site string, want []span, wantCars map[string]carpool.CarUsage) {
		t.Helper()
		got, err := e.s.FleetUsage(e.ctx, carpool.FleetUsageFilter{Bounds: bounds, SiteID: site})
		noErr(t, err, "fleet usage")
		if len(got.Spans) != len(want) {
			t.Fatalf("got %d spans, want %d", len(got.Spans), len(want))
		}
		for i, w := range want {
			g := got.Spans[i]
			if g.Reserved != w.reserved || g.Maintenance != w.maintenance || g.Rides.Offered != w.offered || g.Rides.SeatsFilled != w.seats {
				t.Errorf("span %d: got reserved %v maintenance %v rides %d seats %d, want %v %v %d %d", i,
					g.Reserved, g.Maintenance, g.Rides.Offered, g.Rides.SeatsFilled, w.reserved, w.maintenance, w.offered, w.seats)
			}
		}
		if len(got.Cars) != len(wantCars) {
			t.Fatalf("got %d cars, want %d", len(got.Cars), len(wantCars))
		}
		for _, u := range got.Cars {
			w, ok := wantCars[u.Car.ID]
			if !ok {
				t.Fatalf("car %s of site %s is not in this report", u.Car.Plate, u.Car.SiteID)
			}
			if u.Reserved != w.Reserved || u.Maintenance != w.Maintenance || u.Rides != w.Rides || u.SeatsShared != w.SeatsShared {
				t.Errorf("car %s: got %v %v %d %d, want %v %v %d %d", u.Car.Plate, u.Reserved, u.Maintenance, u.Rides, u.SeatsShared,
					w.Reserved, w.Maintenance, w.Rides, w.SeatsShared)
			}
		}
		if site != "" {
			return
		}
		// The whole fleet: each span as the one-span reads compute it.
		for i := range want {
			cars, err := e.s.Utilisation(e.ctx, bounds[i], bounds[i+1])
			noErr(t, err, "utilisation")
			var reserved, maintenance time.Duration
			for _, c := range cars {
				reserved += c.Reserved
				maintenance += c.Maintenance
			}
			rides, err := e.s.RideFigures(e.ctx, carpool.RideFigureFilter{From: bounds[i], To: bounds[i+1]})
			noErr(t, err, "ride figures")
			g := got.Spans[i]
			if g.Reserved != reserved || g.Maintenance != maintenance || g.Rides.Offered != rides.Offered ||
				g.Rides.Shared != rides.Shared || g.Rides.SeatsFilled != rides.SeatsFilled || math.Abs(g.Rides.PassengerKM-rides.PassengerKM) > 1e-6 {
				t.Errorf("span %d: got %+v, the one-span reads say reserved %v maintenance %v rides %+v", i, g, reserved, maintenance, rides)
			}
		}
	}
	t.Run("the fleet", func(t *testing.T) {
		check(t, "", []span{
			{reserved: 2 * h, maintenance: 2 * h, offered: 1, seats: 2},
			{reserved: h, maintenance: 5 * h, offered: 2, seats: 3},
			{maintenance: 4 * h},
		}, map[string]carpool.CarUsage{
			a1.ID: {Reserved: 3 * h, Maintenance: h, Rides: 2, SeatsShared: 3},
			b1.ID: {Maintenance: 10 * h},
		})
	})
	t.Run("one site", func(t *testing.T) {
		check(t, siteA.ID, []span{
			{reserved: 2 * h, offered: 1, seats: 2},
			{reserved: h, maintenance: h, offered: 1, seats: 1},
			{},
		}, map[string]carpool.CarUsage{
			a1.ID: {Reserved: 3 * h, Maintenance: h, Rides: 2, SeatsShared: 3},
		})
		check(t, siteB.ID, []span{{maintenance: 2 * h}, {maintenance: 4 * h}, {maintenance: 4 * h}},
			map[string]carpool.CarUsage{b1.ID: {Maintenance: 10 * h}})
	})
	t.Run("a site without cars", func(t *testing.T) {
		check(t, e.site().ID, []span{{}, {}, {}}, map[string]carpool.CarUsage{})
	})
	t.Run("fewer than two bounds", func(t *testing.T) {
		if _, err := e.s.FleetUsage(e.ctx, carpool.FleetUsageFilter{Bounds: bounds[:1]}); err == nil {
			t.Error("one bound: got no error")
		}
	})
}
