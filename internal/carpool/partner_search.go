package carpool

import (
	"math"
	"sort"
	"time"
)

// Partner search limits. The defaults are the standard-covoiturage's: a 15-minute margin
// and 1 km around each end.
const (
	DefaultPartnerTimeDelta = 15 * time.Minute
	MaxPartnerTimeDelta     = 7 * 24 * time.Hour
	DefaultPartnerRadiusKM  = 1.0
	// MaxPartnerJourneys bounds an answer when the partner asks for no count ("all").
	MaxPartnerJourneys = 100
)

// PartnerSearch is a partner's search for driver journeys, in the standard's terms:
// both ends required, a departure time with a margin either side, a radius per end.
type PartnerSearch struct {
	From, To     *Point
	DepartAt     time.Time // zero: now
	TimeDelta    time.Duration
	FromRadiusKM float64
	ToRadiusKM   float64
	Count        int
}

// Query checks s and returns the two ride searches that serve it, among the rides of
// sharing drivers: along the route, as a member's search matches by default (the
// passenger's ends fit into the ride within its detour budget, the passenger boarding
// where they asked), and at the ends (the ride starts within departureRadius and ends
// within arrivalRadius, the passenger walking to it). Merge combines the answers.
// Field errors use the standard's parameter names.
func (s PartnerSearch) Query(now time.Time) (PartnerSearch, RideQuery, RideQuery, error) {
	var errs []error
	if s.From == nil || validateCoordinates("", s.From.Lat, s.From.Lon) != nil {
		errs = append(errs, FieldErrorf(EINVALID, "departureLat", "departureLat and departureLng are required, within range"))
	}
	if s.To == nil || validateCoordinates("", s.To.Lat, s.To.Lon) != nil {
		errs = append(errs, FieldErrorf(EINVALID, "arrivalLat", "arrivalLat and arrivalLng are required, within range"))
	}
	if s.TimeDelta == 0 {
		s.TimeDelta = DefaultPartnerTimeDelta
	}
	if s.TimeDelta < 0 || s.TimeDelta > MaxPartnerTimeDelta {
		errs = append(errs, FieldErrorf(EINVALID, "timeDelta", "timeDelta must be between 0 and %d seconds", int(MaxPartnerTimeDelta/time.Second)))
	}
	errs = append(errs, s.radii()...)
	if s.Count < 0 {
		errs = append(errs, FieldErrorf(EINVALID, "count", "count must be positive"))
	}
	if s.Count == 0 || s.Count > MaxPartnerJourneys {
		s.Count = MaxPartnerJourneys
	}
	if s.DepartAt.IsZero() {
		s.DepartAt = now
	}
	if err := JoinInvalid(errs...); err != nil {
		return s, RideQuery{}, RideQuery{}, err
	}
	ends := RideQuery{From: s.From, To: s.To, RadiusKM: math.Max(s.FromRadiusKM, s.ToRadiusKM),
		DepartAfter: s.DepartAt.Add(-s.TimeDelta), DepartBefore: s.DepartAt.Add(s.TimeDelta), Shared: true}
	if !ends.DepartBefore.After(now) {
		// The whole window has passed: nothing can depart in it.
		ends.DepartAfter, ends.DepartBefore = now, now
	}
	ends, err := ends.Normalize(now)
	if err != nil {
		return s, RideQuery{}, RideQuery{}, err
	}
	route := ends
	route.Route = true
	if DistanceKM(*s.From, *s.To) < MinRideKM {
		// Ends this close make no trip to insert; the ends search still answers.
		route = RideQuery{}
	}
	return s, route, ends, nil
}

// radii applies the standard's default radius and checks both.
func (s *PartnerSearch) radii() []error {
	return checkRadii(&s.FromRadiusKM, &s.ToRadiusKM)
}

func checkRadii(from, to *float64) []error {
	var errs []error
	radius := func(field string, km *float64) {
		if *km == 0 {
			*km = DefaultPartnerRadiusKM
		}
		if math.IsNaN(*km) || *km < 0 || *km > MaxRadiusKM {
			errs = append(errs, FieldErrorf(EINVALID, field, "%s must be between 0 and %d km", field, MaxRadiusKM))
		}
	}
	radius("departureRadius", from)
	radius("arrivalRadius", to)
	return errs
}

// PartnerMatch is a ride a partner's search found, with where and when the passenger
// boards and alights (exact; what a partner is shown is rounded).
type PartnerMatch struct {
	Ride            Ride
	Pickup, Dropoff Point
	PickupAt        time.Time
	Score           float64
}

// Merge combines the matches of the route search and of the ends search (see Query):
// a ride found along the route picks the passenger up where they asked; one found only
// at its ends, within each end's own radius, picks them up at its start. Best first (the
// searches' scores), at most s.Count.
func (s PartnerSearch) Merge(route, ends []RideMatch) []PartnerMatch {
	seen := map[string]bool{}
	out := []PartnerMatch{}
	for _, m := range route {
		seen[m.Ride.ID] = true
		out = append(out, PartnerMatch{Ride: m.Ride, Pickup: *s.From, Dropoff: *s.To, PickupAt: m.PickupAt, Score: m.Score})
	}
	for _, m := range ends {
		if seen[m.Ride.ID] || m.FromKM > s.FromRadiusKM || m.ToKM > s.ToRadiusKM {
			continue
		}
		out = append(out, PartnerMatch{Ride: m.Ride, Pickup: m.Ride.From.Point(), Dropoff: m.Ride.To.Point(),
			PickupAt: m.Ride.DepartAt, Score: m.Score})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score < b.Score
		}
		if !a.Ride.DepartAt.Equal(b.Ride.DepartAt) {
			return a.Ride.DepartAt.Before(b.Ride.DepartAt)
		}
		return a.Ride.ID < b.Ride.ID
	})
	if len(out) > s.Count {
		out = out[:s.Count]
	}
	return out
}
