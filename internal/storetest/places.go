package storetest

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testPlaces(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	m, other := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	saved := func(member carpool.Member, name string, lat, lon float64) carpool.SavedPlace {
		return carpool.SavedPlace{ID: carpool.NewID(), MemberID: member.ID, Name: name, Address: name + " street 1",
			Lat: lat, Lon: lon, Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
	}
	home := saved(m, carpool.HomePlace, 52.52, 13.40)
	gym := saved(m, "Gym", 52.49, 13.32)
	noErr(t, e.s.CreatePlace(e.ctx, home), "create home")
	noErr(t, e.s.CreatePlace(e.ctx, gym), "create gym")
	noErr(t, e.s.CreatePlace(e.ctx, saved(other, carpool.HomePlace, 48.1, 11.5)), "another member's home")

	t.Run("same name twice", func(t *testing.T) {
		wantCode(t, e.s.CreatePlace(e.ctx, saved(m, carpool.HomePlace, 1, 1)), carpool.ECONFLICT, "name")
	})
	t.Run("read back", func(t *testing.T) {
		got, err := e.s.Place(e.ctx, home.ID)
		noErr(t, err, "place")
		if !reflect.DeepEqual(got, home) {
			t.Fatalf("got %+v, want %+v", got, home)
		}
	})
	t.Run("a member's places by name", func(t *testing.T) {
		got, err := e.s.Places(e.ctx, m.ID)
		noErr(t, err, "places")
		if len(got) != 2 || got[0].ID != gym.ID || got[1].ID != home.ID {
			t.Fatalf("got %+v, want Gym then Home", got)
		}
	})
	t.Run("update", func(t *testing.T) {
		got, err := e.s.UpdatePlace(e.ctx, gym.ID, 1, func(p *carpool.SavedPlace) error {
			p.Name, p.Lat = "Climbing gym", 52.50
			return nil
		})
		noErr(t, err, "update")
		if got.Name != "Climbing gym" || got.Lat != 52.50 || got.Version != 2 || got.MemberID != m.ID {
			t.Fatalf("got %+v", got)
		}
		_, err = e.s.UpdatePlace(e.ctx, gym.ID, 1, func(*carpool.SavedPlace) error { return nil })
		wantCode(t, err, carpool.ECONFLICT, "if_match")
		_, err = e.s.UpdatePlace(e.ctx, gym.ID, 0, func(p *carpool.SavedPlace) error { p.Name = carpool.HomePlace; return nil })
		wantCode(t, err, carpool.ECONFLICT, "name")
		_, err = e.s.UpdatePlace(e.ctx, gym.ID, 0, func(p *carpool.SavedPlace) error { p.Lat = 95; return nil })
		wantCode(t, err, carpool.EINVALID, "lat")
	})
	t.Run("delete", func(t *testing.T) {
		noErr(t, e.s.DeletePlace(e.ctx, gym.ID), "delete")
		_, err := e.s.Place(e.ctx, gym.ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
		wantCode(t, e.s.DeletePlace(e.ctx, gym.ID), carpool.ENOTFOUND, "")
	})
	t.Run("unknown", func(t *testing.T) {
		_, err := e.s.Place(e.ctx, "nope")
		wantCode(t, err, carpool.ENOTFOUND, "")
	})
}

func testBookingPoints(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	ride := e.ride(driver, 3, carpool.BookingInstant)
	ten := 10.0 // Lenzburg is 7 km out of the way
	_, err := e.f.UpdateRide(e.ctx, ride.ID, 0, carpool.RidePatch{DetourKM: &ten}, driver)
	noErr(t, err, "detour budget")
	pickup := &carpool.Place{Label: "Lenzburg", Lat: 47.3885, Lon: 8.1800}
	dropoff := &carpool.Place{Label: "Bern Wankdorf", Lat: 46.9630, Lon: 7.4650}
	b, err := e.f.BookSeats(e.ctx, ride.ID, e.member(carpool.RoleMember),
		carpool.BookingRequest{Seats: 1, Pickup: pickup, Dropoff: dropoff})
	noErr(t, err, "book with points")
	got := e.booking(b.ID)
	if got.Pickup == nil || *got.Pickup != *pickup || got.Dropoff == nil || *got.Dropoff != *dropoff {
		t.Fatalf("got pickup %+v, drop-off %+v; want %+v, %+v", got.Pickup, got.Dropoff, pickup, dropoff)
	}
	plain := e.book(ride, e.member(carpool.RoleMember), 1, false)
	if got := e.booking(plain.ID); got.Pickup != nil || got.Dropoff != nil {
		t.Fatalf("got points %+v %+v on a booking without, want none", got.Pickup, got.Dropoff)
	}
	_, err = e.f.BookSeats(e.ctx, ride.ID, e.member(carpool.RoleMember), carpool.BookingRequest{Seats: 1, Pickup: pickup})
	wantCode(t, err, carpool.EINVALID, "dropoff")
}

// testRouteSearch checks that the store's indexed pre-selection loses no ride the
// domain's exact test accepts: for rides and queries spread over a region, a route
// search returns exactly what carpool.RideQuery.Rank returns over every ride.
func testRouteSearch(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	h := time.Hour
	// A fleet manager is exempt from the open-ride limit, so one driver can offer them all.
	driver := e.member(carpool.RoleFleetManager)
	car := e.privateCar(driver, 8)
	offer := func(from, to carpool.Point, budget float64, depart time.Time) carpool.Ride {
		t.Helper()
		in := e.rideInput(car, 3, carpool.BookingInstant)
		in.From = carpool.Place{Label: "from", Lat: from.Lat, Lon: from.Lon}
		in.To = carpool.Place{Label: "to", Lat: to.Lat, Lon: to.Lon}
		in.DetourKM, in.DepartAt = &budget, depart
		r, err := e.f.CreateRide(e.ctx, in, driver)
		noErr(t, err, "create ride")
		return r
	}
	berlin := carpool.Point{Lat: 52.5200, Lon: 13.4050}
	potsdam := carpool.Point{Lat: 52.3906, Lon: 13.0645}
	steglitz := carpool.Point{Lat: 52.4862, Lon: 13.3232}
	wannsee := carpool.Point{Lat: 52.4216, Lon: 13.1797}
	spandau := carpool.Point{Lat: 52.5351, Lon: 13.1990}

	along := offer(berlin, potsdam, 5, e.at(10*h))
	zero := offer(berlin, potsdam, 0, e.at(10*h))
	reverse := offer(potsdam, berlin, 15, e.at(10*h)) // the wrong way round costs about 28 km
	viaSpandau := offer(berlin, spandau, 5, e.at(10*h))
	later := offer(berlin, potsdam, 5, e.at(11*h))
	_ = zero
	_ = reverse
	_ = viaSpandau

	q, err := carpool.RideQuery{From: &steglitz, To: &wannsee, Route: true, DepartAfter: e.at(8 * h), DepartBefore: e.at(12 * h)}.Normalize(e.now)
	noErr(t, err, "normalize")
	got, err := e.s.SearchRides(e.ctx, q, 0, 10)
	noErr(t, err, "search")
	if len(got) != 2 || got[0].Ride.ID != along.ID || got[1].Ride.ID != later.ID {
		t.Fatalf("got %v, want the Potsdam rides with a budget, the nearer departure first", matchIDs(got))
	}
	if got[0].DetourKM <= 0 || got[0].DetourKM > 1 || !got[0].PickupAt.After(along.DepartAt) {
		t.Fatalf("got detour %.2f km and pickup %v, want under a kilometre and after %v", got[0].DetourKM, got[0].PickupAt, along.DepartAt)
	}

	// Many rides over the Ruhr area and many queries: the store must agree with the
	// domain ranking every ride.
	rng := rand.New(rand.NewPCG(7, 11))
	region := func() carpool.Point {
		return carpool.Point{Lat: 51.3 + rng.Float64()*0.4, Lon: 6.7 + rng.Float64()*0.8}
	}
	all := []carpool.Ride{along, zero, reverse, viaSpandau, later}
	for range 150 {
		from, to := region(), region()
		if carpool.DistanceKM(from, to) < 1 {
			continue
		}
		budget := []float64{0, 2, 5, 15, 50}[rng.IntN(5)]
		all = append(all, offer(from, to, budget, e.at(8*h+time.Duration(rng.IntN(240))*time.Minute)))
	}
	matched := 0
	for i := range 40 {
		from, to := region(), region()
		if carpool.DistanceKM(from, to) < 1 {
			continue
		}
		q, err := carpool.RideQuery{From: &from, To: &to, Route: true, DepartAfter: e.at(8 * h), DepartBefore: e.at(12 * h)}.Normalize(e.now)
		noErr(t, err, "normalize")
		got, err := e.s.SearchRides(e.ctx, q, 0, 1000)
		noErr(t, err, "search")
		want := q.Rank(all)
		matched += len(want)
		if !reflect.DeepEqual(matchIDs(got), matchIDs(want)) {
			t.Fatalf("query %d %+v→%+v: got %v, want %v", i, from, to, matchIDs(got), matchIDs(want))
		}
	}
	if matched < 20 {
		t.Fatalf("got %d matches over all queries, too few to prove anything; widen the budgets", matched)
	}
}

func matchIDs(ms []carpool.RideMatch) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Ride.ID)
	}
	return out
}
