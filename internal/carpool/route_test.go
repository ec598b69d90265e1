package carpool_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func pt(lat, lon float64) *carpool.Point { return &carpool.Point{Lat: lat, Lon: lon} }

func place(p *carpool.Point) carpool.Place {
	return carpool.Place{Label: "x", Lat: p.Lat, Lon: p.Lon}
}

// Real places, so the cases read as a commuter would judge them.
var (
	zurich     = pt(47.3779, 8.5403)
	bern       = pt(46.9490, 7.4391)
	lenzburg   = pt(47.3885, 8.1800)
	aarau      = pt(47.3925, 8.0444)
	olten      = pt(47.3500, 7.9078)
	basel      = pt(47.5596, 7.5886)
	berlin     = pt(52.5200, 13.4050)
	potsdam    = pt(52.3906, 13.0645)
	steglitz   = pt(52.4862, 13.3232)
	wannsee    = pt(52.4216, 13.1797)
	munich     = pt(48.1374, 11.5755)
	augsburg   = pt(48.3705, 10.8978)
	dachau     = pt(48.2600, 11.4342)
	copenhagen = pt(55.6761, 12.5683)
	malmo      = pt(55.6050, 13.0038)
)

func TestInsert(t *testing.T) {
	cases := []struct {
		name               string
		from, to           *carpool.Point
		pickup, dropoff    *carpool.Point
		minKM, maxKM       float64 // the detour lies in [minKM, maxKM]
		fitsDefaultBudget  bool
		pickupMinKM, maxPK float64
	}{
		{"the ride's own ends", zurich, bern, zurich, bern, 0, 1e-9, true, 0, 1e-9},
		{"no ends given: board and leave at the ride's", zurich, bern, nil, nil, 0, 1e-9, true, 0, 1e-9},
		{"on the way: Steglitz to Wannsee on Berlin-Potsdam", berlin, potsdam, steglitz, wannsee, 0, 0.5, true, 5, 12},
		{"on the way to the end: Dachau on Munich-Augsburg", munich, augsburg, dachau, nil, 2, 4, true, 15, 30},
		{"near the way: Lenzburg on Zurich-Bern", zurich, bern, lenzburg, nil, 6, 9, false, 25, 45},
		{"off the way: Aarau to Olten on Zurich-Bern", zurich, bern, aarau, olten, 10, 15, false, 40, 60},
		{"far off the way: Basel on Zurich-Bern", zurich, bern, basel, nil, 50, 70, false, 80, 110},
		{"wrong order: Olten before Aarau", zurich, bern, olten, aarau, 30, 50, false, 55, 70},
		{"wrong direction: Bern to Zurich", zurich, bern, bern, zurich, 240, 260, false, 120, 130},
		{"across the Oresund: Copenhagen-Malmo from the middle", copenhagen, malmo, pt(55.64, 12.78), nil, 0, 1, true, 10, 20},
		{"zero-length ride: there and back", zurich, zurich, pt(47.4116, 8.5442), nil, 9, 11, false, 4, 6},
		{"zero-length ride: no one to fetch", zurich, zurich, nil, nil, 0, 1e-9, true, 0, 1e-9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := carpool.Insert(*tc.from, *tc.to, tc.pickup, tc.dropoff)
			if got.DetourKM < tc.minKM || got.DetourKM > tc.maxKM {
				t.Fatalf("got detour %.2f km, want between %g and %g", got.DetourKM, tc.minKM, tc.maxKM)
			}
			if fits := got.DetourKM <= carpool.DefaultDetourKM; fits != tc.fitsDefaultBudget {
				t.Fatalf("got fits the default budget %v (detour %.2f km), want %v", fits, got.DetourKM, tc.fitsDefaultBudget)
			}
			if got.PickupKM < tc.pickupMinKM || got.PickupKM > tc.maxPK {
				t.Fatalf("got pickup after %.2f km, want between %g and %g", got.PickupKM, tc.pickupMinKM, tc.maxPK)
			}
		})
	}
}

