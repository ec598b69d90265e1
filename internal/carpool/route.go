package carpool

import (
	"math"
	"time"
)

// Route matching: a ride A→B can take a passenger P→Q when the driver, going A→P→Q→B
// instead of A→B, drives no more than the ride's detour budget further. Distances are
// great-circle distances times RoadFactor, a stand-in for a road network that carpool
// does not have; times are distances over AverageSpeedKMH.
const (
	// RoadFactor is how much longer the road is than the great circle. Studies of road
	// circuity in Europe find 1.2 to 1.4 for trips of a few to a few hundred kilometres;
	// 1.3 sits in the middle, so detours are neither promised too small nor refused too
	// often.
	RoadFactor = 1.3
	// AverageSpeedKMH is the speed an estimated pickup time assumes: a commute that is
	// part town, part motorway.
	AverageSpeedKMH = 50.0
	// DefaultDetourKM is the detour budget of a ride whose driver did not set one.
	DefaultDetourKM = 5.0
	// MaxDetourKM is the largest detour budget a driver may set: beyond it a "ride along
	// the way" is a different trip.
	MaxDetourKM = 50.0
	// MinRideKM is how far apart a ride's (or a route search's) ends must be; closer ends
	// are the same place given twice.
	MinRideKM = 0.1
)

// RoadKM estimates the road distance between a and b.
func RoadKM(a, b Point) float64 { return DistanceKM(a, b) * RoadFactor }

// RoadKM is the road distance of the ride, from its origin to its destination. It is
// stored with the ride when it is written (its ends never change), so that reports sum
// it rather than computing a great circle per ride each time.
func (r Ride) RoadKM() float64 { return RoadKM(r.From.Point(), r.To.Point()) }

// Insertion is how a passenger's trip fits into a ride.
type Insertion struct {
	// DetourKM is the extra road distance the driver covers: d(A,P)+d(P,Q)+d(Q,B)-d(A,B).
	DetourKM float64
	// PickupKM is the road distance from the ride's origin to the pickup, DropoffKM to
	// the drop-off by way of the pickup: where along the way the car stops for them.
	PickupKM, DropoffKM float64
}

// Insert computes the insertion of the trip pickup→dropoff into the route from→to. A nil
// pickup means the passenger boards at the origin, a nil dropoff that they ride to the
// destination, so a passenger who wants exactly the ride's ends costs no detour.
func Insert(from, to Point, pickup, dropoff *Point) Insertion {
	p, q := from, to
	if pickup != nil {
		p = *pickup
	}
	if dropoff != nil {
		q = *dropoff
	}
	d := RoadKM(from, p) + RoadKM(p, q) + RoadKM(q, to) - RoadKM(from, to)
	// The triangle inequality makes d non-negative; rounding can leave a tiny negative.
	return Insertion{DetourKM: math.Max(0, d), PickupKM: RoadKM(from, p), DropoffKM: RoadKM(from, p) + RoadKM(p, q)}
}

// TravelTime estimates how long driving km of road takes.
func TravelTime(km float64) time.Duration {
	return time.Duration(km / AverageSpeedKMH * float64(time.Hour)).Round(time.Minute)
}

// Insert computes where the passenger's trip fits into this ride.
func (r Ride) Insert(pickup, dropoff *Point) Insertion {
	return Insert(r.From.Point(), r.To.Point(), pickup, dropoff)
}

// PickupAt estimates when the driver reaches a pickup PickupKM along the way.
func (r Ride) PickupAt(in Insertion) time.Time {
	return r.DepartAt.Add(TravelTime(in.PickupKM))
}

// Corridor returns a latitude/longitude rectangle that contains every pickup and
// drop-off point the ride's detour budget allows, so a store can pre-select rides along
// a route with an index and leave the exact test to Insert.
//
// Why it is safe: the detour of P→Q is at least d(A,P)+d(P,B)-d(A,B) (triangle
// inequality), so every admissible P (and likewise Q) lies in the ellipse with foci A and
// B and major axis d(A,B)+δ, δ being the budget in great-circle kilometres. That ellipse
// lies within its semi-minor axis b = √(2Dδ+δ²)/2 of the segment AB. The rectangle is the
// one around A and B grown by b, plus the bulge of the great circle towards the pole
// (D²/8R·tan φ) and a small margin for rounding.
func (r Ride) Corridor() Box {
	a, b := r.From.Point(), r.To.Point()
	d := DistanceKM(a, b)
	budget := r.DetourKM / RoadFactor
	grow := math.Sqrt(2*d*budget+budget*budget)/2 + 0.05
	maxAbsLat := math.Max(math.Abs(a.Lat), math.Abs(b.Lat))
	if maxAbsLat < 80 {
		grow += d * d / (8 * earthRadiusKM) * math.Tan(maxAbsLat*math.Pi/180)
	}
	dLat := grow / earthRadiusKM * 180 / math.Pi
	box := Box{
		MinLat: math.Max(-90, math.Min(a.Lat, b.Lat)-dLat),
		MaxLat: math.Min(90, math.Max(a.Lat, b.Lat)+dLat),
		MinLon: -180, MaxLon: 180,
	}
	// Longitude degrees shrink towards the poles: grow by what the highest latitude of
	// the box needs. A box that would cross the antimeridian or reach a pole keeps every
	// longitude, which is correct if not tight.
	worst := math.Max(math.Abs(box.MinLat), math.Abs(box.MaxLat))
	cos := math.Cos(worst * math.Pi / 180)
	west, east := math.Min(a.Lon, b.Lon), math.Max(a.Lon, b.Lon)
	if cos > 0.01 && east-west < 180 {
		dLon := dLat / cos
		if west-dLon >= -180 && east+dLon <= 180 {
			box.MinLon, box.MaxLon = west-dLon, east+dLon
		}
	}
	return box
}

// Contains reports whether p lies in the rectangle.
func (b Box) Contains(p Point) bool {
	return p.Lat >= b.MinLat && p.Lat <= b.MaxLat && p.Lon >= b.MinLon && p.Lon <= b.MaxLon
}

// validateDetour checks a detour budget.
func validateDetour(km float64) error {
	if math.IsNaN(km) || km < 0 || km > MaxDetourKM {
		return FieldErrorf(EINVALID, "max_detour_km", "max_detour_km must be between 0 and %g", MaxDetourKM)
	}
	return nil
}
