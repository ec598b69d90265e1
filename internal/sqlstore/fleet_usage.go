package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// FleetUsage reads what a fleet report needs for the period f.Bounds spans: every pool
// car's use over the whole period and the sums of each span (week). It sends three
// queries whatever the number of spans: the pool cars, then one grouped query over the
// period's reservations and one over its rides. Each row's span is computed from its
// time by arithmetic (spanOf), so the database groups the rows by car and span in one
// pass: no join with the spans, no sort of the period's rows. Cars and spans are then
// summed here from a few thousand groups. With f.SiteID only that site's pool cars
// count, and the rides driven in them; without it the spans' rides are every ride of
// the fleet, private cars included.
func (s *Store) FleetUsage(ctx context.Context, f carpool.FleetUsageFilter) (carpool.FleetUsage, error) {
	if len(f.Bounds) < 2 {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: %d span bounds, want at least 2", len(f.Bounds))
	}
	for i := 1; i < len(f.Bounds); i++ {
		if !f.Bounds[i].After(f.Bounds[i-1]) {
			return carpool.FleetUsage{}, fmt.Errorf("fleet usage: span bound %d is not after the one before", i)
		}
	}
	cars, err := s.poolCarList(ctx, f.SiteID)
	if err != nil {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: cars: %w", err)
	}
	out := carpool.FleetUsage{Cars: make([]carpool.CarUsage, len(cars)), Spans: make([]carpool.SpanUsage, len(f.Bounds)-1)}
	index := make(map[string]int, len(cars))
	for i, c := range cars {
		out.Cars[i].Car = c
		index[c.ID] = i
	}
	if err := s.usageReservations(ctx, f, index, &out); err != nil {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: reservations: %w", err)
	}
	if err := s.usageRides(ctx, f, index, &out); err != nil {
		return carpool.FleetUsage{}, fmt.Errorf("fleet usage: rides: %w", err)
	}
	return out, nil
}

// poolCarList is the pool cars of one site, or of every site when siteID is empty, in
// the order Utilisation returns them.
func (s *Store) poolCarList(ctx context.Context, siteID string) ([]carpool.Car, error) {
	var a args
	rows, err := s.read().QueryContext(ctx, `SELECT `+carCols+` FROM cars WHERE kind = 'pool'`+
		siteCond(&a, siteID)+` ORDER BY site_id, plate`, a...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCar)
}

func siteCond(a *args, siteID string) string {
	if siteID == "" {
		return ""
	}
	return " AND site_id = " + a.add(siteID)
}

// week is the length of the regular spans spanOf computes by division.
const week = 7 * 24 * time.Hour

// spanSlack moves times half a millisecond later before they are divided into weeks:
// SQLite computes seconds from julianday, a double that can miss a whole second by some
// microseconds, and a ride that departs exactly at a bound (Monday 00:00) must fall in
// the span that starts there. Bounds between irregular spans are compared exactly.
const spanSlack = 0.0005

// spanOf is the SQL of the span [Bounds[j], Bounds[j+1]) that holds the time in column
// col (whose seconds since 1970 are epochCol), without a join or a sort. The first and
// last spans, and every span that is not exactly a week long (a week across a
// daylight-saving change has 167 or 169 hours), are one branch each, chosen by
// comparing the column with the span's end as it is stored. A run of consecutive spans
// of exactly a week is one branch that divides by the week. A year in a zone with
// daylight saving is then about seven branches. Times before the first bound are in
// the first span, times at or after the last in the last: the callers select or clip
// to the period.
func spanOf(a *args, col, epochCol string, bounds []time.Time) string {
	n := len(bounds) - 1
	if n == 1 {
		return "0"
	}
	regular := func(j int) bool { return bounds[j+1].Sub(bounds[j]) == week }
	var b strings.Builder
	b.WriteString("(CASE WHEN " + col + " < " + a.add(ts(bounds[1])) + " THEN 0")
	for j := 1; j < n-1; {
		if !regular(j) {
			fmt.Fprintf(&b, " WHEN %s < %s THEN %d", col, a.add(ts(bounds[j+1])), j)
			j++
			continue
		}
		end := j
		for end+1 < n-1 && regular(end+1) {
			end++
		}
		fmt.Fprintf(&b, " WHEN %s < %s THEN %d + CAST(floor((%s - %s) / %s) AS INTEGER)", col, a.add(ts(bounds[end+1])), j,
			epochCol, float(epoch(bounds[j])-spanSlack), float(week.Seconds()))
		j = end + 1
	}
	fmt.Fprintf(&b, " ELSE %d END)", n-1)
	return b.String()
}

// float writes x as an SQL literal.
func float(x float64) string {
	return "CAST(" + strconv.FormatFloat(x, 'f', -1, 64) + " AS DOUBLE PRECISION)"
}

