package carpool

import (
	"math"
	"sort"
	"time"
)

// Point is a position in degrees.
type Point struct {
	Lat float64
	Lon float64
}

const earthRadiusKM = 6371.0088

// DistanceKM returns the great-circle (haversine) distance between a and b.
func DistanceKM(a, b Point) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKM * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Search limits.
const (
	DefaultRadiusKM    = 5
	MaxRadiusKM        = 200
	DefaultSearchAhead = 7 * 24 * time.Hour
	MaxSearchWindow    = 31 * 24 * time.Hour
	// MinutesPerKM weighs time against distance when ranking: leaving ten minutes off
	// the wished time counts as much as one more kilometre to walk.
	MinutesPerKM = 10
)

// RideQuery is a ride search: open rides with at least Seats free seats, leaving within
// [DepartAfter, DepartBefore], whose origin lies within RadiusKM of From and destination
// within RadiusKM of To (an end left nil is not constrained).
type RideQuery struct {
	From         *Point
	To           *Point
	RadiusKM     float64
	DepartAfter  time.Time
	DepartBefore time.Time
	Seats        int
	// Full turns the seat condition round: rides with fewer than Seats free seats, the
	// ones a member can join the waitlist of.
	Full bool
	// Route matches along the way instead of at the ends: a ride matches when From and To
	// can be inserted into it within the ride's detour budget (see Insert), whatever
	// RadiusKM says. Both ends are then required.
	Route bool
	// Shared keeps only the rides of drivers who share their rides with partner
	// operators (Member.ShareWithPartners).
	Shared bool
}

// Normalize fills defaults and checks the query.
func (q RideQuery) Normalize(now time.Time) (RideQuery, error) {
	if q.RadiusKM == 0 {
		q.RadiusKM = DefaultRadiusKM
	}
	if math.IsNaN(q.RadiusKM) || q.RadiusKM < 0 || q.RadiusKM > MaxRadiusKM {
		return q, FieldErrorf(EINVALID, "radius_km", "radius_km must be between 0 and %d", MaxRadiusKM)
	}
	if q.From != nil {
		if err := validateCoordinates("from.", q.From.Lat, q.From.Lon); err != nil {
			return q, FieldErrorf(EINVALID, "from", "from must be LAT,LON within range")
		}
	}
	if q.To != nil {
		if err := validateCoordinates("to.", q.To.Lat, q.To.Lon); err != nil {
			return q, FieldErrorf(EINVALID, "to", "to must be LAT,LON within range")
		}
	}
	if q.Route {
		if q.From == nil {
			return q, FieldErrorf(EINVALID, "from", "matching along the route needs from")
		}
		if q.To == nil {
			return q, FieldErrorf(EINVALID, "to", "matching along the route needs to")
		}
		if DistanceKM(*q.From, *q.To) < MinRideKM {
			return q, FieldErrorf(EINVALID, "to", "from and to must be different places")
		}
	}
	if q.Seats == 0 {
		q.Seats = 1
	}
	if q.Seats < 1 || q.Seats > MaxCarSeats-1 {
		return q, FieldErrorf(EINVALID, "seats", "seats must be between 1 and %d", MaxCarSeats-1)
	}
	q.DepartAfter, q.DepartBefore = Timestamp(q.DepartAfter), Timestamp(q.DepartBefore)
	if q.DepartAfter.Before(now) {
		q.DepartAfter = Timestamp(now)
	}
	if q.DepartBefore.IsZero() {
		q.DepartBefore = q.DepartAfter.Add(DefaultSearchAhead)
	}
	if q.DepartBefore.Before(q.DepartAfter) {
		return q, FieldErrorf(EINVALID, "depart_before", "depart_before must not be before depart_after")
	}
	if q.DepartBefore.Sub(q.DepartAfter) > MaxSearchWindow {
		return q, FieldErrorf(EINVALID, "depart_before", "the search window may span at most 31 days")
	}
	return q, nil
}

