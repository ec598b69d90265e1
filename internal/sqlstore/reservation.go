package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"carpool/internal/carpool"
)

const reservationCols = "id, car_id, member_id, kind, starts_at, ends_at, status, cancelled_by, created_at, updated_at"

func scanReservation(r rowScanner) (carpool.Reservation, error) {
	var x carpool.Reservation
	err := r.Scan(&x.ID, &x.CarID, &x.MemberID, &x.Kind, timeCol{&x.Start}, timeCol{&x.End}, &x.Status,
		strCol{&x.CancelledBy}, timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt})
	return x, err
}

func (s *Store) insertReservation(ctx context.Context, tx *sql.Tx, r carpool.Reservation) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reservations (`+reservationCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, r.CarID, r.MemberID, string(r.Kind), ts(r.Start), ts(r.End), string(r.Status), null(r.CancelledBy),
		ts(r.CreatedAt), ts(r.UpdatedAt))
	return s.constraint(err, carpool.ECONFLICT, "start")
}

// Reservation returns the reservation with id.
func (s *Store) Reservation(ctx context.Context, id string) (carpool.Reservation, error) {
	if err := knownID(id, "reservation"); err != nil {
		return carpool.Reservation{}, fmt.Errorf("reservation: %w", err)
	}
	r, err := scanReservation(s.read().QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations WHERE id = $1`, id))
	if err != nil {
		return carpool.Reservation{}, fmt.Errorf("reservation: %w", notFound(err, "reservation"))
	}
	return r, nil
}

// Reservations returns a page of the reservations the filter selects, in id order.
func (s *Store) Reservations(ctx context.Context, f carpool.ReservationFilter, p carpool.Page) ([]carpool.Reservation, string, error) {
	if !knownIDs(f.CarID, f.MemberID) {
		return nil, "", nil
	}
	var a args
	var conds []string
	if f.CarID != "" {
		conds = append(conds, "car_id = "+a.add(f.CarID))
	}
	if f.MemberID != "" {
		conds = append(conds, "member_id = "+a.add(f.MemberID))
	}
	if f.ActiveOnly {
		conds = append(conds, "status = 'active'")
	}
	if !f.End.IsZero() {
		conds = append(conds, "starts_at < "+a.add(ts(f.End)))
	}
	if !f.Start.IsZero() {
		conds = append(conds, "ends_at > "+a.add(ts(f.Start)))
	}
	return listPage(ctx, s, "reservations", reservationCols, conds, a, p, scanReservation, func(x carpool.Reservation) string { return x.ID })
}
