package storetest

import (
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// testNoShows: a passenger marks the driver who never came once per booking, both kinds
// of no-show are counted per member for fleet managers only, the no-show limit stops a
// member from booking and offering until their no-shows leave the period, and the marks
// leave with an erased person.
func testNoShows(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	a := app.New(e.s, app.Options{})
	fleet := e.member(carpool.RoleFleetManager)

	// departed makes a ride of a new driver with a confirmed booking of each passenger
	// and moves its departure to ago before now.
	departed := func(t *testing.T, ago time.Duration, passengers ...carpool.Member) (carpool.Ride, carpool.Member, []carpool.Booking) {
		t.Helper()
		driver := e.member(carpool.RoleMember)
		r := e.ride(driver, 3, carpool.BookingInstant)
		var bs []carpool.Booking
		for _, p := range passengers {
			bs = append(bs, e.book(r, p, 1, false))
		}
		if _, err := e.raw().ExecContext(e.ctx, `UPDATE rides SET depart_at = $1 WHERE id = $2`, e.now.Add(-ago), r.ID); err != nil {
			t.Fatalf("move the ride into the past: %v", err)
		}
		return e.rideNow(r.ID), driver, bs
	}
	countOf := func(t *testing.T, memberID string) carpool.NoShowCount {
		t.Helper()
		rep, err := a.NoShows(e.ctx, fleet, time.Time{}, time.Time{})
		noErr(t, err, "no-shows")
		for _, r := range rep.Rows {
			if r.MemberID == memberID {
				return r.NoShowCount
			}
		}
		return carpool.NoShowCount{MemberID: memberID}
	}

	t.Run("a passenger marks the driver once", func(t *testing.T) {
		pia, paul := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		r, driver, bs := departed(t, 20*time.Minute, pia, paul)
		n, err := a.MarkDriverNoShow(e.ctx, pia, bs[0].ID)
		noErr(t, err, "pia marks the driver")
		if n.DriverID != driver.ID || n.PassengerID != pia.ID || n.RideID != r.ID || n.At.IsZero() {
			t.Errorf("got %+v, want the driver %s marked by %s on %s", n, driver.ID, pia.ID, r.ID)
		}
		stored, err := e.s.DriverNoShow(e.ctx, bs[0].ID)
		noErr(t, err, "read the mark")
		if stored != n {
			t.Errorf("stored: got %+v, want %+v", stored, n)
		}
		_, err = a.MarkDriverNoShow(e.ctx, pia, bs[0].ID)
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = a.MarkDriverNoShow(e.ctx, driver, bs[1].ID)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		_, err = a.MarkDriverNoShow(e.ctx, e.member(carpool.RoleMember), bs[1].ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = a.MarkDriverNoShow(e.ctx, fleet, bs[1].ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = a.MarkDriverNoShow(e.ctx, pia, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = e.s.DriverNoShow(e.ctx, bs[1].ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
		if got := countOf(t, driver.ID); got.AsDriver != 1 || got.AsPassenger != 0 {
			t.Errorf("the driver's count: got %+v, want 1 as driver", got)
		}
	})

	t.Run("the schema holds one mark per booking", func(t *testing.T) {
		pia := e.member(carpool.RoleMember)
		r, driver, bs := departed(t, 20*time.Minute, pia)
		n := carpool.DriverNoShow{BookingID: bs[0].ID, RideID: r.ID, DriverID: driver.ID, PassengerID: pia.ID, At: e.now}
		err := e.s.InTx(e.ctx, func(tx carpool.Tx) error {
			if err := tx.InsertDriverNoShow(e.ctx, n); err != nil {
				return err
			}
			return tx.InsertDriverNoShow(e.ctx, n)
		})
		wantCode(t, err, carpool.ECONFLICT, "booking_id")
	})

	t.Run("not on a ride that has not left", func(t *testing.T) {
		pia := e.member(carpool.RoleMember)
		r := e.ride(e.member(carpool.RoleMember), 2, carpool.BookingInstant)
		b := e.book(r, pia, 1, false)
		_, err := a.MarkDriverNoShow(e.ctx, pia, b.ID)
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("counted for fleet managers only", func(t *testing.T) {
		pia, paul := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		_, driver, bs := departed(t, 20*time.Minute, pia, paul)
		_, err := a.MarkNoShow(e.ctx, driver, bs[0].ID)
		noErr(t, err, "the driver marks pia")
		_, err = a.MarkDriverNoShow(e.ctx, paul, bs[1].ID)
		noErr(t, err, "paul marks the driver")
		if got := countOf(t, pia.ID); got.AsPassenger != 1 || got.AsDriver != 0 {
			t.Errorf("pia: got %+v, want 1 as passenger", got)
		}
		if got := countOf(t, driver.ID); got.AsDriver != 1 || got.AsPassenger != 0 {
			t.Errorf("the driver: got %+v, want 1 as driver", got)
		}
		if got := countOf(t, paul.ID); got.Total() != 0 {
			t.Errorf("paul: got %+v, want none", got)
		}
		// A period that ended before the marks counts none of them.
		rep, err := a.NoShows(e.ctx, fleet, e.now.Add(-48*time.Hour), e.now.Add(-24*time.Hour))
		noErr(t, err, "an earlier period")
		for _, r := range rep.Rows {
			if r.MemberID == pia.ID || r.MemberID == driver.ID {
				t.Errorf("an earlier period counts %+v", r)
			}
		}
		for _, who := range []carpool.Member{pia, driver, e.member(carpool.RoleMember)} {
			_, err := a.NoShows(e.ctx, who, time.Time{}, time.Time{})
			wantCode(t, err, carpool.EFORBIDDEN, "")
		}
		_, err = a.NoShows(e.ctx, e.member(carpool.RoleAdmin), time.Time{}, time.Time{})
		noErr(t, err, "an admin reads the counts")
		_, err = a.NoShows(e.ctx, fleet, e.now, e.now.Add(-time.Hour))
		wantCode(t, err, carpool.EINVALID, "to")
	})

	t.Run("the limit stops booking and offering within the period", func(t *testing.T) {
		limited := app.New(e.s, app.Options{Limits: &carpool.Limits{MaxNoShows: 2, NoShowPeriod: 7 * 24 * time.Hour}})
		pia, paul := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		// Dora did not come once as a driver and once as a passenger: two in all.
		_, dora, bs := departed(t, 20*time.Minute, pia)
		_, err := limited.MarkDriverNoShow(e.ctx, pia, bs[0].ID)
		noErr(t, err, "pia marks dora")
		_, driver2, bs2 := departed(t, 20*time.Minute, dora, paul)
		_, err = limited.MarkNoShow(e.ctx, driver2, bs2[0].ID)
		noErr(t, err, "the driver marks dora")

		open := e.ride(e.member(carpool.RoleMember), 3, carpool.BookingInstant)
		_, err = limited.Book(e.ctx, dora, open.ID, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = limited.OfferRide(e.ctx, dora, e.rideInput(e.privateCar(dora, 4), 2, carpool.BookingInstant))
		wantCode(t, err, carpool.ECONFLICT, "")
		// Paul and pia are not affected, nor is dora without a limit.
		_, err = limited.Book(e.ctx, paul, open.ID, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "paul books")
		_, err = a.OfferRide(e.ctx, dora, e.rideInput(e.privateCar(dora, 4), 2, carpool.BookingInstant))
		noErr(t, err, "dora offers where no limit is set")

		// Once one of them is older than the period, dora books again.
		if _, err := e.raw().ExecContext(e.ctx, `UPDATE driver_no_shows SET at = $1 WHERE booking_id = $2`,
			e.now.Add(-8*24*time.Hour), bs[0].ID); err != nil {
			t.Fatalf("age the mark: %v", err)
		}
		_, err = limited.Book(e.ctx, dora, open.ID, carpool.BookingRequest{Seats: 1})
		noErr(t, err, "dora books after the period")
	})

	t.Run("erased with the person", func(t *testing.T) {
		pia := e.member(carpool.RoleMember)
		_, driver, bs := departed(t, 20*time.Minute, pia)
		_, err := a.MarkDriverNoShow(e.ctx, pia, bs[0].ID)
		noErr(t, err, "pia marks the driver")
		for _, who := range []carpool.Member{pia, driver} {
			marks, err := e.s.MemberDriverNoShows(e.ctx, who.ID)
			noErr(t, err, "member's marks")
			if len(marks) != 1 || marks[0].BookingID != bs[0].ID {
				t.Errorf("%s's marks before the erasure: got %+v, want the one on %s", who.ID, marks, bs[0].ID)
			}
		}
		admin := e.member(carpool.RoleAdmin)
		noErr(t, e.f.EraseMember(e.ctx, pia.ID, admin), "erase pia")
		_, err = e.s.DriverNoShow(e.ctx, bs[0].ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
		if got := countOf(t, driver.ID); got.Total() != 0 {
			t.Errorf("the driver after pia's erasure: got %+v, want none", got)
		}
		marks, err := e.s.MemberDriverNoShows(e.ctx, driver.ID)
		noErr(t, err, "the driver's marks")
		if len(marks) != 0 {
			t.Errorf("the driver's marks after pia's erasure: got %+v, want none", marks)
		}
	})
}
