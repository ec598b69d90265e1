package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// No-shows: the carpool.NoShowTx part of the unit and the carpool.NoShowStore reads. A
// passenger's mark of a driver lives in driver_no_shows; a driver's mark of a passenger
// is the no_show_at of the passenger's proof record. Who may mark whom is the domain's.

const driverNoShowCols = "booking_id, ride_id, driver_id, passenger_id, at"

func scanDriverNoShow(r rowScanner) (carpool.DriverNoShow, error) {
	var n carpool.DriverNoShow
	err := r.Scan(&n.BookingID, &n.RideID, &n.DriverID, &n.PassengerID, timeCol{&n.At})
	return n, err
}

func driverNoShow(ctx context.Context, q queryer, bookingID string) (carpool.DriverNoShow, error) {
	if err := knownID(bookingID, "driver no-show"); err != nil {
		return carpool.DriverNoShow{}, err
	}
	n, err := scanDriverNoShow(q.QueryRowContext(ctx, `SELECT `+driverNoShowCols+` FROM driver_no_shows WHERE booking_id = $1`, bookingID))
	return n, notFound(err, "driver no-show")
}

// DriverNoShow implements carpool.NoShowStore.
func (s *Store) DriverNoShow(ctx context.Context, bookingID string) (carpool.DriverNoShow, error) {
	return driverNoShow(ctx, s.read(), bookingID)
}

// NoShowCounts implements carpool.NoShowStore.
func (s *Store) NoShowCounts(ctx context.Context, from, to time.Time) ([]carpool.NoShowCount, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT member_id, SUM(as_passenger), SUM(as_driver) FROM (
			SELECT passenger_id AS member_id, 1 AS as_passenger, 0 AS as_driver FROM proof_records
			WHERE no_show_at >= $1 AND no_show_at < $2
			UNION ALL
			SELECT driver_id, 0, 1 FROM driver_no_shows WHERE at >= $1 AND at < $2
		) marks GROUP BY member_id ORDER BY member_id`, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("no-show counts: %w", err)
	}
	out, err := collect(rows, func(r rowScanner) (carpool.NoShowCount, error) {
		var c carpool.NoShowCount
		err := r.Scan(&c.MemberID, &c.AsPassenger, &c.AsDriver)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("no-show counts: %w", err)
	}
	return out, nil
}

// MemberDriverNoShows implements carpool.NoShowStore.
func (s *Store) MemberDriverNoShows(ctx context.Context, memberID string) ([]carpool.DriverNoShow, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+driverNoShowCols+` FROM driver_no_shows
		WHERE driver_id = $1 OR passenger_id = $1 ORDER BY at, booking_id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("member driver no-shows: %w", err)
	}
	out, err := collect(rows, scanDriverNoShow)
	if err != nil {
		return nil, fmt.Errorf("member driver no-shows: %w", err)
	}
	return out, nil
}

func (u *unit) DriverNoShowOf(ctx context.Context, bookingID string) (carpool.DriverNoShow, error) {
	return driverNoShow(ctx, u.tx, bookingID)
}

func (u *unit) InsertDriverNoShow(ctx context.Context, n carpool.DriverNoShow) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO driver_no_shows (`+driverNoShowCols+`) VALUES ($1, $2, $3, $4, $5)`,
		n.BookingID, n.RideID, n.DriverID, n.PassengerID, ts(n.At))
	if err != nil {
		return u.s.constraint(err, carpool.ECONFLICT, "booking_id")
	}
	return nil
}

func (u *unit) NoShowsSince(ctx context.Context, memberID string, since time.Time) (int, error) {
	var n int
	err := u.tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM proof_records WHERE passenger_id = $1 AND no_show_at >= $2) +
		(SELECT COUNT(*) FROM driver_no_shows WHERE driver_id = $1 AND at >= $2)`, memberID, ts(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("no-shows since: %w", err)
	}
	return n, nil
}

func (u *unit) EraseDriverNoShows(ctx context.Context, memberID string) error {
	if _, err := u.tx.ExecContext(ctx, `DELETE FROM driver_no_shows WHERE driver_id = $1 OR passenger_id = $1`, memberID); err != nil {
		return fmt.Errorf("erase driver no-shows: %w", err)
	}
	return nil
}
