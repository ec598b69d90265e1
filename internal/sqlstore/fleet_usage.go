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
		WHERE r.car_id IN (SELECT id FROM cars WHERE kind = 'pool' AND site_id = $5)
		AND r.status = 'active' AND r.starts_at < $3 AND r.ends_at > $4 GROUP BY r.car_id, r.kind`,
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
		WHERE r.car_id IN (SELECT id FROM cars WHERE kind = 'pool' AND site_id = $3)
		AND r.status = 'open' AND r.depart_at >= $1 AND r.depart_at < $2 GROUP BY r.car_id`, ts(from), ts(to), siteID)
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

// spans writes the span bounds as a VALUES table spans(i, lo, hi) of seconds since the
// period's start (relative, so that sums of many of them keep sub-second precision in a
// double), with its parameters after those already in a. Both engines read
// CAST(... AS DOUBLE PRECISION) and CAST(... AS INTEGER) alike.
func spans(a *args, bounds []time.Time) string {
	var b strings.Builder
	b.WriteString("spans (i, lo, hi) AS (VALUES ")
	base := epoch(bounds[0])
	for i := range len(bounds) - 1 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(CAST(%s AS INTEGER), CAST(%s AS DOUBLE PRECISION), CAST(%s AS DOUBLE PRECISION))",
			a.add(i), a.add(epoch(bounds[i])-base), a.add(epoch(bounds[i+1])-base))
	}
	b.WriteString(")")
	return b.String()
}

// spanOf is the SQL that numbers the rows of a union of span starts (mark 1) and of
// times (mark 0) with the span each time falls in: the number of span starts at or
// before it (startsFirst: a time equal to a start is in the span that starts there) or
// strictly before it (an end equal to a start is in the span before), minus one. One
// sort of the period's rows instead of comparing each row with every span.
func spanOf(startsFirst bool) string {
	order := "t, mark DESC"
	if !startsFirst {
		order = "t, mark"
	}
	return "SUM(mark) OVER (ORDER BY " + order + " ROWS UNBOUNDED PRECEDING) - 1"
}

// spanReservations sums the reservation hours of each span, clipped to it. The
// reservations of the period are read once (by the index on their window) into a
// materialised table of seconds since the period's start, clipped to the period. A
// reservation [lo, hi) holds span j for clip_j(hi) - clip_j(lo), where clip_j moves a
// time into the span (to its start if before it, its end if after it); summed over the
// reservations that is, per span, a sum over the starts and a sum over the ends, each
// needing only how many fell before the span, how many after, and the sum of those in
// it. So the starts and ends are put in their spans by one sort (spanOf) and grouped by
// kind, span and whether they start or end: no join, one pass over the period's rows.
func (s *Store) spanReservations(ctx context.Context, f carpool.FleetUsageFilter, out []carpool.SpanUsage) error {
	var a args
	from, to := f.Bounds[0], f.Bounds[len(f.Bounds)-1]
	cars := poolCars(&a, f.SiteID)
	start, end := s.dialect.EpochSeconds("r.starts_at"), s.dialect.EpochSeconds("r.ends_at")
	base, span := epoch(from), epoch(to)-epoch(from)
	lo := "(CASE WHEN " + start + " < " + a.add(base) + " THEN 0 ELSE " + start + " - " + a.add(base) + " END)"
	hi := "(CASE WHEN " + end + " > " + a.add(epoch(to)) + " THEN " + a.add(span) + " ELSE " + end + " - " + a.add(base) + " END)"
	q := `WITH held AS MATERIALIZED (
			SELECT r.kind, CAST(` + lo + ` AS DOUBLE PRECISION) AS lo, CAST(` + hi + ` AS DOUBLE PRECISION) AS hi
			FROM reservations r
			WHERE r.car_id IN (` + cars + `) AND r.status = 'active' AND r.starts_at < ` + a.add(ts(to)) + ` AND r.ends_at > ` + a.add(ts(from)) + `), ` +
		spans(&a, f.Bounds) + `,
		numbered AS (SELECT kind, edge, t, mark, ` + spanOf(true) + ` AS i FROM (
			SELECT '' AS kind, 0 AS edge, lo AS t, 1 AS mark FROM spans
			UNION ALL SELECT kind, 0, lo, 0 FROM held
			UNION ALL SELECT kind, 1, hi, 0 FROM held) m)
		SELECT kind, edge, i, COUNT(*), CAST(SUM(t) AS DOUBLE PRECISION) FROM numbered WHERE mark = 0 GROUP BY kind, edge, i`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return err
	}
	n := len(out)
	type sums struct{ count, sum [2][]float64 } // [edge][span]: edge 0 starts, 1 ends
	byKind := map[string]*sums{}
	err = eachRow(rows, func(r rowScanner) error {
		var kind string
		var edge, i, count int
		var sum float64
		if err := r.Scan(&kind, &edge, &i, &count, &sum); err != nil {
			return err
		}
		k := byKind[kind]
		if k == nil {
			k = &sums{}
			for e := range 2 {
				k.count[e], k.sum[e] = make([]float64, n), make([]float64, n)
			}
			byKind[kind] = k
		}
		i, edge = min(max(i, 0), n-1), min(max(edge, 0), 1)
		k.count[edge][i] += float64(count)
		k.sum[edge][i] += sum
		return nil
	})
	if err != nil {
		return err
	}
	bounds := make([]float64, len(f.Bounds))
	for i, b := range f.Bounds {
		bounds[i] = epoch(b) - base
	}
	for kind, k := range byKind {
		// clipped[e] is, for span j, the sum over every start (e=0) or end (e=1) of
		// clip_j of it.
		var clipped [2][]float64
		for e := range 2 {
			clipped[e] = make([]float64, n)
			total := 0.0
			for _, c := range k.count[e] {
				total += c
			}
			before := 0.0
			for j := range n {
				after := total - before - k.count[e][j]
				clipped[e][j] = bounds[j]*before + k.sum[e][j] + bounds[j+1]*after
				before += k.count[e][j]
			}
		}
		for j := range n {
			addHeld(&out[j].Reserved, &out[j].Maintenance, kind, clipped[1][j]-clipped[0][j])
		}
	}
	return nil
}

