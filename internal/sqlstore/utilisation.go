package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// Utilisation aggregates, per pool car (retired ones too), how long reservations held
// it within [from, to) (each clipped to the window, split into trips and maintenance),
// and the rides that departed in the window with the passenger seats they carried. Two
// grouped queries, whatever the size of the fleet.
func (s *Store) Utilisation(ctx context.Context, from, to time.Time) ([]carpool.CarUsage, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+carCols+` FROM cars WHERE kind = 'pool' ORDER BY site_id, plate`)
	if err != nil {
		return nil, fmt.Errorf("utilisation: %w", err)
	}
	cars, err := collect(rows, scanCar)
	if err != nil {
		return nil, fmt.Errorf("utilisation: %w", err)
	}
	usage := make([]carpool.CarUsage, len(cars))
	index := make(map[string]int, len(cars))
	for i, c := range cars {
		usage[i].Car = c
		index[c.ID] = i
	}

	start, end := s.dialect.EpochSeconds("starts_at"), s.dialect.EpochSeconds("ends_at")
	fromS, toS := float64(from.UnixMicro())/1e6, float64(to.UnixMicro())/1e6
	held := `CAST(SUM((CASE WHEN ` + end + ` > $1 THEN $1 ELSE ` + end + ` END) -
		(CASE WHEN ` + start + ` < $2 THEN $2 ELSE ` + start + ` END)) AS DOUBLE PRECISION)`
	rows, err = s.read().QueryContext(ctx, `SELECT car_id, kind, `+held+` FROM reservations
		WHERE status = 'active' AND starts_at < $3 AND ends_at > $4 GROUP BY car_id, kind`,
		toS, fromS, ts(to), ts(from))
	if err != nil {
		return nil, fmt.Errorf("utilisation: reservations: %w", err)
	}
	err = eachRow(rows, func(r rowScanner) error {
		var carID, kind string
		var seconds float64
		if err := r.Scan(&carID, &kind, &seconds); err != nil {
			return err
		}
		i, ok := index[carID]
		if !ok {
			return nil
		}
		d := time.Duration(seconds * float64(time.Second)).Round(time.Second)
		if carpool.ReservationKind(kind) == carpool.ReservationMaintenance {
			usage[i].Maintenance += d
		} else {
			usage[i].Reserved += d
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("utilisation: reservations: %w", err)
	}

	rows, err = s.read().QueryContext(ctx, `SELECT car_id, COUNT(*), COALESCE(SUM(seats_taken), 0) FROM rides
		WHERE status = 'open' AND depart_at >= $1 AND depart_at < $2 GROUP BY car_id`, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("utilisation: rides: %w", err)
	}
	err = eachRow(rows, func(r rowScanner) error {
		var carID string
		var rides, seats int
		if err := r.Scan(&carID, &rides, &seats); err != nil {
			return err
		}
		if i, ok := index[carID]; ok {
			usage[i].Rides, usage[i].SeatsShared = rides, seats
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("utilisation: rides: %w", err)
	}
	return usage, nil
}

// eachRow calls fn for every row and closes rows.
func eachRow(rows *sql.Rows, fn func(rowScanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
