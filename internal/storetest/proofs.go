package storetest

import (
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// testProofs: check-ins and proof records are stored as the domain decides them, the
// schema keeps check-ins unchangeable and a record final once its day is over, the
// records leave with an erased person and do not come back, and the register export
// says what the records say.
func testProofs(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	a := app.New(e.s, app.Options{CheckInSecret: []byte("contract secret")})
	fleet := e.member(carpool.RoleFleetManager)

	// departed makes a ride of a new driver with a confirmed booking of each passenger
	// and moves its departure to ago before now.
	departed := func(ago time.Duration, passengers ...carpool.Member) (carpool.Ride, carpool.Member, []carpool.Booking) {
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
	origin := func(r carpool.Ride) (float64, float64) { return r.From.Lat, r.From.Lon }
	proofOf := func(t *testing.T, rideID, passengerID string) carpool.Proof {
		t.Helper()
		ps, err := e.s.RideProofs(e.ctx, rideID)
		noErr(t, err, "ride proofs")
		for _, p := range ps {
			if p.PassengerID == passengerID {
				return p
			}
		}
		t.Fatalf("no proof record of %s on %s in %+v", passengerID, rideID, ps)
		return carpool.Proof{}
	}

	t.Run("check-ins grade the records", func(t *testing.T) {
		pia, paul := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		r, driver, _ := departed(10*time.Minute, pia, paul)
		lat, lon := origin(r)
		_, err := a.CheckIn(e.ctx, driver, r.ID, lat, lon)
		noErr(t, err, "driver checks in")
		if got := proofOf(t, r.ID, paul.ID).Class; got != carpool.ProofB {
			t.Errorf("paul after the driver's check-in: got %s, want B", got)
		}
		_, err = a.CheckIn(e.ctx, pia, r.ID, lat, lon)
		noErr(t, err, "pia checks in")
		p := proofOf(t, r.ID, pia.ID)
		if p.Class != carpool.ProofC || p.DriverCheckIn == nil || p.PassengerCheckIn == nil || p.PassengerCheckIn.Lat != lat {
			t.Errorf("pia after both check-ins: got %+v, want C with both check-ins", p)
		}
		_, err = a.CheckIn(e.ctx, pia, r.ID, lat, lon)
		wantCode(t, err, carpool.ECONFLICT, "")
		cs, err := e.s.RideCheckIns(e.ctx, r.ID)
		noErr(t, err, "ride check-ins")
		if len(cs) != 2 {
			t.Errorf("check-ins: got %d, want 2", len(cs))
		}
		_, err = a.CheckIn(e.ctx, e.member(carpool.RoleMember), r.ID, lat, lon)
		wantCode(t, err, carpool.EFORBIDDEN, "")
	})

	t.Run("the schema keeps check-ins as they were", func(t *testing.T) {
		pia := e.member(carpool.RoleMember)
		r, _, _ := departed(10*time.Minute, pia)
		lat, lon := origin(r)
		_, err := a.CheckIn(e.ctx, pia, r.ID, lat, lon)
		noErr(t, err, "check in")
		if _, err := e.raw().ExecContext(e.ctx, `UPDATE ride_check_ins SET lat = 0 WHERE ride_id = $1`, r.ID); err == nil {
			t.Error("the schema let a check-in be moved")
		}
	})

	t.Run("a record is final once its day is over", func(t *testing.T) {
		pia := e.member(carpool.RoleMember)
		r, driver, bs := departed(3*24*time.Hour, pia)
		list, err := a.Proofs(e.ctx, fleet, e.now.Add(-4*24*time.Hour), e.now)
		noErr(t, err, "proofs")
		var found *carpool.Proof
		for i := range list {
			if list[i].RideID == r.ID {
				found = &list[i]
			}
		}
		if found == nil || found.Class != carpool.ProofA || found.PassengerID != pia.ID || found.BookingID != bs[0].ID {
			t.Fatalf("the matched ride's record: got %+v, want class A for %s", found, pia.ID)
		}
		_, err = a.MarkNoShow(e.ctx, driver, bs[0].ID)
		wantCode(t, err, carpool.ECONFLICT, "")
		// Not even a write past the code changes it.
		_, err = e.raw().ExecContext(e.ctx, `UPDATE proof_records SET updated_at = $1 WHERE ride_id = $2`, e.now, r.ID)
		if err == nil {
			t.Error("the schema let a sealed record change")
		}
		if got := proofOf(t, r.ID, pia.ID); got.Class != carpool.ProofA || !got.NoShowAt.IsZero() {
			t.Errorf("after the refused changes: got %+v, want class A unchanged", got)
		}
		// Within its day, the same write passes: the guard is the day, not every update.
		q, _, _ := departed(10*time.Minute, e.member(carpool.RoleMember))
		lat, lon := origin(q)
		_, err = a.CheckIn(e.ctx, e.member(carpool.RoleMember), q.ID, lat, lon)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		_, err = a.CheckIn(e.ctx, carpool.Member{ID: q.DriverID}, q.ID, lat, lon)
		noErr(t, err, "driver checks in")
		if _, err := e.raw().ExecContext(e.ctx, `UPDATE proof_records SET updated_at = $1 WHERE ride_id = $2`, e.now, q.ID); err != nil {
			t.Errorf("a record of today refused a change: %v", err)
		}
	})

	t.Run("a record's day moves with its ride while it lasts", func(t *testing.T) {
		// A driver who moves the departure across midnight after a check-in moves the
		// ride's proof day, and so the seal of its records; the next write of them
		// (a check-in, a no-show) carries the new seal and must pass.
		pia := e.member(carpool.RoleMember)
		r, driver, bs := departed(10*time.Minute, pia)
		lat, lon := origin(r)
		_, err := a.CheckIn(e.ctx, driver, r.ID, lat, lon)
		noErr(t, err, "driver checks in")
		before := proofOf(t, r.ID, pia.ID)
		later := before.SealedAt.Add(24 * time.Hour)
		if _, err := e.raw().ExecContext(e.ctx, `UPDATE proof_records SET sealed_at = $1, updated_at = $2 WHERE ride_id = $3`,
			later, e.now, r.ID); err != nil {
			t.Fatalf("the schema refused to move the seal of a record whose day lasts: %v", err)
		}
		// The domain puts the seal back where the ride's day ends, as a no-show saves.
		p, err := a.MarkNoShow(e.ctx, driver, bs[0].ID)
		noErr(t, err, "mark no-show after the seal moved")
		if !p.SealedAt.Equal(before.SealedAt) || p.NoShowAt.IsZero() {
			t.Errorf("after the no-show: got seal %s and no-show %s, want seal %s and a no-show", p.SealedAt, p.NoShowAt, before.SealedAt)
		}
	})

	t.Run("no-show", func(t *testing.T) {
		pia, paul := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		r, driver, bs := departed(5*time.Minute, pia, paul)
		_, err := a.MarkNoShow(e.ctx, pia, bs[0].ID)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		_, err = a.MarkNoShow(e.ctx, paul, bs[0].ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
		p, err := a.MarkNoShow(e.ctx, driver, bs[0].ID)
		noErr(t, err, "mark no-show")
		if p.Class != carpool.ProofNoShow || proofOf(t, r.ID, pia.ID).NoShowAt.IsZero() {
			t.Errorf("got %+v, want a no-show record", p)
		}
		lat, lon := origin(r)
		_, err = a.CheckIn(e.ctx, pia, r.ID, lat, lon)
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("erased with the person", func(t *testing.T) {
		admin := e.member(carpool.RoleAdmin)
		pia, paul := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		r, driver, _ := departed(10*time.Minute, pia, paul)
		lat, lon := origin(r)
		_, err := a.CheckIn(e.ctx, pia, r.ID, lat, lon)
		noErr(t, err, "pia checks in")
		_, err = a.CheckIn(e.ctx, driver, r.ID, lat, lon)
		noErr(t, err, "driver checks in")
		noErr(t, e.f.EraseMember(e.ctx, pia.ID, admin), "erase pia")
		ps, err := e.s.MemberProofs(e.ctx, pia.ID)
		noErr(t, err, "pia's proofs")
		cs, err := e.s.RideCheckIns(e.ctx, r.ID)
		noErr(t, err, "check-ins")
		if len(ps) != 0 || len(cs) != 1 || cs[0].MemberID != driver.ID {
			t.Errorf("after erasure: got %d records of pia and check-ins %+v, want none of hers", len(ps), cs)
		}
		if got := proofOf(t, r.ID, paul.ID); got.Class != carpool.ProofB {
			t.Errorf("paul's record: got %s, want B, untouched by pia's erasure", got.Class)
		}
		// Listing after the window closed does not bring pia's record back.
		if _, err := e.raw().ExecContext(e.ctx, `UPDATE rides SET depart_at = $1 WHERE id = $2`, e.now.Add(-3*time.Hour), r.ID); err != nil {
			t.Fatal(err)
		}
		_, err = a.Proofs(e.ctx, fleet, e.now.Add(-24*time.Hour), e.now.Add(time.Hour))
		noErr(t, err, "proofs")
		if ps, _ := e.s.MemberProofs(e.ctx, pia.ID); len(ps) != 0 {
			t.Errorf("listing brought back %d records of an erased person", len(ps))
		}
		noErr(t, e.f.EraseMember(e.ctx, driver.ID, admin), "erase the driver")
		if ps, _ := e.s.RideProofs(e.ctx, r.ID); len(ps) != 0 {
			t.Errorf("the erased driver's ride keeps %d records", len(ps))
		}
	})

	t.Run("register export", func(t *testing.T) {
		pia, paul := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		r, driver, bs := departed(10*time.Minute, pia, paul)
		lat, lon := origin(r)
		for _, m := range []carpool.Member{driver, pia} {
			_, err := a.CheckIn(e.ctx, m, r.ID, lat, lon)
			noErr(t, err, "check in")
		}
		_, err := a.MarkNoShow(e.ctx, driver, bs[1].ID)
		noErr(t, err, "paul did not come")
		_, err = a.ProofExport(e.ctx, pia, e.now.Add(-time.Hour), e.now.Add(time.Hour))
		wantCode(t, err, carpool.EFORBIDDEN, "")
		js, err := a.ProofExport(e.ctx, fleet, e.now.Add(-time.Hour), e.now.Add(time.Hour))
		noErr(t, err, "export")
		var mine []app.RegisterJourney
		for _, j := range js {
			if j.OperatorTripID == r.ID {
				mine = append(mine, j)
			}
		}
		if len(mine) != 1 {
			t.Fatalf("journeys of the ride: got %+v, want pia's alone (paul was not there)", mine)
		}
		j := mine[0]
		if j.OperatorClass != "C" || j.Passenger.Identity.OperatorUserID != pia.ID || j.Driver.Identity.OperatorUserID != driver.ID ||
			j.OperatorJourneyID == "" || j.Distance <= 0 || !j.Start.Datetime.Equal(r.DepartAt) || j.Start.Lat != r.From.Lat ||
			len(j.Passenger.Identity.IdentityKey) != 64 || j.Passenger.Identity.IdentityKey == j.Driver.Identity.IdentityKey {
			t.Errorf("got %+v, want class C from the ride's start, both identities keyed apart", j)
		}
	})
}
