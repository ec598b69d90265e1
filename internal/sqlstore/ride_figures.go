package sqlstore

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// RideFigures sums the rides f selects with one aggregate query.
func (s *Store) RideFigures(ctx context.Context, f carpool.RideFigureFilter) (carpool.RideFigures, error) {
	var a args
	conds := []string{"r.status = 'open'", "r.depart_at >= " + a.add(ts(f.From)), "r.depart_at < " + a.add(ts(f.To))}
	if f.DriverID != "" {
		conds = append(conds, "r.driver_id = "+a.add(f.DriverID))
	}
	seats, from := "r.seats_taken", "rides r"
	if f.PassengerID != "" {
		// A passenger's figures count their own confirmed seats on the rides they took.
		seats, from = "b.seats", "rides r JOIN bookings b ON b.ride_id = r.id AND b.status = 'confirmed'"
		conds = append(conds, "b.passenger_id = "+a.add(f.PassengerID))
	}
	q := `SELECT COUNT(*), COALESCE(SUM(CASE WHEN ` + seats + ` > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(` + seats + `), 0),
		CAST(COALESCE(SUM(` + seats + ` * r.road_km), 0) AS DOUBLE PRECISION) FROM ` + from + where(conds)
	var out carpool.RideFigures
	if err := s.read().QueryRowContext(ctx, q, a...).Scan(&out.Offered, &out.Shared, &out.SeatsFilled, &out.PassengerKM); err != nil {
		return carpool.RideFigures{}, fmt.Errorf("ride figures: %w", err)
	}
	return out, nil
}
