package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// RideHomeFigures implements carpool.RideHomeReportStore with one grouped count.
func (s *Store) RideHomeFigures(ctx context.Context, from, to time.Time, siteID string) (carpool.RideHomeFigures, error) {
	var a args
	q := `SELECT status, means, COUNT(*) FROM ride_home_requests
		WHERE created_at >= ` + a.add(ts(from)) + ` AND created_at < ` + a.add(ts(to))
	if siteID != "" {
		q += ` AND site_id = ` + a.add(siteID)
	}
	q += ` GROUP BY status, means`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return carpool.RideHomeFigures{}, fmt.Errorf("ride-home figures: %w", err)
	}
	defer rows.Close()
	var f carpool.RideHomeFigures
	for rows.Next() {
		var status, means string
		var n int
		if err := rows.Scan(&status, &means, &n); err != nil {
			return carpool.RideHomeFigures{}, fmt.Errorf("ride-home figures: %w", err)
		}
		f.Requests += n
		switch {
		case status == string(carpool.RideHomeDeclined):
			f.Declined += n
		case status == string(carpool.RideHomeRequested):
			f.Pending += n
		case means == string(carpool.RideHomePoolCar):
			f.PoolCar += n
		case means == string(carpool.RideHomeTaxi):
			f.Taxi += n
		}
	}
	if err := rows.Err(); err != nil {
		return carpool.RideHomeFigures{}, fmt.Errorf("ride-home figures: %w", err)
	}
	return f, nil
}
