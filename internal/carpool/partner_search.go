package carpool

import (
	"math"
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

// Query checks s and returns the ride search that serves it, with the rides of sharing
// drivers only and a radius wide enough for both ends (Keep narrows each end after).
// Field errors use the standard's parameter names.
func (s PartnerSearch) Query(now time.Time) (PartnerSearch, RideQuery, error) {
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
	radius := func(field string, km *float64) {
		if *km == 0 {
			*km = DefaultPartnerRadiusKM
		}
		if math.IsNaN(*km) || *km < 0 || *km > MaxRadiusKM {
			errs = append(errs, FieldErrorf(EINVALID, field, "%s must be between 0 and %d km", field, MaxRadiusKM))
		}
	}
	radius("departureRadius", &s.FromRadiusKM)
	radius("arrivalRadius", &s.ToRadiusKM)
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
		return s, RideQuery{}, err
	}
	q := RideQuery{From: s.From, To: s.To, RadiusKM: math.Max(s.FromRadiusKM, s.ToRadiusKM),
		DepartAfter: s.DepartAt.Add(-s.TimeDelta), DepartBefore: s.DepartAt.Add(s.TimeDelta), Shared: true}
	if !q.DepartBefore.After(now) {
		// The whole window has passed: nothing can depart in it.
		q.DepartAfter, q.DepartBefore = now, now
	}
	q, err := q.Normalize(now)
	return s, q, err
}

// Keep reports whether a match lies within each end's own radius.
func (s PartnerSearch) Keep(m RideMatch) bool {
	return m.FromKM <= s.FromRadiusKM && m.ToKM <= s.ToRadiusKM
}
