package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const reservationCols = "id, car_id, member_id, kind, starts_at, ends_at, status, cancelled_by, created_at, updated_at"

func scanReservation(r rowScanner) (carpool.Reservation, error) {
	var x carpool.Reservation
	err := r.Scan(&x.ID, &x.CarID, &x.MemberID, &x.Kind, timeCol{&x.Start}, timeCol{&x.End}, &x.Status,
		strCol{&x.CancelledBy}, timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt})
	return x, err
}

// CreateReservation checks the request against the car as it is in the transaction and
// stores it with its outbox event; ECONFLICT if it overlaps an active reservation.
//
// Concurrent requests for one car are serialised by the car's row lock (PostgreSQL) or by
// the single immediate write transaction (SQLite), so the overlap check below sees every
// reservation committed before; the schema refuses an overlap again (exclusion constraint,
// trigger) should any path bypass this.
func (s *Store) CreateReservation(ctx context.Context, carID string, by carpool.Member, kind carpool.ReservationKind, start, end time.Time) (carpool.Reservation, error) {
	var out carpool.Reservation
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		car, err := s.lockCar(ctx, tx, carID)
		if err != nil {
			return err
		}
		r, err := carpool.NewReservation(car, by, kind, start, end, now)
		if err != nil {
			return err
		}
		if err := s.lockMember(ctx, tx, by.ID); err != nil {
			return err
		}
		var held int
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reservations
			WHERE member_id = $1 AND kind = 'trip' AND status = 'active' AND ends_at > $2`, by.ID, ts(now)).Scan(&held)
		if err != nil {
			return err
		}
		if err := s.limits.CheckReservation(by, r.Kind, r.Start, r.End, now, held); err != nil {
			return err
		}
		var clash string
		err = tx.QueryRowContext(ctx, `SELECT id FROM reservations
			WHERE car_id = $1 AND status = 'active' AND starts_at < $2 AND $3 < ends_at
			ORDER BY starts_at LIMIT 1`, r.CarID, r.End, r.Start).Scan(&clash)
		switch {
		case err == nil:
			return carpool.FieldErrorf(carpool.ECONFLICT, "start", "the car is already reserved during that time")
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := s.insertReservation(ctx, tx, r); err != nil {
			return err
		}
		out = r
		return s.insertEvents(ctx, tx, carpool.ReservationEvent(carpool.EventReservationCreated, r, now))
	})
	if err != nil {
		return carpool.Reservation{}, fmt.Errorf("create reservation: %w", err)
	}
	return out, nil
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

// CancelReservation ends an active reservation (its holder or a fleet manager) and writes
// its outbox event.
func (s *Store) CancelReservation(ctx context.Context, id string, by carpool.Member) (carpool.Reservation, error) {
	var out carpool.Reservation
	if err := knownID(id, "reservation"); err != nil {
		return out, fmt.Errorf("cancel reservation: %w", err)
	}
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		r, err := scanReservation(tx.QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations WHERE id = $1`+s.dialect.ForUpdate(), id))
		if err != nil {
			return notFound(err, "reservation")
		}
		if err := r.Cancel(by, now); err != nil {
			return err
		}
		// A ride in a pool car rests on its driver's reservation; cancelling the
		// reservation silently would leave passengers booked into a car nobody holds.
		var rides int
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rides
			WHERE reservation_id = $1 AND status = 'open' AND depart_at > $2`, r.ID, ts(now)).Scan(&rides)
		if err != nil {
			return err
		}
		if rides > 0 {
			return carpool.Errorf(carpool.ECONFLICT, "%d open rides use this reservation: cancel them first", rides)
		}
		_, err = tx.ExecContext(ctx, `UPDATE reservations SET status = $1, cancelled_by = $2, updated_at = $3 WHERE id = $4`,
			string(r.Status), null(r.CancelledBy), ts(r.UpdatedAt), r.ID)
		if err != nil {
			return s.constraint(err, carpool.ECONFLICT, "")
		}
		out = r
		return s.insertEvents(ctx, tx, carpool.ReservationEvent(carpool.EventReservationCancelled, r, now))
	})
	if err != nil {
		return carpool.Reservation{}, fmt.Errorf("cancel reservation: %w", err)
	}
	return out, nil
}
