package carpool_test

import (
	"math"
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestDistanceKM(t *testing.T) {
	cases := []struct {
		name string
		a, b carpool.Point
		want float64 // great-circle distance on a sphere of the mean Earth radius
	}{
		{"same point", carpool.Point{Lat: 47.37, Lon: 8.54}, carpool.Point{Lat: 47.37, Lon: 8.54}, 0},
		{"one degree of longitude at the equator", carpool.Point{}, carpool.Point{Lon: 1}, 111.195},
		{"one degree of latitude", carpool.Point{Lat: 10}, carpool.Point{Lat: 11}, 111.195},
		{"pole to pole", carpool.Point{Lat: 90}, carpool.Point{Lat: -90}, 20015.1},
		{"antipodes on the equator", carpool.Point{Lon: -90}, carpool.Point{Lon: 90}, 20015.1},
		{"Paris to London", carpool.Point{Lat: 48.8566, Lon: 2.3522}, carpool.Point{Lat: 51.5074, Lon: -0.1278}, 343.6},
		{"New York to Los Angeles", carpool.Point{Lat: 40.7128, Lon: -74.0060}, carpool.Point{Lat: 34.0522, Lon: -118.2437}, 3935.8},
		{"across the antimeridian", carpool.Point{Lat: 0, Lon: 179.5}, carpool.Point{Lat: 0, Lon: -179.5}, 111.195},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := carpool.DistanceKM(tc.a, tc.b)
			if math.Abs(got-tc.want) > 0.001*tc.want+0.01 {
				t.Fatalf("got %.3f km, want %.3f", got, tc.want)
			}
			if back := carpool.DistanceKM(tc.b, tc.a); math.Abs(back-got) > 1e-9 {
				t.Fatalf("not symmetric: %f vs %f", got, back)
			}
		})
	}
}

// destination returns the point at distance km from p along bearing (degrees), on the
// same sphere DistanceKM uses.
func destination(p carpool.Point, bearing, km float64) carpool.Point {
	const r = 6371.0088
	rad := math.Pi / 180
	d := km / r
	lat1, lon1, b := p.Lat*rad, p.Lon*rad, bearing*rad
	lat2 := math.Asin(math.Sin(lat1)*math.Cos(d) + math.Cos(lat1)*math.Sin(d)*math.Cos(b))
	lon2 := lon1 + math.Atan2(math.Sin(b)*math.Sin(d)*math.Cos(lat1), math.Cos(d)-math.Sin(lat1)*math.Sin(lat2))
	lon := math.Mod(lon2/rad+540, 360) - 180
	return carpool.Point{Lat: lat2 / rad, Lon: lon}
}

func TestBoundingBoxContainsCircle(t *testing.T) {
	centers := []carpool.Point{
		{Lat: 47.37, Lon: 8.54}, {Lat: 0, Lon: 0}, {Lat: -33.9, Lon: 18.4}, {Lat: 64.1, Lon: -21.9},
		{Lat: 89.9, Lon: 10}, {Lat: -89.5, Lon: 0}, {Lat: 10, Lon: 179.99}, {Lat: -20, Lon: -179.95},
	}
	for _, c := range centers {
		for _, km := range []float64{0.5, 5, 50, 200} {
			box := carpool.BoundingBox(c, km)
			for bearing := 0.0; bearing < 360; bearing += 7.5 {
				p := destination(c, bearing, km*0.999)
				if d := carpool.DistanceKM(c, p); math.Abs(d-km*0.999) > 0.01 {
					t.Fatalf("test helper: destination is %f km away, want %f", d, km*0.999)
				}
				if p.Lat < box.MinLat || p.Lat > box.MaxLat || p.Lon < box.MinLon || p.Lon > box.MaxLon {
					t.Fatalf("center %v radius %v km: point %v at bearing %v lies outside %+v", c, km, p, bearing, box)
				}
			}
		}
	}
	// away from poles and the antimeridian the box is tight, so it is worth an index
	box := carpool.BoundingBox(carpool.Point{Lat: 47.37, Lon: 8.54}, 5)
	if box.MaxLon-box.MinLon > 0.2 || box.MaxLat-box.MinLat > 0.1 {
		t.Fatalf("box for 5 km in Zurich is loose: %+v", box)
	}
}

