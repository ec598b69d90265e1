package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// FleetUsage reads what a fleet report needs for the period f.Bounds spans: every pool
// car's use over the whole period and the sums of each span (week). It sends five
// queries whatever the number of spans: the cars, the reservations and the rides per car
// over the period, and the reservations and the rides per span, each grouped in the
// database. The spans are a small VALUES table joined to the rows of the period, so a
// year is one scan of its reservations and rides instead of one per week. With
// f.SiteID only that site's pool cars count, and the rides driven in them.
func (s *Store) FleetUsage(ctx context.Context, f carpool.FleetUsageFilter) (carpool.FleetUsage, error) {
	if len(f.Bounds) < 2 {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: %d span bounds, want at least 2", len(f.Bounds))
	}
	from, to := f.Bounds[0], f.Bounds[len(f.Bounds)-1]
	var out carpool.FleetUsage
	var err error
	if out.Cars, err = s.poolUsage(ctx, from, to, f.SiteID); err != nil {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: %w", err)
	}
	out.Spans = make([]carpool.SpanUsage, len(f.Bounds)-1)
	if err := s.spanReservations(ctx, f, out.Spans); err != nil {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: reservations per span: %w", err)
	}
	if err := s.spanRides(ctx, f, out.Spans); err != nil {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: rides per span: %w", err)
	}
	return out, nil
}

