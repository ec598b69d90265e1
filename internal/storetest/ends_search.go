package storetest

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testEndSearch checks that the engines' spatial index over the ends (migration 00011)
// loses no ride and keeps no stale one: for rides and end-point queries spread over a
// region, a search returns exactly what carpool.RideQuery.Rank returns over every ride,
// when the rides are offered and again after departures moved, detour budgets changed,
// rides were cancelled and their driver deactivated.
func testEndSearch(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	h := time.Hour
	rng := rand.New(rand.NewPCG(3, 5))
	region := func() carpool.Point {
		return carpool.Point{Lat: 51.3 + rng.Float64()*0.3, Lon: 6.7 + rng.Float64()*0.5}
	}
	// A fleet manager is exempt from the open-ride limit, so two drivers can offer them
	// all; the second is deactivated below, which cancels every ride of theirs.
	drivers := []carpool.Member{e.member(carpool.RoleFleetManager), e.member(carpool.RoleFleetManager)}
	cars := []carpool.Car{e.privateCar(drivers[0], 8), e.privateCar(drivers[1], 8)}
	rides := map[string]carpool.Ride{}
	for i := range 160 {
		from, to := region(), region()
		in := e.rideInput(cars[i%2], 3, carpool.BookingInstant)
		in.From = carpool.Place{Label: "from", Lat: from.Lat, Lon: from.Lon}
		in.To = carpool.Place{Label: "to", Lat: to.Lat, Lon: to.Lon}
		// Departures from 6:00 to 14:00 around a window of 8:00 to 12:00, some exactly
		// on its edges, where a rounded index would lose them.
		in.DepartAt = e.at(6*h + time.Duration(rng.IntN(480))*time.Minute)
		switch i % 20 {
		case 0:
			in.DepartAt = e.at(8 * h)
		case 1:
			in.DepartAt = e.at(12 * h)
		}
		r, err := e.f.CreateRide(e.ctx, in, drivers[i%2])
		noErr(t, err, "create ride")
		rides[r.ID] = r
	}
	check := func(t *testing.T) {
		t.Helper()
		all := make([]carpool.Ride, 0, len(rides))
		for _, r := range rides {
			all = append(all, r)
		}
		matched := 0
		for i := range 60 {
			from, to := region(), region()
			q := carpool.RideQuery{From: &from, To: &to, RadiusKM: 3 + float64(rng.IntN(10)),
				DepartAfter: e.at(8 * h), DepartBefore: e.at(12 * h)}
			switch i % 3 {
			case 1:
				q.To = nil
			case 2:
				q.From = nil
			}
			q, err := q.Normalize(e.now)
			noErr(t, err, "normalize")
			got, err := e.s.SearchRides(e.ctx, q, 0, 1000)
			noErr(t, err, "search")
			want := q.Rank(all)
			matched += len(want)
			if !reflect.DeepEqual(matchIDs(got), matchIDs(want)) {
				t.Fatalf("query %d %+v→%+v within %.0f km: got %v, want %v", i, q.From, q.To, q.RadiusKM, matchIDs(got), matchIDs(want))
			}
			if i%3 != 0 {
				continue
			}
			// The same trip along the route: the corridor follows budget changes.
			q, err = carpool.RideQuery{From: &from, To: &to, Route: true, DepartAfter: e.at(8 * h), DepartBefore: e.at(12 * h)}.Normalize(e.now)
			noErr(t, err, "normalize")
			got, err = e.s.SearchRides(e.ctx, q, 0, 1000)
			noErr(t, err, "search")
			want = q.Rank(all)
			matched += len(want)
			if !reflect.DeepEqual(matchIDs(got), matchIDs(want)) {
				t.Fatalf("route query %d %+v→%+v: got %v, want %v", i, from, to, matchIDs(got), matchIDs(want))
			}
		}
		if matched < 60 {
			t.Fatalf("got %d matches over all queries, too few to prove anything; widen the radii", matched)
		}
	}
	t.Run("offered", check)

	ids := make([]string, 0, len(rides))
	for id := range rides {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i, id := range ids {
		r := rides[id]
		if r.DriverID != drivers[0].ID {
			continue
		}
		var err error
		switch i % 4 {
		case 0: // into or out of the window
			depart := e.at(6*h + time.Duration(rng.IntN(480))*time.Minute)
			r, err = e.f.UpdateRide(e.ctx, id, r.Version, carpool.RidePatch{DepartAt: &depart}, drivers[0])
		case 1:
			r, err = e.f.CancelRide(e.ctx, id, drivers[0])
		case 2:
			budget := float64(rng.IntN(16))
			r, err = e.f.UpdateRide(e.ctx, id, r.Version, carpool.RidePatch{DetourKM: &budget}, drivers[0])
		}
		noErr(t, err, "change ride")
		rides[id] = r
	}
	_, err := e.f.DeactivateMember(e.ctx, drivers[1].ID, e.member(carpool.RoleAdmin))
	noErr(t, err, "deactivate driver")
	for id, r := range rides {
		if r.DriverID == drivers[1].ID {
			rides[id] = e.rideNow(id)
		}
	}
	t.Run("changed", check)
}
