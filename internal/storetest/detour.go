package storetest

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testDetourBudget checks changing a ride's detour budget: within 0 to MaxDetourKM,
// stored with the corridor the route search reads, and a reduction refused while a
// confirmed passenger's pickup and drop-off need more.
func testDetourBudget(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	ride := e.ride(driver, 3, carpool.BookingInstant) // Zurich → Bern, budget 5 km
	pickup := &carpool.Place{Label: "Baden", Lat: 47.4764, Lon: 8.3065}
	dropoff := &carpool.Place{Label: "Bern Wankdorf", Lat: 46.9630, Lon: 7.4650}
	p, q := pickup.Point(), dropoff.Point()
	need := ride.Insert(&p, &q).DetourKM
	if need < 6 || need > 40 {
		t.Fatalf("fixture: the passenger needs a detour of %.1f km, want between the default budget and the maximum", need)
	}
	route := func() []string {
		t.Helper()
		q, err := carpool.RideQuery{From: &p, To: &q, Route: true, DepartAfter: ride.DepartAt.Add(-time.Hour), DepartBefore: ride.DepartAt.Add(time.Hour)}.Normalize(e.now)
		noErr(t, err, "normalize")
		got, err := e.s.SearchRides(e.ctx, q, 0, 10)
		noErr(t, err, "search")
		return matchIDs(got)
	}
	budget := func(km float64) (carpool.Ride, error) {
		t.Helper()
		return e.f.UpdateRide(e.ctx, ride.ID, 0, carpool.RidePatch{DetourKM: &km}, driver)
	}

	t.Run("out of range", func(t *testing.T) {
		for _, km := range []float64{-1, carpool.MaxDetourKM + 1} {
			_, err := budget(km)
			wantCode(t, err, carpool.EINVALID, "max_detour_km")
		}
	})
	t.Run("larger budget reaches the passenger", func(t *testing.T) {
		if got := route(); len(got) != 0 {
			t.Fatalf("route search with a 5 km budget: got %v, want nothing", got)
		}
		got, err := budget(need + 2)
		noErr(t, err, "raise budget")
		if got.DetourKM != need+2 || e.rideNow(ride.ID).DetourKM != need+2 {
			t.Fatalf("got budget %.2f, stored %.2f; want %.2f", got.DetourKM, e.rideNow(ride.ID).DetourKM, need+2)
		}
		if got := route(); len(got) != 1 || got[0] != ride.ID {
			t.Fatalf("route search: got %v, want the ride", got)
		}
	})
	passenger := e.member(carpool.RoleMember)
	b, err := e.f.BookSeats(e.ctx, ride.ID, passenger, carpool.BookingRequest{Seats: 1, Pickup: pickup, Dropoff: dropoff})
	noErr(t, err, "book")
	if b.Status != carpool.BookingConfirmed {
		t.Fatalf("booking: got %s, want confirmed", b.Status)
	}
	t.Run("reduction below a confirmed passenger", func(t *testing.T) {
		_, err := budget(need - 1)
		wantCode(t, err, carpool.ECONFLICT, "max_detour_km")
		if got := e.rideNow(ride.ID).DetourKM; got != need+2 {
			t.Fatalf("budget after the refusal: got %.2f, want %.2f", got, need+2)
		}
	})
	t.Run("reduction that still holds the passenger", func(t *testing.T) {
		_, err := budget(need + 0.5)
		noErr(t, err, "reduce budget")
	})
	t.Run("reduction once the passenger cancelled", func(t *testing.T) {
		_, err := e.f.CancelBooking(e.ctx, b.ID, passenger)
		noErr(t, err, "cancel booking")
		got, err := budget(0)
		noErr(t, err, "reduce budget")
		if got.DetourKM != 0 {
			t.Fatalf("got budget %.2f, want 0", got.DetourKM)
		}
		if got := route(); len(got) != 0 {
			t.Fatalf("route search with no budget: got %v, want nothing", got)
		}
	})
}
