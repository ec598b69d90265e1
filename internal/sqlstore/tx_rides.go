package sqlstore

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// The reservation and ride parts of carpool.Tx.

func (u *unit) LockReservation(ctx context.Context, id string) (carpool.Reservation, error) {
	if err := knownID(id, "reservation"); err != nil {
		return carpool.Reservation{}, err
	}
	r, err := scanReservation(u.tx.QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations WHERE id = $1`+u.s.dialect.ForUpdate(), id))
	return r, notFound(err, "reservation")
}

func (u *unit) ActiveReservations(ctx context.Context, carID string, start, end time.Time) ([]carpool.Reservation, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+reservationCols+` FROM reservations
		WHERE car_id = $1 AND status = 'active' AND starts_at < $2 AND $3 < ends_at
		ORDER BY starts_at`, carID, ts(end), ts(start))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanReservation)
}

func (u *unit) ActiveTrips(ctx context.Context, memberID string, now time.Time) (int, error) {
	var n int
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reservations
		WHERE member_id = $1 AND kind = 'trip' AND status = 'active' AND ends_at > $2`, memberID, ts(now)).Scan(&n)
	return n, err
}

func (u *unit) OpenRidesOnReservation(ctx context.Context, reservationID string, now time.Time) (int, error) {
	var n int
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rides
		WHERE reservation_id = $1 AND status = 'open' AND depart_at > $2`, reservationID, ts(now)).Scan(&n)
	return n, err
}

func (u *unit) InsertReservation(ctx context.Context, r carpool.Reservation) error {
	return u.s.insertReservation(ctx, u.tx, r)
}

func (u *unit) SaveReservation(ctx context.Context, r carpool.Reservation) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE reservations SET status = $1, cancelled_by = $2, updated_at = $3 WHERE id = $4`,
		string(r.Status), null(r.CancelledBy), ts(r.UpdatedAt), r.ID)
	if err != nil {
		return u.s.constraint(err, carpool.ECONFLICT, "")
	}
	return mustAffect(res, "reservation")
}

func (u *unit) LoadRideBook(ctx context.Context, rideID, wantID string) (*carpool.RideBook, error) {
	return u.s.loadRideBook(ctx, u.tx, rideID, wantID)
}

func (u *unit) SaveRideBook(ctx context.Context, rb *carpool.RideBook) error {
	return u.s.writeChange(ctx, u.tx, rb)
}

func (u *unit) InsertRide(ctx context.Context, r carpool.Ride) error {
	return u.s.insertRide(ctx, u.tx, r)
}

func (u *unit) OpenRidesOffered(ctx context.Context, driverID string, now time.Time) (int, error) {
	var n int
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rides r
		WHERE r.driver_id = $1 AND r.status = 'open' AND r.depart_at > $2
		  AND NOT EXISTS (SELECT 1 FROM series_occurrences o WHERE o.ride_id = r.id)`, driverID, ts(now)).Scan(&n)
	return n, err
}

func (u *unit) OpenRides(ctx context.Context, driverID string, now time.Time) (int, error) {
	var n int
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rides WHERE driver_id = $1 AND status = 'open' AND depart_at > $2`,
		driverID, ts(now)).Scan(&n)
	return n, err
}

func (u *unit) RideOfBooking(ctx context.Context, bookingID string) (string, error) {
	if err := knownID(bookingID, "booking"); err != nil {
		return "", err
	}
	var rideID string
	err := u.tx.QueryRowContext(ctx, `SELECT ride_id FROM bookings WHERE id = $1`, bookingID).Scan(&rideID)
	return rideID, notFound(err, "booking")
}