func TestInsertUsesRoadFactor(t *testing.T) {
	// A pickup at a right angle off the middle of a 20 km ride, 5 km out: the detour is
	// 2·√(10²+5²)−20 great-circle km, times the road factor (flat-earth figures: the
	// places are near the equator, where the difference is below a metre).
	a, b := carpool.Point{Lat: 0, Lon: 0}, carpool.Point{Lat: 0, Lon: 20 / 111.195}
	p := carpool.Point{Lat: 5 / 111.195, Lon: 10 / 111.195}
	want := (2*math.Sqrt(125) - 20) * carpool.RoadFactor
	if got := carpool.Insert(a, b, &p, nil).DetourKM; math.Abs(got-want) > 0.01 {
		t.Fatalf("got %.3f km, want %.3f", got, want)
	}
}

func TestTravelTime(t *testing.T) {
	if got, want := carpool.TravelTime(carpool.AverageSpeedKMH), time.Hour; got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := carpool.TravelTime(0); got != 0 {
		t.Fatalf("got %v, want 0", got)
	}
}

// TestCorridorHoldsEveryAdmissiblePoint checks the promise the stores rely on: a pickup
// or drop-off that fits the budget always lies inside the ride's corridor, so an indexed
// pre-selection by corridor never loses a match.
func TestCorridorHoldsEveryAdmissiblePoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rides := 0
	for rides < 300 {
		// Rides over Europe, from a few to several hundred kilometres.
		a := carpool.Point{Lat: 36 + rng.Float64()*34, Lon: -10 + rng.Float64()*40}
		b := destination(a, rng.Float64()*360, 1+rng.Float64()*600)
		budget := []float64{0, 1, carpool.DefaultDetourKM, 20, carpool.MaxDetourKM}[rng.IntN(5)]
		ride := carpool.Ride{From: place(&a), To: place(&b), DetourKM: budget}
		box := ride.Corridor()
		rides++
		for range 400 {
			// Points around the route, biased to the corridor's edge where a bug would show.
			mid := carpool.Point{Lat: (a.Lat + b.Lat) / 2, Lon: (a.Lon + b.Lon) / 2}
			reach := carpool.DistanceKM(a, b)/2 + carpool.MaxDetourKM
			p := destination(mid, rng.Float64()*360, rng.Float64()*reach)
			if ride.Insert(&p, nil).DetourKM <= budget && !box.Contains(p) {
				t.Fatalf("pickup %+v fits the budget %g of %+v→%+v but lies outside its corridor %+v", p, budget, a, b, box)
			}
			if ride.Insert(nil, &p).DetourKM <= budget && !box.Contains(p) {
				t.Fatalf("drop-off %+v fits the budget %g of %+v→%+v but lies outside its corridor %+v", p, budget, a, b, box)
			}
		}
	}
}

func TestCorridorIsTight(t *testing.T) {
	// A short commute's corridor stays a few kilometres wide, or the index is useless.
	ride := carpool.Ride{From: place(berlin), To: place(potsdam), DetourKM: carpool.DefaultDetourKM}
	box := ride.Corridor()
	height := carpool.DistanceKM(carpool.Point{Lat: box.MinLat, Lon: 13}, carpool.Point{Lat: box.MaxLat, Lon: 13})
	if span := carpool.DistanceKM(*berlin, carpool.Point{Lat: potsdam.Lat, Lon: berlin.Lon}); height > span+20 {
		t.Fatalf("got a corridor %.1f km high for a ride spanning %.1f km north to south", height, span)
	}
}

