package sqlstore

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

const seriesCols = `id, driver_id, car_id, from_label, from_lat, from_lon, to_label, to_lat, to_lon,
	weekdays, depart_time, time_zone, seats, booking_mode, notes, starts_on, ends_on,
	reserve_from, reserve_until, status, version, created_at, updated_at, detour_km, share_with_partners`

// dateCol scans a 'YYYY-MM-DD' column (” is the zero Date).
type dateCol struct{ d *carpool.Date }

func (c dateCol) Scan(v any) error {
	var s string
	if err := (strCol{&s}).Scan(v); err != nil {
		return err
	}
	if s == "" {
		*c.d = carpool.Date{}
		return nil
	}
	d, err := carpool.ParseDate(s)
	if err != nil {
		return err
	}
	*c.d = d
	return nil
}

// clockCol scans an 'HH:MM' column (” is the zero Clock).
type clockCol struct{ c *carpool.Clock }

func (c clockCol) Scan(v any) error {
	var s string
	if err := (strCol{&s}).Scan(v); err != nil {
		return err
	}
	if s == "" {
		*c.c = carpool.Clock{}
		return nil
	}
	k, err := carpool.ParseClock(s)
	if err != nil {
		return err
	}
	*c.c = k
	return nil
}

// clockText writes the daily reservation bounds; a private car's series has none.
func clockText(s carpool.Series, c carpool.Clock) string {
	if !s.UsesPoolCar() {
		return ""
	}
	return c.String()
}

func scanSeries(r rowScanner) (carpool.Series, error) {
	var x carpool.Series
	var days int
	err := r.Scan(&x.ID, &x.DriverID, &x.CarID, &x.From.Label, &x.From.Lat, &x.From.Lon,
		&x.To.Label, &x.To.Lat, &x.To.Lon, &days, clockCol{&x.DepartTime}, &x.TimeZone, &x.Seats,
		&x.BookingMode, &x.Notes, dateCol{&x.StartsOn}, dateCol{&x.EndsOn},
		clockCol{&x.ReserveFrom}, clockCol{&x.ReserveUntil}, &x.Status, &x.Version,
		timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt}, &x.DetourKM, sharingCol{&x.Sharing})
	x.Weekdays = carpool.Weekdays(days)
	return x, err
}

const occurrenceCols = "series_id, on_date, status, ride_id, reservation_id, created_at, updated_at"

func scanOccurrence(r rowScanner) (carpool.Occurrence, error) {
	var o carpool.Occurrence
	err := r.Scan(&o.SeriesID, dateCol{&o.On}, &o.Status, strCol{&o.RideID}, strCol{&o.ReservationID},
		timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt})
	return o, err
}

const subscriptionCols = "id, series_id, passenger_id, weekdays, seats, status, created_at, updated_at"

func scanSubscription(r rowScanner) (carpool.Subscription, error) {
	var x carpool.Subscription
	var days int
	err := r.Scan(&x.ID, &x.SeriesID, &x.PassengerID, &days, &x.Seats, &x.Status,
		timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt})
	x.Weekdays = carpool.Weekdays(days)
	return x, err
}

// Series returns the series with id.
func (s *Store) Series(ctx context.Context, id string) (carpool.Series, error) {
	sr, err := scanSeries(s.read().QueryRowContext(ctx, `SELECT `+seriesCols+` FROM ride_series WHERE id = $1`, id))
	if err != nil {
		return carpool.Series{}, fmt.Errorf("series: %w", notFound(err, "series"))
	}
	return sr, nil
}

