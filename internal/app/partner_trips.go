package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// PartnerTrip is one commute as a partner operator sees it: like PartnerJourney, the
// driver is an alias and every place is rounded; no name, phone or e-mail.
type PartnerTrip struct {
	SeriesID        string
	DriverAlias     string
	From, To        carpool.Point
	Pickup, Dropoff carpool.Point
	// Weekdays are the asked days the commute runs on; PickupTime its local time at the
	// pickup.
	Weekdays   carpool.Weekdays
	PickupTime carpool.Clock
	// PickupAfter is how long after each departure the pickup is.
	PickupAfter time.Duration
	// Departures are the commute's departures in the search's window, skipped days left
	// out: the dates it is valid on. Location is the commute's zone, whose calendar
	// says which weekday each one is.
	Departures []time.Time
	Location   *time.Location
	DistanceKM float64
	Duration   time.Duration
}

// DriverRegularTrips returns the commutes that match a partner's search for regular
// trips, among those their drivers share, best first, at most s.Count.
func (a *App) DriverRegularTrips(ctx context.Context, p carpool.Partner, s carpool.PartnerTripSearch) ([]PartnerTrip, error) {
	now := a.Now()
	s, err := s.Normalize(now)
	if err != nil {
		return nil, err
	}
	series, err := a.store.SharedSeries(ctx, carpool.DateOf(s.MinDepartAt).AddDays(-1))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(series))
	drivers := make([]string, len(series))
	for i, sr := range series {
		ids[i], drivers[i] = sr.ID, sr.DriverID
	}
	// Days a driver skipped are no departures; one day of slack on each side covers
	// every zone's "today".
	days, err := a.store.Occurrences(ctx, ids, carpool.DateOf(s.MinDepartAt).AddDays(-1), carpool.DateOf(s.MaxDepartAt).AddDays(1))
	if err != nil {
		return nil, err
	}
	gone := map[string]map[carpool.Date]bool{}
	for _, o := range days {
		if o.Status == carpool.OccurrenceScheduled {
			continue
		}
		if gone[o.SeriesID] == nil {
			gone[o.SeriesID] = map[carpool.Date]bool{}
		}
		gone[o.SeriesID][o.On] = true
	}
	members, err := a.membersByID(ctx, drivers)
	if err != nil {
		return nil, err
	}
	var found []carpool.PartnerTrip
	for _, sr := range series {
		// The store selected shared commutes; the domain's rule has the last word.
		if !sr.Sharing.Shares(members[sr.DriverID].ShareWithPartners) {
			continue
		}
		if t, ok := s.Match(sr, func(d carpool.Date) bool { return gone[sr.ID][d] }); ok {
			found = append(found, t)
		}
	}
	out := []PartnerTrip{}
	for _, t := range s.RankTrips(found) {
		sr := t.Series
		km := carpool.RoadKM(t.Pickup, t.Dropoff)
		out = append(out, PartnerTrip{
			SeriesID: sr.ID, DriverAlias: p.DriverAlias(sr.DriverID),
			From: carpool.Approximate(sr.From.Point()), To: carpool.Approximate(sr.To.Point()),
			Pickup: carpool.Approximate(t.Pickup), Dropoff: carpool.Approximate(t.Dropoff),
			Weekdays: sr.Weekdays & s.Weekdays, PickupTime: t.PickupClock(), PickupAfter: t.PickupAfter,
			Departures: t.Departures, Location: sr.Location(), DistanceKM: km, Duration: carpool.TravelTime(km),
		})
	}
	return out, nil
}
