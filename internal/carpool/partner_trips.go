package carpool

import (
	"context"
	"math"
	"sort"
	"time"
)

// Limits of a partner's search for regular trips (commutes).
const (
	// DefaultPartnerTripWindow is how far ahead of now a search without dates looks: the
	// horizon commutes are planned over.
	DefaultPartnerTripWindow = DefaultSeriesHorizon
	// MaxPartnerTripWindow bounds maxDepartureDate - minDepartureDate: each trip lists
	// its dates in the window, and twelve weeks of weekdays keep that list short.
	MaxPartnerTripWindow = MaxSeriesHorizon
	// MaxPartnerTripDelta bounds timeDelta for a time of day: half a day either side
	// already covers the whole clock.
	MaxPartnerTripDelta = 12 * time.Hour
)

// PartnerTripSearch is a partner's search for regular driver trips, in the standard's
// terms: both ends, a time of day with a margin, the weekdays wished (zero: any), a
// radius per end and the dates the trip must run between.
type PartnerTripSearch struct {
	From, To     *Point
	TimeOfDay    *Clock
	Weekdays     Weekdays
	TimeDelta    time.Duration
	FromRadiusKM float64
	ToRadiusKM   float64
	MinDepartAt  time.Time // zero: now
	MaxDepartAt  time.Time // zero: DefaultPartnerTripWindow after MinDepartAt
	Count        int
}

// Normalize applies the standard's defaults and checks s, naming every parameter at
// fault by its name in the standard.
func (s PartnerTripSearch) Normalize(now time.Time) (PartnerTripSearch, error) {
	var errs []error
	if s.From == nil || validateCoordinates("", s.From.Lat, s.From.Lon) != nil {
		errs = append(errs, FieldErrorf(EINVALID, "departureLat", "departureLat and departureLng are required, within range"))
	}
	if s.To == nil || validateCoordinates("", s.To.Lat, s.To.Lon) != nil {
		errs = append(errs, FieldErrorf(EINVALID, "arrivalLat", "arrivalLat and arrivalLng are required, within range"))
	}
	if s.TimeOfDay == nil || validateClock("departureTimeOfDay", *s.TimeOfDay) != nil {
		errs = append(errs, FieldErrorf(EINVALID, "departureTimeOfDay", "departureTimeOfDay is required, as HH:MM:SS"))
	}
	if s.Weekdays == 0 {
		s.Weekdays = AllWeekdays
	}
	if s.TimeDelta == 0 {
		s.TimeDelta = DefaultPartnerTimeDelta
	}
	if s.TimeDelta < 0 || s.TimeDelta > MaxPartnerTripDelta {
		errs = append(errs, FieldErrorf(EINVALID, "timeDelta", "timeDelta must be between 0 and %d seconds", int(MaxPartnerTripDelta/time.Second)))
	}
	errs = append(errs, checkRadii(&s.FromRadiusKM, &s.ToRadiusKM)...)
	if s.Count < 0 {
		errs = append(errs, FieldErrorf(EINVALID, "count", "count must be positive"))
	}
	if s.Count == 0 || s.Count > MaxPartnerJourneys {
		s.Count = MaxPartnerJourneys
	}
	if s.MinDepartAt.Before(now) {
		s.MinDepartAt = Timestamp(now)
	}
	if s.MaxDepartAt.IsZero() {
		s.MaxDepartAt = s.MinDepartAt.Add(DefaultPartnerTripWindow)
	}
	switch {
	case s.MaxDepartAt.Before(s.MinDepartAt):
		errs = append(errs, FieldErrorf(EINVALID, "maxDepartureDate", "maxDepartureDate must not be before minDepartureDate (or now)"))
	case s.MaxDepartAt.Sub(s.MinDepartAt) > MaxPartnerTripWindow:
		errs = append(errs, FieldErrorf(EINVALID, "maxDepartureDate", "maxDepartureDate may lie at most %s after minDepartureDate (or now)", days(MaxPartnerTripWindow)))
	}
	return s, JoinInvalid(errs...)
}

