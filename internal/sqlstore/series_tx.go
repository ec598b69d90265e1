package sqlstore

import (
	"context"

	"carpool/internal/carpool"
)

// The commute (series) part of carpool.Tx.

func (u *unit) LockSeries(ctx context.Context, id string) (carpool.Series, error) {
	if err := knownID(id, "series"); err != nil {
		return carpool.Series{}, err
	}
	sr, err := scanSeries(u.tx.QueryRowContext(ctx, `SELECT `+seriesCols+` FROM ride_series WHERE id = $1`+u.s.dialect.ForUpdate(), id))
	return sr, notFound(err, "series")
}

func (u *unit) InsertSeries(ctx context.Context, sr carpool.Series) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO ride_series (`+seriesCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
		$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)`,
		sr.ID, sr.DriverID, sr.CarID, sr.From.Label, sr.From.Lat, sr.From.Lon, sr.To.Label, sr.To.Lat, sr.To.Lon,
		int(sr.Weekdays), sr.DepartTime.String(), sr.TimeZone, sr.Seats, string(sr.BookingMode), sr.Notes,
		sr.StartsOn.String(), sr.EndsOn.String(), clockText(sr, sr.ReserveFrom), clockText(sr, sr.ReserveUntil),
		string(sr.Status), sr.Version, ts(sr.CreatedAt), ts(sr.UpdatedAt), sr.DetourKM, sharingArg(sr.Sharing))
	return u.s.constraint(err, carpool.EINVALID, "car_id")
}

func (u *unit) SaveSeries(ctx context.Context, sr carpool.Series) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE ride_series SET depart_time = $1, seats = $2, booking_mode = $3,
		starts_on = $4, ends_on = $5, status = $6, version = $7, updated_at = $8, detour_km = $9,
		share_with_partners = $10 WHERE id = $11`,
		sr.DepartTime.String(), sr.Seats, string(sr.BookingMode), sr.StartsOn.String(), sr.EndsOn.String(),
		string(sr.Status), sr.Version, ts(sr.UpdatedAt), sr.DetourKM, sharingArg(sr.Sharing), sr.ID)
	if err != nil {
		return u.s.constraint(err, carpool.EINVALID, "")
	}
	return mustAffect(res, "series")
}

func (u *unit) SeriesDays(ctx context.Context, seriesID string, from carpool.Date) ([]carpool.Occurrence, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+occurrenceCols+` FROM series_occurrences
		WHERE series_id = $1 AND on_date >= $2 ORDER BY on_date`, seriesID, from.String())
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOccurrence)
}

func (u *unit) InsertOccurrence(ctx context.Context, o carpool.Occurrence) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO series_occurrences (`+occurrenceCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		o.SeriesID, o.On.String(), string(o.Status), null(o.RideID), null(o.ReservationID), ts(o.CreatedAt), ts(o.UpdatedAt))
	return u.s.constraint(err, carpool.ECONFLICT, "date")
}

func (u *unit) SaveOccurrence(ctx context.Context, o carpool.Occurrence) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE series_occurrences SET status = $1, ride_id = $2, reservation_id = $3, updated_at = $4
		WHERE series_id = $5 AND on_date = $6`,
		string(o.Status), null(o.RideID), null(o.ReservationID), ts(o.UpdatedAt), o.SeriesID, o.On.String())
	if err != nil {
		return u.s.constraint(err, carpool.ECONFLICT, "date")
	}
	return mustAffect(res, "occurrence")
}

func (u *unit) ActiveSubscriptions(ctx context.Context, seriesID string) ([]carpool.Subscription, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+subscriptionCols+` FROM series_subscriptions
		WHERE series_id = $1 AND status = 'active' ORDER BY id`, seriesID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSubscription)
}

func (u *unit) InsertSubscription(ctx context.Context, sub carpool.Subscription) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO series_subscriptions (`+subscriptionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		sub.ID, sub.SeriesID, sub.PassengerID, int(sub.Weekdays), sub.Seats, string(sub.Status), ts(sub.CreatedAt), ts(sub.UpdatedAt))
	return u.s.dialect.Translate(err)
}

func (u *unit) SaveSubscription(ctx context.Context, sub carpool.Subscription) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE series_subscriptions SET status = $1, updated_at = $2 WHERE id = $3`,
		string(sub.Status), ts(sub.UpdatedAt), sub.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "subscription")
}

func (u *unit) ActiveCommutes(ctx context.Context, driverID string) (int, error) {
	var n int
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ride_series WHERE driver_id = $1 AND status = 'active'`, driverID).Scan(&n)
	return n, err
}
