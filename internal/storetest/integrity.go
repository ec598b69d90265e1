package storetest

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testIntegrity writes rows straight into the database, past the code, and checks that
// the schema refuses the ones that break a rule. Each bad write is paired with a good one
// that differs only in the broken rule, so a refusal cannot come from a mistyped statement.
func testIntegrity(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	db := e.raw()
	driver, p1, p2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	site := e.site()

	exec := func(t *testing.T, ok bool, what, query string, args ...any) {
		t.Helper()
		_, err := db.ExecContext(e.ctx, query, args...)
		switch {
		case ok && err != nil:
			t.Fatalf("%s: refused: %v", what, err)
		case !ok && err == nil:
			t.Fatalf("%s: the database accepted it", what)
		}
	}

	t.Run("ride never overbooked", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		const q = `UPDATE rides SET seats_taken = $1 WHERE id = $2`
		exec(t, true, "take all seats", q, 3, r.ID)
		exec(t, false, "take more seats than the ride has", q, 4, r.ID)
		exec(t, false, "negative seats taken", q, -1, r.ID)
		exec(t, false, "shrink seats below seats taken", `UPDATE rides SET seats = 2 WHERE id = $1`, r.ID)
	})

	insertBooking := func(rideID, driverID, passengerID string, seats int, status carpool.BookingStatus) (string, []any) {
		now := e.now
		return `INSERT INTO bookings (id, ride_id, driver_id, passenger_id, seats, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			[]any{carpool.NewID(), rideID, driverID, passengerID, seats, string(status), now, now}
	}

	t.Run("one active booking per passenger and ride", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingApproval)
		q, a := insertBooking(r.ID, driver.ID, p1.ID, 1, carpool.BookingPending)
		exec(t, true, "first booking", q, a...)
		q, a = insertBooking(r.ID, driver.ID, p1.ID, 1, carpool.BookingWaitlisted)
		exec(t, false, "second active booking", q, a...)
		q, a = insertBooking(r.ID, driver.ID, p1.ID, 1, carpool.BookingCancelled)
		exec(t, true, "an ended booking beside it", q, a...)
	})

	t.Run("driver cannot book own ride", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingApproval)
		q, a := insertBooking(r.ID, driver.ID, driver.ID, 1, carpool.BookingPending)
		exec(t, false, "driver as passenger", q, a...)
		q, a = insertBooking(r.ID, p2.ID, driver.ID, 1, carpool.BookingPending)
		exec(t, false, "booking naming a driver other than the ride's", q, a...)
		q, a = insertBooking(r.ID, driver.ID, p2.ID, 0, carpool.BookingPending)
		exec(t, false, "booking of zero seats", q, a...)
		q, a = insertBooking(r.ID, driver.ID, p2.ID, 1, "lost")
		exec(t, false, "unknown status", q, a...)
	})

	t.Run("no overlapping active reservations", func(t *testing.T) {
		car := e.poolCar(site, 5)
		ins := func(start, end time.Time, status carpool.ReservationStatus) (string, []any) {
			return `INSERT INTO reservations (id, car_id, member_id, kind, starts_at, ends_at, status, created_at, updated_at)
				VALUES ($1, $2, $3, 'trip', $4, $5, $6, $7, $8)`,
				[]any{carpool.NewID(), car.ID, p1.ID, start, end, string(status), e.now, e.now}
		}
		h := time.Hour
		q, a := ins(e.at(h), e.at(3*h), carpool.ReservationActive)
		exec(t, true, "reservation", q, a...)
		q, a = ins(e.at(2*h), e.at(4*h), carpool.ReservationActive)
		exec(t, false, "overlapping reservation", q, a...)
		q, a = ins(e.at(2*h), e.at(4*h), carpool.ReservationCancelled)
		exec(t, true, "overlapping cancelled reservation", q, a...)
		q, a = ins(e.at(3*h), e.at(4*h), carpool.ReservationActive)
		exec(t, true, "touching reservation", q, a...)
		q, a = ins(e.at(6*h), e.at(5*h), carpool.ReservationActive)
		exec(t, false, "end before start", q, a...)
	})

	t.Run("car rules", func(t *testing.T) {
		ins := func(seats int, siteID, ownerID any) (string, []any) {
			return `INSERT INTO cars (id, kind, plate, make, model, seats, site_id, owner_id, status, version, created_at, updated_at)
				VALUES ($1, 'pool', $2, 'VW', 'Up', $3, $4, $5, 'active', 1, $6, $7)`,
				[]any{carpool.NewID(), e.plate(), seats, siteID, ownerID, e.now, e.now}
		}
		q, a := ins(8, site.ID, nil)
		exec(t, true, "car with 8 seats", q, a...)
		q, a = ins(9, site.ID, nil)
		exec(t, false, "car with 9 seats", q, a...)
		q, a = ins(0, site.ID, nil)
		exec(t, false, "car with 0 seats", q, a...)
		q, a = ins(4, nil, nil)
		exec(t, false, "pool car without site", q, a...)
		q, a = ins(4, carpool.NewID(), nil)
		exec(t, false, "pool car at an unknown site", q, a...)
		q, a = ins(4, site.ID, p1.ID)
		exec(t, false, "pool car with an owner", q, a...)
		c := e.poolCar(site, 4)
		exec(t, false, "duplicate plate", `UPDATE cars SET plate = $1 WHERE id = $2`, c.Plate, e.poolCar(site, 4).ID)
	})

	t.Run("email unique regardless of case", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		exec(t, false, "upper-case copy of an email",
			`INSERT INTO members (id, email, name, phone, role, password_hash, created_at, updated_at) VALUES ($1, $2, 'X', '', 'member', 'h', $3, $3)`,
			carpool.NewID(), "X"+m.Email[1:], e.now)
		exec(t, false, "same email",
			`INSERT INTO members (id, email, name, phone, role, password_hash, created_at, updated_at) VALUES ($1, $2, 'X', '', 'member', 'h', $3, $3)`,
			carpool.NewID(), m.Email, e.now)
		exec(t, true, "another email",
			`INSERT INTO members (id, email, name, phone, role, password_hash, created_at, updated_at) VALUES ($1, $2, 'X', '', 'member', 'h', $3, $3)`,
			carpool.NewID(), "other-"+m.Email, e.now)
	})
}
