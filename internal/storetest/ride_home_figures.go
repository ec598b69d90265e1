package storetest

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testRideHomeFigures: the report's count of rides home groups the requests made in the
// period by how they stand, for the fleet or one site.
func testRideHomeFigures(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	fleet := e.member(carpool.RoleFleetManager)
	here, there := e.site(), e.site()
	insert := func(site carpool.Site, status carpool.RideHomeStatus, means carpool.RideHomeMeans, at time.Time) {
		t.Helper()
		p := e.member(carpool.RoleMember)
		r := e.ride(e.member(carpool.RoleMember), 2, carpool.BookingInstant)
		b := e.book(r, p, 1, false)
		q := carpool.RideHomeRequest{ID: carpool.NewID(), MemberID: p.ID, BookingID: b.ID, RideID: r.ID, SiteID: site.ID,
			Status: status, Means: means, CreatedAt: at}
		switch {
		case status == carpool.RideHomeDeclined:
			q.Reason, q.DecidedBy, q.DecidedAt = "no car", fleet.ID, at
		case means == carpool.RideHomeTaxi:
			q.Voucher, q.DecidedBy, q.DecidedAt = "T-1", fleet.ID, at
		case means == carpool.RideHomePoolCar:
			q.DecidedBy, q.DecidedAt = fleet.ID, at
		}
		noErr(t, e.s.InTx(e.ctx, func(tx carpool.Tx) error { return tx.InsertRideHome(e.ctx, q) }), "insert a ride home")
	}
	in := e.at(-time.Hour)
	insert(here, carpool.RideHomeApproved, carpool.RideHomePoolCar, in)
	insert(here, carpool.RideHomeApproved, carpool.RideHomeTaxi, in)
	insert(here, carpool.RideHomeDeclined, "", in)
	insert(there, carpool.RideHomeRequested, "", in)
	insert(here, carpool.RideHomeRequested, "", e.at(-48*time.Hour)) // before the period

	from, to := e.at(-2*time.Hour), e.now
	got, err := e.s.RideHomeFigures(e.ctx, from, to, "")
	noErr(t, err, "fleet figures")
	if want := (carpool.RideHomeFigures{Requests: 4, PoolCar: 1, Taxi: 1, Declined: 1, Pending: 1}); got != want {
		t.Errorf("fleet: got %+v, want %+v", got, want)
	}
	got, err = e.s.RideHomeFigures(e.ctx, from, to, here.ID)
	noErr(t, err, "site figures")
	if want := (carpool.RideHomeFigures{Requests: 3, PoolCar: 1, Taxi: 1, Declined: 1}); got != want || got.Approved() != 2 {
		t.Errorf("one site: got %+v, want %+v", got, want)
	}
}