func TestRankAlongRoute(t *testing.T) {
	depart := t0.Add(2 * time.Hour)
	ride := func(id string, from, to *carpool.Point, budget float64, depart time.Time) carpool.Ride {
		return carpool.Ride{ID: id, From: place(from), To: place(to), DetourKM: budget, DepartAt: depart,
			Seats: 3, Status: carpool.RideOpen}
	}
	edge := carpool.Insert(*zurich, *bern, lenzburg, nil).DetourKM
	rides := []carpool.Ride{
		ride("direct", zurich, bern, 5, depart),
		ride("lenzburg-edge", zurich, bern, edge, depart),
		ride("lenzburg-short", zurich, bern, edge-0.001, depart),
		ride("zero-budget", zurich, bern, 0, depart),
		ride("reverse", bern, zurich, carpool.MaxDetourKM, depart),
		ride("late", zurich, bern, 10, depart.Add(3*time.Hour)),
	}
	q, err := carpool.RideQuery{From: lenzburg, To: bern, Route: true, DepartAfter: t0, DepartBefore: t0.Add(8 * time.Hour)}.Normalize(t0)
	if err != nil {
		t.Fatal(err)
	}
	got := q.Rank(rides)
	var ids []string
	for _, m := range got {
		ids = append(ids, m.Ride.ID)
	}
	// direct (budget 5) cannot take the 7 km detour; the budget edge is inside, a
	// metre less is out; "late" fits its 10 km budget but its pickup is further from
	// the wished time (the middle of the window, t0+4h) than lenzburg-edge's.
	want := []string{"lenzburg-edge", "late"}
	if len(ids) != len(want) || ids[0] != want[0] || ids[1] != want[1] {
		t.Fatalf("got %v, want %v", ids, want)
	}
	m := got[0]
	if math.Abs(m.DetourKM-edge) > 1e-9 {
		t.Fatalf("got detour %.3f, want %.3f", m.DetourKM, edge)
	}
	wantPickup := depart.Add(carpool.TravelTime(carpool.RoadKM(*zurich, *lenzburg)))
	if !m.PickupAt.Equal(wantPickup) {
		t.Fatalf("got pickup %v, want %v", m.PickupAt, wantPickup)
	}
}

func TestRankAtEndsReportsDetour(t *testing.T) {
	r := carpool.Ride{ID: "r", From: place(zurich), To: place(bern), DetourKM: 5, DepartAt: t0.Add(time.Hour), Seats: 3, Status: carpool.RideOpen}
	near := pt(47.4116, 8.5442)
	q, err := carpool.RideQuery{From: near, To: bern, RadiusKM: 5, DepartAfter: t0}.Normalize(t0)
	if err != nil {
		t.Fatal(err)
	}
	got := q.Rank([]carpool.Ride{r})
	if len(got) != 1 || got[0].DetourKM <= 0 || !got[0].PickupAt.After(r.DepartAt) {
		t.Fatalf("got %+v, want one match with its detour and a pickup after the departure", got)
	}
}

func TestRouteQueryErrors(t *testing.T) {
	cases := []struct {
		name  string
		q     carpool.RideQuery
		field string
	}{
		{"no from", carpool.RideQuery{To: bern, Route: true}, "from"},
		{"no to", carpool.RideQuery{From: bern, Route: true}, "to"},
		{"identical ends", carpool.RideQuery{From: bern, To: pt(bern.Lat, bern.Lon), Route: true}, "to"},
		{"pin out of range", carpool.RideQuery{From: pt(91, 8), To: bern, Route: true}, "from"},
		{"fine", carpool.RideQuery{From: zurich, To: bern, Route: true}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.q.Normalize(t0)
			if got := carpool.ErrorField(err); got != tc.field {
				t.Fatalf("got %v, want a field error on %q", err, tc.field)
			}
		})
	}
}

func TestNewRideDetourAndEnds(t *testing.T) {
	car := carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: member.ID, Seats: 5, Status: carpool.CarActive}
	km := func(v float64) *float64 { return &v }
	cases := []struct {
		name   string
		edit   func(*carpool.RideInput)
		field  string
		detour float64
	}{
		{"default budget", nil, "", carpool.DefaultDetourKM},
		{"no detour at all", func(in *carpool.RideInput) { in.DetourKM = km(0) }, "", 0},
		{"the largest budget", func(in *carpool.RideInput) { in.DetourKM = km(carpool.MaxDetourKM) }, "", carpool.MaxDetourKM},
		{"negative budget", func(in *carpool.RideInput) { in.DetourKM = km(-0.1) }, "max_detour_km", 0},
		{"budget above the maximum", func(in *carpool.RideInput) { in.DetourKM = km(carpool.MaxDetourKM + 0.1) }, "max_detour_km", 0},
		{"budget not a number", func(in *carpool.RideInput) { in.DetourKM = km(math.NaN()) }, "max_detour_km", 0},
		{"identical from and to", func(in *carpool.RideInput) { in.To = in.From; in.To.Label = "same" }, "to", 0},
		{"from and to 50 m apart", func(in *carpool.RideInput) {
			in.To = carpool.Place{Label: "y", Lat: in.From.Lat + 0.00045, Lon: in.From.Lon}
		}, "to", 0},
		{"pin out of range", func(in *carpool.RideInput) { in.From.Lon = 181 }, "from.lon", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := rideInput(car.ID)
			if tc.edit != nil {
				tc.edit(&in)
			}
			r, err := carpool.NewRide(in, member, car, nil, t0)
			if got := carpool.ErrorField(err); got != tc.field {
				t.Fatalf("got %v, want a field error on %q", err, tc.field)
			}
			if tc.field == "" && r.DetourKM != tc.detour {
				t.Fatalf("got detour budget %g, want %g", r.DetourKM, tc.detour)
			}
		})
	}
}