// boundarySlack moves the span starts half a millisecond earlier when rides are put in
// spans by their departure in seconds: SQLite computes those from julianday, a double
// that can miss a whole second by some microseconds, and a ride that departs exactly at
// a bound (Monday 00:00) must fall in the span that starts there.
const boundarySlack = "0.0005"

// spanRides sums the rides that departed in each span, as RideFigures does for one,
// putting each ride in its span by one sort (spanOf).
func (s *Store) spanRides(ctx context.Context, f carpool.FleetUsageFilter, out []carpool.SpanUsage) error {
	var a args
	from, to := f.Bounds[0], f.Bounds[len(f.Bounds)-1]
	site := ""
	if f.SiteID != "" {
		site = " AND r.car_id IN (" + poolCars(&a, f.SiteID) + ")"
	}
	q := `WITH departed AS MATERIALIZED (
			SELECT r.seats_taken AS seats, CAST(` + roadKM("r") + ` AS DOUBLE PRECISION) AS km,
				CAST(` + s.dialect.EpochSeconds("r.depart_at") + ` - ` + a.add(epoch(from)) + ` AS DOUBLE PRECISION) AS t
			FROM rides r
			WHERE r.status = 'open' AND r.depart_at >= ` + a.add(ts(from)) + ` AND r.depart_at < ` + a.add(ts(to)) + site + `), ` +
		spans(&a, f.Bounds) + `,
		numbered AS (SELECT mark, seats, km, ` + spanOf(true) + ` AS i FROM (
			SELECT lo - ` + boundarySlack + ` AS t, 1 AS mark, 0 AS seats, CAST(0 AS DOUBLE PRECISION) AS km FROM spans
			UNION ALL SELECT t, 0, seats, km FROM departed) m)
		SELECT i, COUNT(*), COALESCE(SUM(CASE WHEN seats > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(seats), 0),
			CAST(COALESCE(SUM(seats * km), 0) AS DOUBLE PRECISION)
		FROM numbered WHERE mark = 0
		GROUP BY i`
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

// poolCars is the SQL of the ids of the pool cars (of one site when siteID is set). It
// goes in an IN list rather than a join: with a join SQLite read the period's rows car by
// car through the cars' index, every reservation a car ever had that started before the
// period's end, instead of the period's rows by the reservation window index.
func poolCars(a *args, siteID string) string {
	if siteID == "" {
		return "SELECT id FROM cars WHERE kind = 'pool'"
	}
	return "SELECT id FROM cars WHERE kind = 'pool' AND site_id = " + a.add(siteID)
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