// Box is a latitude/longitude rectangle. A store uses it to pre-select candidates with
// an index before the exact distance is computed.
type Box struct {
	MinLat, MaxLat, MinLon, MaxLon float64
}

// BoundingBox returns a rectangle that contains every point within radiusKM of p. Near
// the poles or across the antimeridian it widens to all longitudes, which is correct if
// not tight.
func BoundingBox(p Point, radiusKM float64) Box {
	dLat := radiusKM / earthRadiusKM * 180 / math.Pi
	b := Box{MinLat: p.Lat - dLat, MaxLat: p.Lat + dLat, MinLon: -180, MaxLon: 180}
	cos := math.Cos(p.Lat * math.Pi / 180)
	if cos > 0.01 {
		dLon := dLat / cos
		if p.Lon-dLon >= -180 && p.Lon+dLon <= 180 {
			b.MinLon, b.MaxLon = p.Lon-dLon, p.Lon+dLon
		}
	}
	return b
}

// RideMatch is a search result: the ride, how far its ends are from the wished ones,
// the detour picking the searcher up costs and when that would be, and the score it was
// ranked by (lower is better).
type RideMatch struct {
	Ride   Ride
	FromKM float64
	ToKM   float64
	Score  float64
	// DetourKM and PickupAt come from Insert with the query's ends (a missing end is the
	// ride's own), in every search mode.
	DetourKM float64
	PickupAt time.Time
}

// Rank keeps the candidates that satisfy q exactly and orders them, best first. An end
// search scores distance of the ends plus time difference of the departure from the
// middle of the wished window; a route search scores the detour plus the time difference
// of the estimated pickup. MinutesPerKM converts minutes to kilometres in both. Ties go
// to the earlier departure, then the id, so the order is stable across pages.
func (q RideQuery) Rank(candidates []Ride) []RideMatch {
	wished := q.DepartAfter.Add(q.DepartBefore.Sub(q.DepartAfter) / 2)
	matches := make([]RideMatch, 0, len(candidates))
	for _, r := range candidates {
		if r.Status != RideOpen || (r.FreeSeats() < q.Seats) != q.Full ||
			r.DepartAt.Before(q.DepartAfter) || r.DepartAt.After(q.DepartBefore) {
			continue
		}
		in := r.Insert(q.From, q.To)
		m := RideMatch{Ride: r, DetourKM: in.DetourKM, PickupAt: r.PickupAt(in)}
		if q.Route {
			// A tiny tolerance keeps a passenger exactly on the budget's edge in.
			if in.DetourKM > r.DetourKM+1e-9 {
				continue
			}
			m.FromKM = DistanceKM(*q.From, r.From.Point())
			m.ToKM = DistanceKM(*q.To, r.To.Point())
			m.Score = in.DetourKM + math.Abs(m.PickupAt.Sub(wished).Minutes())/MinutesPerKM
			matches = append(matches, m)
			continue
		}
		if q.From != nil {
			m.FromKM = DistanceKM(*q.From, r.From.Point())
			if m.FromKM > q.RadiusKM {
				continue
			}
		}
		if q.To != nil {
			m.ToKM = DistanceKM(*q.To, r.To.Point())
			if m.ToKM > q.RadiusKM {
				continue
			}
		}
		minutes := math.Abs(r.DepartAt.Sub(wished).Minutes())
		m.Score = m.FromKM + m.ToKM + minutes/MinutesPerKM
		matches = append(matches, m)
	}
	sort.SliceStable(matches, func(i, j int) bool {
		a, b := matches[i], matches[j]
		if a.Score != b.Score {
			return a.Score < b.Score
		}
		if !a.Ride.DepartAt.Equal(b.Ride.DepartAt) {
			return a.Ride.DepartAt.Before(b.Ride.DepartAt)
		}
		return a.Ride.ID < b.Ride.ID
	})
	return matches
}