// PartnerTrip is a commute a partner's search found: where the passenger boards and
// alights (exact; what a partner is shown is rounded), how long after the commute's
// departure the pickup is, and the days in the search's window on which it leaves.
type PartnerTrip struct {
	Series          Series
	Pickup, Dropoff Point
	PickupAfter     time.Duration
	Departures      []time.Time
	Score           float64
}

// PickupClock is the commute's local time of day at the pickup.
func (t PartnerTrip) PickupClock() Clock {
	m := (t.Series.DepartTime.minutes() + int(t.PickupAfter/time.Minute)) % (24 * 60)
	return Clock{Hour: m / 60, Minute: m % 60}
}

// Match reports whether commute sr serves the normalised search s, as a ride search
// would match one of its days: along its route within its detour budget (boarding where
// asked) or at its ends within the radii (walking to them); at the asked time of day
// within timeDelta, read on the commute's own clock (a commuter's "07:30" is local); on
// an asked weekday; leaving at least once between the search's dates. skipped says which
// of its days the driver took out.
func (s PartnerTripSearch) Match(sr Series, skipped func(Date) bool) (PartnerTrip, bool) {
	if sr.Status != SeriesActive || sr.Weekdays&s.Weekdays == 0 {
		return PartnerTrip{}, false
	}
	t := PartnerTrip{Series: sr}
	in := Insert(sr.From.Point(), sr.To.Point(), s.From, s.To)
	fromKM, toKM := DistanceKM(*s.From, sr.From.Point()), DistanceKM(*s.To, sr.To.Point())
	switch {
	case in.DetourKM <= sr.DetourKM+detourSlack:
		t.Pickup, t.Dropoff, t.Score = *s.From, *s.To, in.DetourKM
		t.PickupAfter = TravelTime(in.PickupKM)
	case fromKM <= s.FromRadiusKM && toKM <= s.ToRadiusKM:
		t.Pickup, t.Dropoff, t.Score = sr.From.Point(), sr.To.Point(), fromKM+toKM
	default:
		return PartnerTrip{}, false
	}
	off := clockDistance(t.PickupClock(), *s.TimeOfDay)
	if time.Duration(off)*time.Minute > s.TimeDelta {
		return PartnerTrip{}, false
	}
	t.Score += float64(off) / MinutesPerKM
	loc := sr.Location()
	last := DateOf(s.MaxDepartAt.In(loc))
	for d := DateOf(s.MinDepartAt.In(loc)); !d.After(last); d = d.AddDays(1) {
		if !sr.Runs(d) || !s.Weekdays.Has(d.Weekday()) || skipped(d) {
			continue
		}
		if at := sr.DepartAt(d); !at.Before(s.MinDepartAt) && !at.After(s.MaxDepartAt) {
			t.Departures = append(t.Departures, at)
		}
	}
	if len(t.Departures) == 0 {
		return PartnerTrip{}, false
	}
	return t, true
}

// clockDistance is how many minutes apart two times of day are, round the clock (23:50
// and 00:10 are 20 minutes apart).
func clockDistance(a, b Clock) int {
	d := int(math.Abs(float64(a.minutes() - b.minutes())))
	return min(d, 24*60-d)
}

// RankTrips orders the matches best first (score, then the earliest departure, then the
// id, so the order is stable) and keeps at most s.Count.
func (s PartnerTripSearch) RankTrips(trips []PartnerTrip) []PartnerTrip {
	sort.SliceStable(trips, func(i, j int) bool {
		a, b := trips[i], trips[j]
		if a.Score != b.Score {
			return a.Score < b.Score
		}
		if !a.Departures[0].Equal(b.Departures[0]) {
			return a.Departures[0].Before(b.Departures[0])
		}
		return a.Series.ID < b.Series.ID
	})
	if len(trips) > s.Count {
		trips = trips[:s.Count]
	}
	return trips
}

// PartnerSeriesStore reads the commutes partners may see.
type PartnerSeriesStore interface {
	// SharedSeries returns the active commutes of active drivers that run on or after
	// since and whose sharing (PartnerSharing.Shares) publishes them, at most
	// MaxSharedSeries, oldest first.
	SharedSeries(ctx context.Context, since Date) ([]Series, error)
}

// MaxSharedSeries bounds the commutes one partner search reads; the matching is the
// domain's, in memory, over what a company's members drive.
const MaxSharedSeries = 5000