func TestRideQueryNormalize(t *testing.T) {
	now := t0
	p := &carpool.Point{Lat: 47, Lon: 8}
	q, err := carpool.RideQuery{From: p}.Normalize(now)
	if err != nil {
		t.Fatal(err)
	}
	if q.RadiusKM != carpool.DefaultRadiusKM || q.Seats != 1 || !q.DepartAfter.Equal(now) || !q.DepartBefore.Equal(now.Add(carpool.DefaultSearchAhead)) {
		t.Fatalf("defaults: got %+v", q)
	}
	past, err := carpool.RideQuery{DepartAfter: now.Add(-time.Hour), DepartBefore: now.Add(time.Hour)}.Normalize(now)
	if err != nil || !past.DepartAfter.Equal(now) {
		t.Fatalf("a window starting in the past starts now: got %+v, %v", past, err)
	}
	cases := []struct {
		name  string
		q     carpool.RideQuery
		field string
	}{
		{"radius negative", carpool.RideQuery{RadiusKM: -1}, "radius_km"},
		{"radius too big", carpool.RideQuery{RadiusKM: carpool.MaxRadiusKM + 1}, "radius_km"},
		{"radius NaN", carpool.RideQuery{RadiusKM: math.NaN()}, "radius_km"},
		{"bad from", carpool.RideQuery{From: &carpool.Point{Lat: 91}}, "from"},
		{"bad to", carpool.RideQuery{To: &carpool.Point{Lon: 181}}, "to"},
		{"seats too many", carpool.RideQuery{Seats: carpool.MaxCarSeats}, "seats"},
		{"seats negative", carpool.RideQuery{Seats: -1}, "seats"},
		{"window reversed", carpool.RideQuery{DepartAfter: now.Add(2 * time.Hour), DepartBefore: now.Add(time.Hour)}, "depart_before"},
		{"window too wide", carpool.RideQuery{DepartBefore: now.Add(carpool.MaxSearchWindow + time.Minute)}, "depart_before"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.q.Normalize(now)
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func TestRank(t *testing.T) {
	zurich := carpool.Point{Lat: 47.3779, Lon: 8.5403}
	bern := carpool.Point{Lat: 46.9490, Lon: 7.4391}
	oerlikon := carpool.Point{Lat: 47.4116, Lon: 8.5442} // ~3.8 km from Zurich HB
	ride := func(id string, from carpool.Point, depart time.Duration, seats, taken int, status carpool.RideStatus) carpool.Ride {
		return carpool.Ride{ID: id, From: carpool.Place{Lat: from.Lat, Lon: from.Lon}, To: carpool.Place{Lat: bern.Lat, Lon: bern.Lon},
			DepartAt: t0.Add(depart), Seats: seats, SeatsTaken: taken, Status: status}
	}
	h := time.Hour
	rides := []carpool.Ride{
		ride("late", zurich, 11*h, 3, 0, carpool.RideOpen),                 // 60 min off: score 6
		ride("exact", zurich, 10*h, 3, 0, carpool.RideOpen),                // score 0
		ride("near", oerlikon, 10*h, 3, 0, carpool.RideOpen),               // ~3.8
		ride("b-tie", zurich, 10*h+30*time.Minute, 3, 0, carpool.RideOpen), // score 3
		ride("a-tie", zurich, 9*h+30*time.Minute, 3, 0, carpool.RideOpen),  // score 3, earlier
		ride("full", zurich, 10*h, 3, 3, carpool.RideOpen),
		ride("cancelled", zurich, 10*h, 3, 0, carpool.RideCancelled),
		ride("too early", zurich, 7*h, 3, 0, carpool.RideOpen),
		ride("too late", zurich, 13*h, 3, 0, carpool.RideOpen),
		ride("far", carpool.Point{Lat: 47.5, Lon: 8.7241}, 10*h, 3, 0, carpool.RideOpen),
		ride("edge of window", zurich, 12*h, 3, 0, carpool.RideOpen), // 120 min: score 12
	}
	q := carpool.RideQuery{From: &zurich, To: &bern, RadiusKM: 5, DepartAfter: t0.Add(8 * h), DepartBefore: t0.Add(12 * h), Seats: 1}
	var got []string
	matches := q.Rank(rides)
	for _, m := range matches {
		got = append(got, m.Ride.ID)
	}
	want := []string{"exact", "a-tie", "b-tie", "near", "late", "edge of window"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if m := matches[3]; math.Abs(m.FromKM-3.76) > 0.05 || m.ToKM != 0 || math.Abs(m.Score-m.FromKM) > 1e-9 {
		t.Fatalf("near: got from %.3f to %.3f score %.3f", m.FromKM, m.ToKM, m.Score)
	}
	q.Seats = 4
	if n := len(q.Rank(rides)); n != 0 {
		t.Fatalf("4 seats on 3-seat rides: got %d matches, want 0", n)
	}
	q.Seats, q.From, q.To = 1, nil, nil
	if n := len(q.Rank(rides)); n != 7 { // every open ride with a seat in the window, wherever it goes
		t.Fatalf("no places: got %d matches, want 7", n)
	}
}
