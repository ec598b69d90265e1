package storetest

import (
	"context"
	"math"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testStoredRoadKM checks that every ride's stored road distance (what the reports sum
// for passenger-kilometres) is the domain's road distance of its ends, and that the
// reports' figures are those of the rides as they stand, after every path that writes
// or changes rides: a single ride, a series' occurrences, an edit, a booking and its
// cancellation, a cancelled ride, a retired pool car, an erased driver, a retention
// purge.
func testStoredRoadKM(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open) // a store of its own: the figures cover every ride in it
	db := e.raw()
	window := carpool.RideFigureFilter{From: e.at(-time.Hour), To: e.at(30 * 24 * time.Hour)}
	check := func(t *testing.T, step string, wantRides int) {
		t.Helper()
		// Every ride of the fixture departs within the window.
		rows, err := db.QueryContext(e.ctx, `SELECT id, from_lat, from_lon, to_lat, to_lon, road_km, seats_taken, status FROM rides`)
		noErr(t, err, "read rides")
		defer rows.Close()
		var want carpool.RideFigures
		n := 0
		for rows.Next() {
			var id, status string
			var a, b carpool.Point
			var km float64
			var taken int
			noErr(t, rows.Scan(&id, &a.Lat, &a.Lon, &b.Lat, &b.Lon, &km, &taken, &status), "scan ride")
			n++
			if exact := carpool.RoadKM(a, b); math.Abs(km-exact) > 1e-9 {
				t.Errorf("%s: ride %s stores %v km, its ends are %v km apart by road", step, id, km, exact)
			}
			if status == string(carpool.RideOpen) {
				want.Offered++
				want.SeatsFilled += taken
				if taken > 0 {
					want.Shared++
					want.PassengerKM += float64(taken) * carpool.RoadKM(a, b)
				}
			}
		}
		noErr(t, rows.Err(), "read rides")
		if n != wantRides {
			t.Errorf("%s: %d rides stored, want %d", step, n, wantRides)
		}
		got, err := e.s.RideFigures(e.ctx, window)
		noErr(t, err, "ride figures")
		if got.Offered != want.Offered || got.Shared != want.Shared || got.SeatsFilled != want.SeatsFilled ||
			math.Abs(got.PassengerKM-want.PassengerKM) > 1e-6 {
			t.Errorf("%s: figures %+v, want %+v", step, got, want)
		}
		if want.PassengerKM == 0 && step != "nothing booked" {
			t.Errorf("%s: no passenger-kilometres to check", step)
		}
	}

	driver, other := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	p1, p2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	manager, admin := e.member(carpool.RoleFleetManager), e.member(carpool.RoleAdmin)

	zurichBern := e.ride(driver, 3, carpool.BookingInstant)
	in := e.rideInput(e.privateCar(driver, 8), 3, carpool.BookingInstant)
	in.From = carpool.Place{Label: "Basel SBB", Lat: 47.5476, Lon: 7.5897}
	in.To = carpool.Place{Label: "Lugano", Lat: 46.0037, Lon: 8.9511}
	baselLugano, err := e.f.CreateRide(e.ctx, in, driver)
	noErr(t, err, "create ride")
	check(t, "nothing booked", 2)
	e.book(zurichBern, p1, 2, false)
	e.book(baselLugano, p2, 1, false)
	check(t, "created and booked", 2)

	depart, seats, detour := e.at(36*time.Hour), 4, 12.5
	_, err = e.f.UpdateRide(e.ctx, baselLugano.ID, 0, carpool.RidePatch{DepartAt: &depart, Seats: &seats, DetourKM: &detour}, driver)
	noErr(t, err, "edit ride")
	check(t, "edited (moved, seats, detour)", 2)

	cancelled := e.book(baselLugano, p1, 1, false)
	_, err = e.f.CancelBooking(e.ctx, cancelled.ID, p1)
	noErr(t, err, "cancel booking")
	check(t, "a booking cancelled", 2)

	sr := e.series(other, carpool.WorkWeek, 2)
	rep := e.materialise()
	if len(rep.Created) == 0 {
		t.Fatalf("the series made no ride: %+v", rep)
	}
	occ := 0
	for _, o := range e.occurrences(sr) {
		if o.RideID != "" {
			occ++
			e.book(e.rideNow(o.RideID), p2, 1, false)
		}
	}
	check(t, "a series' occurrences", 2+occ)

	dropped := e.ride(driver, 2, carpool.BookingInstant)
	e.book(dropped, p1, 1, false)
	_, err = e.f.CancelRide(e.ctx, dropped.ID, driver)
	noErr(t, err, "cancel ride")
	check(t, "a ride cancelled", 3+occ)

	pool := e.poolCar(e.site(), 5)
	trip, err := e.f.CreateReservation(e.ctx, pool.ID, driver, carpool.ReservationTrip, e.at(47*time.Hour), e.at(52*time.Hour))
	noErr(t, err, "reserve pool car")
	in = e.rideInput(pool, 3, carpool.BookingInstant)
	in.ReservationID, in.DepartAt = trip.ID, e.at(48*time.Hour)
	inPool, err := e.f.CreateRide(e.ctx, in, driver)
	noErr(t, err, "ride in pool car")
	e.book(inPool, p2, 2, false)
	check(t, "a ride in a pool car", 4+occ)
	// A pool car is retired once its rides and reservations are cancelled.
	_, err = e.f.CancelRideFreeingCar(e.ctx, inPool.ID, driver)
	noErr(t, err, "cancel the ride and free the car")
	check(t, "the ride cancelled with its reservation", 4+occ)
	_, err = e.f.RetireCar(e.ctx, pool.ID, manager)
	noErr(t, err, "retire car")
	check(t, "its pool car retired", 4+occ)

	gone := e.member(carpool.RoleMember)
	goneRide := e.ride(gone, 2, carpool.BookingInstant)
	e.book(goneRide, p1, 1, false)
	check(t, "a ride of a member about to be erased", 5+occ)
	noErr(t, e.f.EraseMember(e.ctx, gone.ID, admin), "erase member")
	var left int
	noErr(t, db.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM rides WHERE id = $1`, goneRide.ID).Scan(&left), "count")
	check(t, "its driver erased", 4+occ+left)

	_, err = e.f.PurgeBefore(e.ctx, e.now.Add(-365*24*time.Hour))
	noErr(t, err, "purge")
	check(t, "a retention purge", 4+occ+left)
}

// RoadKMMigrated checks that migration 00028 gives the rides written before it their
// road distance: the reports' passenger-kilometres of those rides are what the reports
// computed before (the great circle of their ends times the road factor). s is migrated
// up to 00027; exec runs SQL on it; migrate finishes the job.
func RoadKMMigrated(t *testing.T, s carpool.Store, exec func(q string, args ...any) error, migrate func() error) {
	ctx := context.Background()
	now := carpool.Timestamp(time.Now())
	driver, car := carpool.NewID(), carpool.NewID()
	if err := exec(`INSERT INTO members (id, email, name, phone, role, password_hash, created_at, updated_at)
		VALUES ($1, $2, 'Driver', '', 'member', 'x', $3, $3)`, driver, driver+"@example.com", now); err != nil {
		t.Fatalf("member before the migration: %v", err)
	}
	if err := exec(`INSERT INTO cars (id, kind, plate, make, model, seats, owner_id, status, version, created_at, updated_at)
		VALUES ($1, 'private', $2, 'VW', 'Golf', 5, $3, 'active', 1, $4, $4)`, car, "ZH "+unique(), driver, now); err != nil {
		t.Fatalf("car before the migration: %v", err)
	}
	routes := [][2]carpool.Point{
		{{Lat: 47.3779, Lon: 8.5403}, {Lat: 46.9490, Lon: 7.4391}},   // Zurich – Bern
		{{Lat: 47.5476, Lon: 7.5897}, {Lat: 46.0037, Lon: 8.9511}},   // Basel – Lugano
		{{Lat: 52.5251, Lon: 13.3694}, {Lat: 48.1403, Lon: 11.5600}}, // Berlin – Munich
	}
	var want float64
	for i, r := range routes {
		taken := i + 1
		depart := now.Add(time.Duration(i+1) * time.Hour)
		if err := exec(`INSERT INTO rides (id, driver_id, car_id, from_label, from_lat, from_lon, to_label, to_lat, to_lon,
			depart_at, seats, seats_taken, booking_mode, notes, status, version, created_at, updated_at)
			VALUES ($1, $2, $3, 'From', $4, $5, 'To', $6, $7, $8, 4, $9, 'instant', '', 'open', 1, $10, $10)`,
			carpool.NewID(), driver, car, r[0].Lat, r[0].Lon, r[1].Lat, r[1].Lon, depart, taken, now); err != nil {
			t.Fatalf("ride before the migration: %v", err)
		}
		want += float64(taken) * carpool.RoadKM(r[0], r[1])
	}
	if err := migrate(); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	got, err := s.RideFigures(ctx, carpool.RideFigureFilter{From: now, To: now.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Offered != 3 || got.SeatsFilled != 6 || math.Abs(got.PassengerKM-want) > 1e-6 {
		t.Errorf("figures of the rides written before the migration: got %+v, want 3 rides, 6 seats, %v passenger-km", got, want)
	}
}
