package carpool

import (
	"context"
	"time"
)

// RideHomeFigures is what the fleet report says of guaranteed rides home in a period:
// the requests made, and how they stand (approved with a pool car or a taxi, declined,
// or still waiting for a fleet manager).
type RideHomeFigures struct {
	Requests int
	PoolCar  int
	Taxi     int
	Declined int
	Pending  int
}

// Approved is how many requests were approved, by either means.
func (f RideHomeFigures) Approved() int { return f.PoolCar + f.Taxi }

// RideHomeReportStore reads the ride-home figures of reports.
type RideHomeReportStore interface {
	// RideHomeFigures counts the requests made in [from, to), of one site's rides when
	// siteID is set.
	RideHomeFigures(ctx context.Context, from, to time.Time, siteID string) (RideHomeFigures, error)
}