// poolUsage is Utilisation for the pool cars of one site, or of every site when siteID
// is empty.
func (s *Store) poolUsage(ctx context.Context, from, to time.Time, siteID string) ([]carpool.CarUsage, error) {
	if siteID == "" {
		return s.Utilisation(ctx, from, to)
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+carCols+` FROM cars WHERE kind = 'pool' AND site_id = $1 ORDER BY plate`, siteID)
	if err != nil {
		return nil, fmt.Errorf("cars: %w", err)
	}
	cars, err := collect(rows, scanCar)
	if err != nil {
		return nil, fmt.Errorf("cars: %w", err)
	}
	usage := make([]carpool.CarUsage, len(cars))
	index := make(map[string]int, len(cars))
	for i, c := range cars {
		usage[i].Car = c
		index[c.ID] = i
	}
	start, end := s.dialect.EpochSeconds("r.starts_at"), s.dialect.EpochSeconds("r.ends_at")
	held := `CAST(SUM((CASE WHEN ` + end + ` > $1 THEN $1 ELSE ` + end + ` END) -
		(CASE WHEN ` + start + ` < $2 THEN $2 ELSE ` + start + ` END)) AS DOUBLE PRECISION)`
	rows, err = s.read().QueryContext(ctx, `SELECT r.car_id, r.kind, `+held+` FROM reservations r
		JOIN cars c ON c.id = r.car_id AND c.kind = 'pool' AND c.site_id = $5
		WHERE r.status = 'active' AND r.starts_at < $3 AND r.ends_at > $4 GROUP BY r.car_id, r.kind`,
		epoch(to), epoch(from), ts(to), ts(from), siteID)
	if err != nil {
		return nil, fmt.Errorf("reservations: %w", err)
	}
	err = eachRow(rows, func(r rowScanner) error {
		var carID, kind string
		var seconds float64
		if err := r.Scan(&carID, &kind, &seconds); err != nil {
			return err
		}
		if i, ok := index[carID]; ok {
			addHeld(&usage[i].Reserved, &usage[i].Maintenance, kind, seconds)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reservations: %w", err)
	}
	rows, err = s.read().QueryContext(ctx, `SELECT r.car_id, COUNT(*), COALESCE(SUM(r.seats_taken), 0) FROM rides r
		JOIN cars c ON c.id = r.car_id AND c.kind = 'pool' AND c.site_id = $3
		WHERE r.status = 'open' AND r.depart_at >= $1 AND r.depart_at < $2 GROUP BY r.car_id`, ts(from), ts(to), siteID)
	if err != nil {
		return nil, fmt.Errorf("rides: %w", err)
	}
	err = eachRow(rows, func(r rowScanner) error {
		var carID string
		var n, seats int
		if err := r.Scan(&carID, &n, &seats); err != nil {
			return err
		}
		if i, ok := index[carID]; ok {
			usage[i].Rides, usage[i].SeatsShared = n, seats
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rides: %w", err)
	}
	return usage, nil
}

// spans writes the span bounds as a VALUES table spans(i, lo, hi) of epoch seconds,
// with its parameters after those already in a. Both engines read
// CAST(... AS DOUBLE PRECISION) and CAST(... AS INTEGER) alike.
func spans(a *args, bounds []time.Time) string {
	var b strings.Builder
	b.WriteString("spans (i, lo, hi) AS (VALUES ")
	for i := range len(bounds) - 1 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(CAST(%s AS INTEGER), CAST(%s AS DOUBLE PRECISION), CAST(%s AS DOUBLE PRECISION))",
			a.add(i), a.add(epoch(bounds[i])), a.add(epoch(bounds[i+1])))
	}
	b.WriteString(")")
	return b.String()
}

// spanReservations sums the reservation hours of each span, clipped to it. The
// reservations of the period are read once (by the index on their window) into a
// materialised table of epoch seconds, so the join with the spans compares numbers and
// converts no timestamp twice.
func (s *Store) spanReservations(ctx context.Context, f carpool.FleetUsageFilter, out []carpool.SpanUsage) error {
	var a args
	from, to := f.Bounds[0], f.Bounds[len(f.Bounds)-1]
	site := ""
	if f.SiteID != "" {
		site = " AND c.site_id = " + a.add(f.SiteID)
	}
	held := `WITH held AS MATERIALIZED (
			SELECT r.kind, ` + s.dialect.EpochSeconds("r.starts_at") + ` AS lo, ` + s.dialect.EpochSeconds("r.ends_at") + ` AS hi
			FROM reservations r JOIN cars c ON c.id = r.car_id AND c.kind = 'pool'` + site + `
			WHERE r.status = 'active' AND r.starts_at < ` + a.add(ts(to)) + ` AND r.ends_at > ` + a.add(ts(from)) + `), `
	q := held + spans(&a, f.Bounds) + `
		SELECT w.i, h.kind, CAST(SUM((CASE WHEN h.hi > w.hi THEN w.hi ELSE h.hi END) - (CASE WHEN h.lo < w.lo THEN w.lo ELSE h.lo END)) AS DOUBLE PRECISION)
		FROM held h JOIN spans w ON h.lo < w.hi AND h.hi > w.lo
		GROUP BY w.i, h.kind`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return err
	}
	return eachRow(rows, func(r rowScanner) error {
		var i int
		var kind string
		var seconds float64
		if err := r.Scan(&i, &kind, &seconds); err != nil {
			return err
		}
		if i >= 0 && i < len(out) {
			addHeld(&out[i].Reserved, &out[i].Maintenance, kind, seconds)
		}
		return nil
	})
}

// boundarySlack moves the span bounds half a millisecond earlier when rides are put in
// spans by their departure in epoch seconds: SQLite computes those from julianday, a
// double that can miss a whole second by some microseconds, and a ride that departs
// exactly at a bound (Monday 00:00) must fall in the span that starts there.
const boundarySlack = "0.0005"

// spanRides sums the rides that departed in each span, as RideFigures does for one.
func (s *Store) spanRides(ctx context.Context, f carpool.FleetUsageFilter, out []carpool.SpanUsage) error {
	var a args
	from, to := f.Bounds[0], f.Bounds[len(f.Bounds)-1]
	site := ""
	if f.SiteID != "" {
		site = " JOIN cars c ON c.id = r.car_id AND c.kind = 'pool' AND c.site_id = " + a.add(f.SiteID)
	}
	period := `WITH departed AS MATERIALIZED (
			SELECT r.seats_taken AS seats, ` + roadKM("r") + ` AS km, ` + s.dialect.EpochSeconds("r.depart_at") + ` AS at
			FROM rides r` + site + `
			WHERE r.status = 'open' AND r.depart_at >= ` + a.add(ts(from)) + ` AND r.depart_at < ` + a.add(ts(to)) + `), `
	q := period + spans(&a, f.Bounds) + `
		SELECT w.i, COUNT(*), COALESCE(SUM(CASE WHEN d.seats > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(d.seats), 0),
			CAST(COALESCE(SUM(d.seats * d.km), 0) AS DOUBLE PRECISION)
		FROM departed d JOIN spans w ON d.at >= w.lo - ` + boundarySlack + ` AND d.at < w.hi - ` + boundarySlack + `
		GROUP BY w.i`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return err
	}
	return eachRow(rows, func(r rowScanner) error {
		var i int
		var fig carpool.RideFigures
		if err := r.Scan(&i, &fig.Offered, &fig.Shared, &fig.SeatsFilled, &fig.PassengerKM); err != nil {
			return err
		}
		if i >= 0 && i < len(out) {
			out[i].Rides = fig
		}
		return nil
	})
}

// addHeld adds seconds of a reservation kind to the trip or maintenance total.
func addHeld(reserved, maintenance *time.Duration, kind string, seconds float64) {
	d := time.Duration(seconds * float64(time.Second)).Round(time.Second)
	if carpool.ReservationKind(kind) == carpool.ReservationMaintenance {
		*maintenance += d
	} else {
		*reserved += d
	}
}

// epoch is t in seconds since 1970, as EpochSeconds computes it in SQL.
func epoch(t time.Time) float64 { return float64(t.UnixMicro()) / 1e6 }
