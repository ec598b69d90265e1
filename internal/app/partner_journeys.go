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
	// From and To are the driver's ends; Pickup and Dropoff the passenger's (the asked
	// places when the ride passes by them, the ride's ends when the passenger walks).
	From, To        carpool.Point
	Pickup, Dropoff carpool.Point
	DepartAt        time.Time
	PickupAt        time.Time
	FreeSeats       int
	// DistanceKM and Duration are the passenger's part of the ride, by road.
	DistanceKM float64
	Duration   time.Duration
}

// DriverJourneys returns the open rides with free seats that match a partner's search,
// as a member's search matches them (along the route within each ride's detour budget,
// or at the ends within the asked radii), among the rides their drivers share, best
// first, at most s.Count.
func (a *App) DriverJourneys(ctx context.Context, p carpool.Partner, s carpool.PartnerSearch) ([]PartnerJourney, error) {
	s, route, ends, err := s.Query(a.Now())
	if err != nil {
		return nil, err
	}
	var along []carpool.RideMatch
	if route.Route {
		if along, err = a.store.SearchRides(ctx, route, 0, 0); err != nil {
			return nil, err
		}
	}
	near, err := a.store.SearchRides(ctx, ends, 0, 0)
	if err != nil {
		return nil, err
	}
	matches := s.Merge(along, near)
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.Ride.DriverID
	}
	drivers, err := a.membersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []PartnerJourney{}
	for _, m := range matches {
		r := m.Ride
		// The store selected shared rides; the domain's rule has the last word.
		if !r.Sharing.Shares(drivers[r.DriverID].ShareWithPartners) {
			continue
		}
		km := carpool.RoadKM(m.Pickup, m.Dropoff)
		out = append(out, PartnerJourney{
			RideID: r.ID, DriverAlias: p.DriverAlias(r.DriverID),
			From: carpool.Approximate(r.From.Point()), To: carpool.Approximate(r.To.Point()),
			Pickup: carpool.Approximate(m.Pickup), Dropoff: carpool.Approximate(m.Dropoff),
			DepartAt: r.DepartAt, PickupAt: m.PickupAt, FreeSeats: r.FreeSeats(),
			DistanceKM: km, Duration: carpool.TravelTime(km),
		})
	}
	return out, nil
}
