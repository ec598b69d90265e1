package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// Rides home: carpool.RideHomeStore and the carpool.RideHomeTx part of the unit.

const rideHomeCols = `id, member_id, booking_id, ride_id, site_id, note, status, means, reservation_id, voucher,
	reason, decided_by, created_at, decided_at`

func scanRideHome(r rowScanner) (carpool.RideHomeRequest, error) {
	var q carpool.RideHomeRequest
	var status, means string
	err := r.Scan(&q.ID, &q.MemberID, &q.BookingID, &q.RideID, &q.SiteID, &q.Note, &status, &means,
		strCol{&q.ReservationID}, &q.Voucher, &q.Reason, strCol{&q.DecidedBy}, timeCol{&q.CreatedAt}, timeCol{&q.DecidedAt})
	q.Status, q.Means = carpool.RideHomeStatus(status), carpool.RideHomeMeans(means)
	return q, err
}

// RideHome implements carpool.RideHomeStore.
func (s *Store) RideHome(ctx context.Context, id string) (carpool.RideHomeRequest, error) {
	if !knownIDs(id) {
		return carpool.RideHomeRequest{}, carpool.Errorf(carpool.ENOTFOUND, "ride home request not found")
	}
	q, err := scanRideHome(s.read().QueryRowContext(ctx, `SELECT `+rideHomeCols+` FROM ride_home_requests WHERE id = $1`, id))
	if err != nil {
		return carpool.RideHomeRequest{}, fmt.Errorf("ride home: %w", notFound(err, "ride home request"))
	}
	return q, nil
}

// RideHomes implements carpool.RideHomeStore: newest first, so the cursor is the last
// id shown and the next page holds smaller ones (ids grow with time).
func (s *Store) RideHomes(ctx context.Context, f carpool.RideHomeFilter, p carpool.Page) ([]carpool.RideHomeRequest, string, error) {
	p, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	after, err := p.After()
	if err != nil {
		return nil, "", err
	}
	var a args
	q := `SELECT ` + rideHomeCols + ` FROM ride_home_requests WHERE 1 = 1`
	if f.MemberID != "" {
		q += ` AND member_id = ` + a.add(f.MemberID)
	}
	if f.Status != "" {
		q += ` AND status = ` + a.add(string(f.Status))
	}
	if after != "" {
		q += ` AND id < ` + a.add(after)
	}
	q += ` ORDER BY id DESC LIMIT ` + a.add(p.Limit+1)
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, "", fmt.Errorf("rides home: %w", err)
	}
	items, err := collect(rows, scanRideHome)
	if err != nil {
		return nil, "", fmt.Errorf("rides home: %w", err)
	}
	items, next := carpool.PageOf(items, p.Limit, func(q carpool.RideHomeRequest) string { return q.ID })
	return items, next, nil
}

func (u *unit) RideHomesSince(ctx context.Context, memberID string, since time.Time) (int, error) {
	var n int
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ride_home_requests
		WHERE member_id = $1 AND created_at >= $2 AND status <> 'declined'`, memberID, ts(since)).Scan(&n)
	return n, err
}

func (u *unit) InsertRideHome(ctx context.Context, q carpool.RideHomeRequest) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO ride_home_requests (`+rideHomeCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		q.ID, q.MemberID, q.BookingID, q.RideID, q.SiteID, q.Note, string(q.Status), string(q.Means), null(q.ReservationID),
		q.Voucher, q.Reason, null(q.DecidedBy), ts(q.CreatedAt), nullTime(q.DecidedAt))
	if err != nil {
		return u.s.constraint(err, carpool.ECONFLICT, "booking_id")
	}
	return nil
}

func (u *unit) LockRideHome(ctx context.Context, id string) (carpool.RideHomeRequest, error) {
	if err := knownID(id, "ride home request"); err != nil {
		return carpool.RideHomeRequest{}, err
	}
	q, err := scanRideHome(u.tx.QueryRowContext(ctx, `SELECT `+rideHomeCols+` FROM ride_home_requests WHERE id = $1`+u.s.dialect.ForUpdate(), id))
	return q, notFound(err, "ride home request")
}

func (u *unit) SaveRideHome(ctx context.Context, q carpool.RideHomeRequest) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE ride_home_requests SET status = $1, means = $2, reservation_id = $3,
		voucher = $4, reason = $5, decided_by = $6, decided_at = $7 WHERE id = $8`,
		string(q.Status), string(q.Means), null(q.ReservationID), q.Voucher, q.Reason, null(q.DecidedBy), nullTime(q.DecidedAt), q.ID)
	if err != nil {
		return u.s.constraint(err, carpool.EINVALID, "")
	}
	return mustAffect(res, "ride home request")
}

func (u *unit) ForgetRideHomeNotes(ctx context.Context, memberID string) error {
	_, err := u.tx.ExecContext(ctx, `UPDATE ride_home_requests SET note = '' WHERE member_id = $1`, memberID)
	return err
}
