package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// rideHomeFigures counts the rides home asked for in [from, to) for a report: every
// request of the fleet, or of one site's rides when siteID is set. It sits beside the
// report so that a guaranteed ride home, which costs the company a car or a taxi, is
// seen where the fleet's other costs are.
func (a *App) rideHomeFigures(ctx context.Context, siteID string, from, to time.Time) (carpool.RideHomeFigures, error) {
	f, err := a.store.RideHomeFigures(ctx, carpool.Timestamp(from), carpool.Timestamp(to), siteID)
	if err != nil {
		return carpool.RideHomeFigures{}, fmt.Errorf("report rides home: %w", err)
	}
	return f, nil
}
