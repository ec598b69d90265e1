package carpool

import "time"

// SpanUsage is what one span of a report (a week, clipped to the period) holds: the
// hours reservations held the pool cars, split into trips and maintenance, and the rides
// that departed in it.
type SpanUsage struct {
	Reserved    time.Duration
	Maintenance time.Duration
	Rides       RideFigures
}

// FleetUsage is what a fleet report reads from the store for the period
// [Bounds[0], Bounds[len-1]): each pool car's use over the whole period and the sums of
// every span [Bounds[i], Bounds[i+1]).
type FleetUsage struct {
	Cars  []CarUsage
	Spans []SpanUsage
}

// FleetUsageFilter selects what FleetUsage reads: the consecutive span bounds (at least
// two, ascending) and, when SiteID is set, only that site's pool cars, the reservations
// of those cars and the rides driven in them.
type FleetUsageFilter struct {
	Bounds []time.Time
	SiteID string
}