func TestBookingPointsVisibility(t *testing.T) {
	p := &carpool.Place{Label: "corner", Lat: 47.4, Lon: 8.2}
	b := carpool.Booking{PassengerID: "p", DriverID: "d", Pickup: p, Dropoff: p}
	cases := []struct {
		name   string
		status carpool.BookingStatus
		viewer string
		want   bool
	}{
		{"passenger, pending", carpool.BookingPending, "p", true},
		{"driver, pending", carpool.BookingPending, "d", false},
		{"driver, waitlisted", carpool.BookingWaitlisted, "d", false},
		{"driver, confirmed", carpool.BookingConfirmed, "d", true},
		{"someone else, confirmed", carpool.BookingConfirmed, "x", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b.Status = tc.status
			got := b.WithPointsFor(carpool.Member{ID: tc.viewer})
			if (got.Pickup != nil) != tc.want || (got.Dropoff != nil) != tc.want {
				t.Fatalf("got pickup %v drop-off %v, want shown %v", got.Pickup, got.Dropoff, tc.want)
			}
		})
	}
}

func TestBookingPointsValidation(t *testing.T) {
	ride := carpool.Ride{ID: "r", DriverID: "d", From: place(zurich), To: place(bern), DepartAt: t0.Add(time.Hour),
		Seats: 3, Status: carpool.RideOpen, BookingMode: carpool.BookingInstant, DetourKM: 10}
	good := &carpool.Place{Label: "Lenzburg", Lat: lenzburg.Lat, Lon: lenzburg.Lon}
	cases := []struct {
		name            string
		pickup, dropoff *carpool.Place
		field           string
	}{
		{"neither", nil, nil, ""},
		{"both", good, &carpool.Place{Label: "Bern", Lat: bern.Lat, Lon: bern.Lon}, ""},
		{"pickup only", good, nil, "dropoff"},
		{"drop-off only", nil, good, "pickup"},
		{"same place", good, good, "dropoff"},
		{"pin out of range", &carpool.Place{Label: "x", Lat: -91, Lon: 0}, good, "pickup.lat"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := carpool.RideBook{Ride: ride}
			_, err := rb.Book(carpool.Member{ID: "p"}, carpool.BookingRequest{Seats: 1, Pickup: tc.pickup, Dropoff: tc.dropoff}, t0)
			if got := carpool.ErrorField(err); got != tc.field {
				t.Fatalf("got %v, want a field error on %q", err, tc.field)
			}
		})
	}
}