// SeriesList returns the series a driver offers or a passenger rides in, newest first.
func (s *Store) SeriesList(ctx context.Context, f carpool.SeriesFilter) ([]carpool.Series, error) {
	var a args
	var conds []string
	if f.DriverID != "" {
		conds = append(conds, "driver_id = "+a.add(f.DriverID))
	}
	if f.SubscriberID != "" {
		conds = append(conds, "id IN (SELECT series_id FROM series_subscriptions WHERE status = 'active' AND passenger_id = "+a.add(f.SubscriberID)+")")
	}
	if len(conds) == 0 {
		return nil, fmt.Errorf("series list: %w", carpool.Errorf(carpool.EINVALID, "name a driver or a subscriber"))
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+seriesCols+` FROM ride_series`+where(conds)+
		` ORDER BY id DESC LIMIT `+a.add(carpool.MaxSeriesList), a...)
	if err != nil {
		return nil, fmt.Errorf("series list: %w", err)
	}
	list, err := collect(rows, scanSeries)
	if err != nil {
		return nil, fmt.Errorf("series list: %w", err)
	}
	return list, nil
}

// Occurrences returns the occurrences of the series on days from..to, by day.
func (s *Store) Occurrences(ctx context.Context, seriesIDs []string, from, to carpool.Date) ([]carpool.Occurrence, error) {
	if len(seriesIDs) == 0 {
		return nil, nil
	}
	var a args
	q := `SELECT ` + occurrenceCols + ` FROM series_occurrences WHERE series_id ` + s.dialect.InList(seriesIDs, a.add) +
		` AND on_date >= ` + a.add(from.String()) + ` AND on_date <= ` + a.add(to.String()) + ` ORDER BY on_date, series_id`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	out, err := collect(rows, scanOccurrence)
	if err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	return out, nil
}

// SeriesDaysMade returns, by series, the days from..to on which the series have an
// occurrence. Only the two key columns and no ORDER BY: Occurrences over 4,000 commutes'
// 40,000 days spent most of its time decoding the other columns and sorting.
func (s *Store) SeriesDaysMade(ctx context.Context, seriesIDs []string, from, to carpool.Date) (map[string][]carpool.Date, error) {
	made := make(map[string][]carpool.Date, len(seriesIDs))
	if len(seriesIDs) == 0 {
		return made, nil
	}
	var a args
	q := `SELECT series_id, on_date FROM series_occurrences WHERE series_id ` + s.dialect.InList(seriesIDs, a.add) +
		` AND on_date >= ` + a.add(from.String()) + ` AND on_date <= ` + a.add(to.String())
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("series days made: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var d carpool.Date
		if err := rows.Scan(&id, dateCol{&d}); err != nil {
			return nil, fmt.Errorf("series days made: %w", err)
		}
		made[id] = append(made[id], d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("series days made: %w", err)
	}
	return made, nil
}

// Subscriptions returns the active subscriptions of a series or a passenger.
func (s *Store) Subscriptions(ctx context.Context, f carpool.SubscriptionFilter) ([]carpool.Subscription, error) {
	var a args
	conds := []string{"status = 'active'"}
	if f.SeriesID != "" {
		conds = append(conds, "series_id = "+a.add(f.SeriesID))
	}
	if f.PassengerID != "" {
		conds = append(conds, "passenger_id = "+a.add(f.PassengerID))
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+subscriptionCols+` FROM series_subscriptions`+where(conds)+` ORDER BY id`, a...)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	out, err := collect(rows, scanSubscription)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	return out, nil
}

// ActiveSeries returns the active series that may still have days to make on or after
// since, whose driver is still active (a deactivated driver offers nothing any more).
func (s *Store) ActiveSeries(ctx context.Context, since carpool.Date) ([]carpool.Series, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+seriesCols+` FROM ride_series
		WHERE status = 'active' AND (ends_on = '' OR ends_on >= $1)
		  AND driver_id IN (SELECT id FROM members WHERE deactivated_at IS NULL) ORDER BY id`, since.String())
	if err != nil {
		return nil, fmt.Errorf("active series: %w", err)
	}
	list, err := collect(rows, scanSeries)
	if err != nil {
		return nil, fmt.Errorf("active series: %w", err)
	}
	return list, nil
}
