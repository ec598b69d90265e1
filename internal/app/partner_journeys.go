package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// PartnerJourney is one ride as a partner operator sees it. It holds no name, phone or
// e-mail by construction: the driver is the partner's alias, and every place is rounded
// (carpool.Approximate) so a shared ride tells the neighbourhood, not the house.
type PartnerJourney struct {
	RideID      string
	DriverAlias string
	// From and To are the driver's ends; the passenger is picked up at From and dropped
	// at To (the ends search matches there).
	From, To   carpool.Point
	DepartAt   time.Time
	FreeSeats  int
	DistanceKM float64
	Duration   time.Duration
}

// DriverJourneys returns the open rides with free seats that match a partner's search,
// among the rides of drivers who share them, best first, at most s.Count.
func (a *App) DriverJourneys(ctx context.Context, p carpool.Partner, s carpool.PartnerSearch) ([]PartnerJourney, error) {
	s, q, err := s.Query(a.Now())
	if err != nil {
		return nil, err
	}
	// Every match, then each end's own radius: the store searches with the wider one.
	matches, err := a.store.SearchRides(ctx, q, 0, 0)
	if err != nil {
		return nil, err
	}
	out := []PartnerJourney{}
	for _, m := range matches {
		if !s.Keep(m) {
			continue
		}
		r := m.Ride
		km := carpool.RoadKM(r.From.Point(), r.To.Point())
		out = append(out, PartnerJourney{
			RideID: r.ID, DriverAlias: p.DriverAlias(r.DriverID),
			From: carpool.Approximate(r.From.Point()), To: carpool.Approximate(r.To.Point()),
			DepartAt: r.DepartAt, FreeSeats: r.FreeSeats(), DistanceKM: km, Duration: carpool.TravelTime(km),
		})
		if len(out) == s.Count {
			break
		}
	}
	return out, nil
}