// TestSeatsStayWithinTheDetourBudget: a seat whose pickup and drop-off need more than the
// ride's detour budget is refused on every path to a confirmed seat: booking (instant,
// approval, waitlist), the driver's confirmation of a request made before the budget
// was lowered, and the waitlist moving up.
func TestSeatsStayWithinTheDetourBudget(t *testing.T) {
	lenz := &carpool.Place{Label: "Lenzburg", Lat: lenzburg.Lat, Lon: lenzburg.Lon}
	toBern := &carpool.Place{Label: "Bern", Lat: bern.Lat, Lon: bern.Lon}
	need := carpool.Ride{From: place(zurich), To: place(bern)}.Insert(lenzburg, bern).DetourKM
	ride := func(mode carpool.BookingMode, budget float64, seats int) carpool.RideBook {
		return carpool.RideBook{Ride: carpool.Ride{ID: "r", DriverID: "d", From: place(zurich), To: place(bern),
			DepartAt: t0.Add(time.Hour), Seats: seats, Status: carpool.RideOpen, BookingMode: mode, DetourKM: budget}}
	}
	driver, pat, max := carpool.Member{ID: "d"}, carpool.Member{ID: "p"}, carpool.Member{ID: "m"}
	along := carpool.BookingRequest{Seats: 1, Pickup: lenz, Dropoff: toBern}

	for _, mode := range []carpool.BookingMode{carpool.BookingInstant, carpool.BookingApproval} {
		rb := ride(mode, need-0.5, 3)
		if _, err := rb.Book(pat, along, t0); carpool.ErrorCode(err) != carpool.ECONFLICT || carpool.ErrorField(err) != "pickup" {
			t.Errorf("%s, budget below the need: got %v, want a conflict on pickup", mode, err)
		}
		rb = ride(mode, need+0.5, 3)
		if _, err := rb.Book(pat, along, t0); err != nil {
			t.Errorf("%s, budget above the need: %v", mode, err)
		}
	}

	// A request made within the budget, which the driver then lowers: the request may
	// stay, but it cannot be confirmed any more.
	rb := ride(carpool.BookingApproval, need+0.5, 3)
	b, err := rb.Book(pat, along, t0)
	if err != nil || b.Status != carpool.BookingPending {
		t.Fatalf("request: %+v %v", b, err)
	}
	lower := need - 0.5
	if err := rb.Update(carpool.RidePatch{DetourKM: &lower}, driver, carpool.Car{Kind: carpool.CarPrivate, Seats: 5}, nil, t0); err != nil {
		t.Fatalf("lowering the budget with only a pending request: %v", err)
	}
	if _, err := rb.Confirm(b.ID, driver, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Fatalf("confirming a request beyond the lowered budget: got %v, want a conflict", err)
	}

	// The waitlist moves up past a booking that no longer fits.
	rb = ride(carpool.BookingInstant, need+0.5, 1)
	if _, err := rb.Book(max, carpool.BookingRequest{Seats: 1}, t0); err != nil {
		t.Fatal(err)
	}
	far, err := rb.Book(pat, carpool.BookingRequest{Seats: 1, Pickup: lenz, Dropoff: toBern, Waitlist: true}, t0)
	if err != nil || far.Status != carpool.BookingWaitlisted {
		t.Fatalf("waitlisted: %+v %v", far, err)
	}
	if err := rb.Update(carpool.RidePatch{DetourKM: &lower}, driver, carpool.Car{Kind: carpool.CarPrivate, Seats: 5}, nil, t0); err != nil {
		t.Fatalf("lowering the budget with only a waitlisted booking: %v", err)
	}
	seats := 2
	if err := rb.Update(carpool.RidePatch{Seats: &seats}, driver, carpool.Car{Kind: carpool.CarPrivate, Seats: 5}, nil, t0); err != nil {
		t.Fatal(err)
	}
	for _, got := range rb.Bookings {
		if got.ID == far.ID && got.Status != carpool.BookingWaitlisted {
			t.Fatalf("a waitlisted booking beyond the budget moved up to %s", got.Status)
		}
	}
}

// TestInsertDropoffKM: the drop-off lies where the car gets after the pickup, so along
// the way it comes after the pickup and no further than the detour allows.
func TestInsertDropoffKM(t *testing.T) {
	for _, tc := range []struct {
		name            string
		pickup, dropoff *carpool.Point
		want            float64
	}{
		{"own stops", steglitz, wannsee, carpool.RoadKM(*berlin, *steglitz) + carpool.RoadKM(*steglitz, *wannsee)},
		{"boards at the start", nil, wannsee, carpool.RoadKM(*berlin, *wannsee)},
		{"rides to the end", steglitz, nil, carpool.RoadKM(*berlin, *steglitz) + carpool.RoadKM(*steglitz, *potsdam)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := carpool.Insert(*berlin, *potsdam, tc.pickup, tc.dropoff)
			if math.Abs(got.DropoffKM-tc.want) > 1e-9 {
				t.Fatalf("got drop-off after %.3f km, want %.3f", got.DropoffKM, tc.want)
			}
			if got.DropoffKM < got.PickupKM {
				t.Fatalf("got drop-off after %.3f km, before the pickup at %.3f", got.DropoffKM, got.PickupKM)
			}
		})
	}
}
