package storetest

import (
	"math"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testFleetUsageWeeks checks FleetUsage over local weeks, as a report asks for them: a
// period starting and ending mid-week, over 45 weeks of Europe/Berlin, so at least one
// daylight-saving change (they are 22 and 30 weeks apart) falls inside and gives a week of 167 or 169 hours between runs of weeks of
// exactly 168. Rides leave exactly at Monday 00:00 (they belong to the week that starts
// then) and a second before; reservations run across one and several bounds. Every
// span must say what Utilisation and RideFigures say when asked for that span alone,
// and every car what Utilisation says for the whole period.
func testFleetUsageWeeks(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	loc, err := time.LoadLocation("Europe/Berlin")
	noErr(t, err, "load Europe/Berlin")
	site := e.site()
	manager := e.member(carpool.RoleFleetManager)
	passenger := e.member(carpool.RoleMember)

	// from: the Wednesday noon of next week; to: a Thursday 45 weeks later.
	start := e.at(7 * 24 * time.Hour).In(loc)
	start = time.Date(start.Year(), start.Month(), start.Day(), 12, 0, 0, 0, loc)
	for start.Weekday() != time.Wednesday {
		start = start.AddDate(0, 0, 1)
	}
	from, to := carpool.Timestamp(start), carpool.Timestamp(start.AddDate(0, 0, 45*7+1))
	weeks := carpool.Weeks(from, to, loc)
	bounds := []time.Time{from}
	for _, w := range weeks[1:] {
		bounds = append(bounds, carpool.Timestamp(w.Start))
	}
	bounds = append(bounds, to)
	irregular := 0
	for i := 1; i+2 < len(bounds); i++ {
		if bounds[i+1].Sub(bounds[i]) != 7*24*time.Hour {
			irregular++
		}
	}
	if irregular == 0 {
		t.Fatalf("no week of the fixture crosses a daylight-saving change: %v", bounds)
	}

	// Rides in private cars at every bound and a second before it, six drivers taking
	// turns so none offers more open rides than one member may.
	var drivers []carpool.Member
	var cars []carpool.Car
	for range 6 {
		d := e.member(carpool.RoleMember)
		drivers, cars = append(drivers, d), append(cars, e.privateCar(d, 5))
	}
	for i, b := range bounds[1 : len(bounds)-1] {
		for j, at := range []time.Time{b, b.Add(-time.Second)} {
			d := 2*(i%3) + j
			in := e.rideInput(cars[d], 3, carpool.BookingInstant)
			in.DepartAt = at
			r, err := e.f.CreateRide(e.ctx, in, drivers[d])
			noErr(t, err, "offer ride")
			if i%3 == 0 {
				e.book(r, passenger, 1+j, false)
			}
		}
	}
	// Pool cars: a trip across one bound, maintenance across several, a trip ending
	// exactly at a bound, one across the period's start and one across its end.
	a, b := e.poolCar(site, 5), e.poolCar(site, 5)
	reserve := func(car carpool.Car, kind carpool.ReservationKind, start, end time.Time) {
		t.Helper()
		_, err := e.f.CreateReservation(e.ctx, car.ID, manager, kind, start, end)
		noErr(t, err, "reserve")
	}
	for k := 1; k+1 < len(bounds); k += 4 {
		reserve(a, carpool.ReservationTrip, bounds[k].Add(-90*time.Minute), bounds[k].Add(2*time.Hour))
		reserve(a, carpool.ReservationTrip, bounds[k].Add(26*time.Hour), bounds[k+1])
	}
	reserve(b, carpool.ReservationMaintenance, bounds[2].Add(5*time.Hour), bounds[5].Add(7*time.Hour))
	reserve(b, carpool.ReservationMaintenance, bounds[len(bounds)-4].Add(-3*time.Hour), bounds[len(bounds)-3].Add(time.Hour))
	reserve(b, carpool.ReservationTrip, from.Add(-5*time.Hour), from.Add(3*time.Hour))
	reserve(b, carpool.ReservationTrip, to.Add(-2*time.Hour), to.Add(10*time.Hour))

	for _, siteID := range []string{"", site.ID} {
		got, err := e.s.FleetUsage(e.ctx, carpool.FleetUsageFilter{Bounds: bounds, SiteID: siteID})
		noErr(t, err, "fleet usage")
		if len(got.Spans) != len(bounds)-1 {
			t.Fatalf("site %q: got %d spans, want %d", siteID, len(got.Spans), len(bounds)-1)
		}
		for i, g := range got.Spans {
			cars, err := e.s.Utilisation(e.ctx, bounds[i], bounds[i+1])
			noErr(t, err, "utilisation")
			var reserved, maintenance time.Duration
			for _, c := range cars {
				if c.Car.ID == a.ID || c.Car.ID == b.ID {
					reserved += c.Reserved
					maintenance += c.Maintenance
				}
			}
			if g.Reserved != reserved || g.Maintenance != maintenance {
				t.Errorf("site %q, span %d [%s, %s): got reserved %v maintenance %v, the span alone says %v %v", siteID, i,
					bounds[i].In(loc), bounds[i+1].In(loc), g.Reserved, g.Maintenance, reserved, maintenance)
			}
			var rides carpool.RideFigures // the site's pool cars offer no ride
			if siteID == "" {
				rides, err = e.s.RideFigures(e.ctx, carpool.RideFigureFilter{From: bounds[i], To: bounds[i+1]})
				noErr(t, err, "ride figures")
			}
			if g.Rides.Offered != rides.Offered || g.Rides.Shared != rides.Shared || g.Rides.SeatsFilled != rides.SeatsFilled ||
				math.Abs(g.Rides.PassengerKM-rides.PassengerKM) > 1e-6 {
				t.Errorf("site %q, span %d [%s, %s): got rides %+v, the span alone says %+v", siteID, i,
					bounds[i].In(loc), bounds[i+1].In(loc), g.Rides, rides)
			}
		}
		whole, err := e.s.Utilisation(e.ctx, from, to)
		noErr(t, err, "utilisation")
		want := map[string]carpool.CarUsage{}
		for _, c := range whole {
			if c.Car.ID == a.ID || c.Car.ID == b.ID {
				want[c.Car.ID] = c
			}
		}
		found := 0
		for _, c := range got.Cars {
			w, ok := want[c.Car.ID]
			if !ok {
				continue
			}
			found++
			if c.Reserved != w.Reserved || c.Maintenance != w.Maintenance || c.Rides != w.Rides || c.SeatsShared != w.SeatsShared {
				t.Errorf("site %q, car %s: got %v %v %d %d, the whole period alone says %v %v %d %d", siteID, c.Car.Plate,
					c.Reserved, c.Maintenance, c.Rides, c.SeatsShared, w.Reserved, w.Maintenance, w.Rides, w.SeatsShared)
			}
		}
		if found != 2 {
			t.Errorf("site %q: %d of the site's 2 pool cars in the report", siteID, found)
		}
	}
	// Every span holds rides: one at its start bound, one a second before its end.
	got, err := e.s.FleetUsage(e.ctx, carpool.FleetUsageFilter{Bounds: bounds})
	noErr(t, err, "fleet usage")
	for i, g := range got.Spans {
		want := 2
		if i == 0 || i == len(got.Spans)-1 {
			want = 1
		}
		if g.Rides.Offered != want {
			t.Errorf("span %d [%s, %s): %d rides, want %d (one at its start, one a second before its end)", i,
				bounds[i].In(loc), bounds[i+1].In(loc), g.Rides.Offered, want)
		}
	}
}