// usageReservations reads the reservations of the period in one query grouped by car,
// kind and the spans of their start and end, with the sums of their starts and ends
// clipped to the period (in seconds since its start, so that sums of many keep
// sub-second precision in a double).
//
// A car's time held is the sum of its ends minus the sum of its starts. A span's is
// sum(clip_j(end)) - sum(clip_j(start)), where clip_j moves a time into span j (to its
// start if before, its end if after): per span that needs only how many starts (ends)
// fell before it, how many after, and the sum of those in it, which the groups give
// after a prefix sum over the spans.
func (s *Store) usageReservations(ctx context.Context, f carpool.FleetUsageFilter, index map[string]int, out *carpool.FleetUsage) error {
	var a args
	from, to := f.Bounds[0], f.Bounds[len(f.Bounds)-1]
	base := epoch(from)
	fromP, toP := a.add(ts(from)), a.add(ts(to))
	lo := "(CASE WHEN r.starts_at < " + fromP + " THEN 0 ELSE " + s.dialect.EpochSeconds("r.starts_at") + " - " + float(base) + " END)"
	hi := "(CASE WHEN r.ends_at > " + toP + " THEN " + float(epoch(to)-base) + " ELSE " + s.dialect.EpochSeconds("r.ends_at") + " - " + float(base) + " END)"
	startSpan := spanOf(&a, "r.starts_at", s.dialect.EpochSeconds("r.starts_at"), f.Bounds)
	endSpan := spanOf(&a, "r.ends_at", s.dialect.EpochSeconds("r.ends_at"), f.Bounds)
	q := `SELECT r.car_id, r.kind, ` + startSpan + `, ` + endSpan + `, COUNT(*),
			CAST(SUM(` + lo + `) AS DOUBLE PRECISION), CAST(SUM(` + hi + `) AS DOUBLE PRECISION)
		FROM reservations r
		WHERE r.status = 'active' AND r.starts_at < ` + toP + ` AND r.ends_at > ` + fromP + siteCars(&a, f.SiteID) + `
		GROUP BY 1, 2, 3, 4`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return err
	}
	n := len(out.Spans)
	type sums struct{ count, sum [2][]float64 } // [edge][span]: edge 0 starts, 1 ends
	byKind := map[string]*sums{}
	type carKind struct{ car, kind string }
	held := map[carKind]float64{}
	err = eachRow(rows, func(r rowScanner) error {
		var carID, kind string
		var startSpan, endSpan, count int
		var sumLo, sumHi float64
		if err := r.Scan(&carID, &kind, &startSpan, &endSpan, &count, &sumLo, &sumHi); err != nil {
			return err
		}
		if _, ok := index[carID]; !ok {
			return nil // not a pool car of the report (see siteCars)
		}
		held[carKind{carID, kind}] += sumHi - sumLo
		k := byKind[kind]
		if k == nil {
			k = &sums{}
			for e := range 2 {
				k.count[e], k.sum[e] = make([]float64, n), make([]float64, n)
			}
			byKind[kind] = k
		}
		for e, i := range [2]int{startSpan, endSpan} {
			i = min(max(i, 0), n-1)
			k.count[e][i] += float64(count)
		}
		k.sum[0][min(max(startSpan, 0), n-1)] += sumLo
		k.sum[1][min(max(endSpan, 0), n-1)] += sumHi
		return nil
	})
	if err != nil {
		return err
	}
	for ck, seconds := range held {
		if i, ok := index[ck.car]; ok {
			addHeld(&out.Cars[i].Reserved, &out.Cars[i].Maintenance, ck.kind, seconds)
		}
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
			addHeld(&out.Spans[j].Reserved, &out.Spans[j].Maintenance, kind, clipped[1][j]-clipped[0][j])
		}
	}
	return nil
}

// usageRides reads the rides that departed in the period in one query grouped by pool
// car (rides in other cars: one group without a car) and span, as RideFigures sums them.
func (s *Store) usageRides(ctx context.Context, f carpool.FleetUsageFilter, index map[string]int, out *carpool.FleetUsage) error {
	var a args
	from, to := f.Bounds[0], f.Bounds[len(f.Bounds)-1]
	car := "r.car_id"
	cond := " AND r.car_id IN (" + poolCars(&a, f.SiteID) + ")"
	if f.SiteID == "" {
		// The fleet's spans count every ride, those in private cars too.
		car, cond = "CASE WHEN r.car_id IN ("+poolCars(&a, "")+") THEN r.car_id ELSE '' END", ""
	}
	span := spanOf(&a, "r.depart_at", s.dialect.EpochSeconds("r.depart_at"), f.Bounds)
	q := `SELECT ` + car + `, ` + span + `, COUNT(*), COALESCE(SUM(CASE WHEN r.seats_taken > 0 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(r.seats_taken), 0),
			CAST(COALESCE(SUM(CASE WHEN r.seats_taken > 0 THEN r.seats_taken * r.road_km ELSE 0 END), 0) AS DOUBLE PRECISION)
		FROM rides r
		WHERE r.status = 'open' AND r.depart_at >= ` + a.add(ts(from)) + ` AND r.depart_at < ` + a.add(ts(to)) + cond + `
		GROUP BY 1, 2`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return err
	}
	return eachRow(rows, func(r rowScanner) error {
		var carID string
		var i int
		var fig carpool.RideFigures
		if err := r.Scan(&carID, &i, &fig.Offered, &fig.Shared, &fig.SeatsFilled, &fig.PassengerKM); err != nil {
			return err
		}
		if c, ok := index[carID]; ok {
			out.Cars[c].Rides += fig.Offered
			out.Cars[c].SeatsShared += fig.SeatsFilled
		}
		i = min(max(i, 0), len(out.Spans)-1)
		out.Spans[i].Rides = out.Spans[i].Rides.Add(fig)
		return nil
	})
}

// siteCars is the SQL condition that keeps a site's reservations to its pool cars. The
// fleet's report has none: every group whose car is not a pool car is left out as it is
// read, because with the condition SQLite read the period's reservations car by car
// through the cars' index, every reservation each car had since it was added, and
// looked each up in the table, instead of the period's rows from the window index.
func siteCars(a *args, siteID string) string {
	if siteID == "" {
		return ""
	}
	return " AND r.car_id IN (" + poolCars(a, siteID) + ")"
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
