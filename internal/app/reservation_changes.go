package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// createReservation checks the request against the car as it is under the car's lock,
// and stores it with its event. Requests for one car queue on that lock (PostgreSQL) or
// on the single writing transaction (SQLite), so the overlap check sees every
// reservation committed before; the schema refuses an overlap again (exclusion
// constraint, trigger) should any path get past it.
func (a *App) createReservation(ctx context.Context, carID string, by carpool.Member, kind carpool.ReservationKind, start, end time.Time) (carpool.Reservation, error) {
	var out carpool.Reservation
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		r, err := a.reserveIn(ctx, tx, carID, by, kind, start, end)
		out = r
		return err
	})
	if err != nil {
		if a.reservationRefused != nil {
			a.reservationRefused(err)
		}
		return carpool.Reservation{}, fmt.Errorf("create reservation: %w", err)
	}
	return out, nil
}

// reserveIn makes a reservation for by inside tx, so that a use case making one as part
// of a larger change (a ride home approved with a pool car) applies the same rules.
func (a *App) reserveIn(ctx context.Context, tx carpool.Tx, carID string, by carpool.Member, kind carpool.ReservationKind, start, end time.Time) (carpool.Reservation, error) {
	now := tx.Now()
	car, err := tx.LockCar(ctx, carID)
	if err != nil {
		return carpool.Reservation{}, err
	}
	r, err := carpool.NewReservation(car, by, kind, start, end, now)
	if err != nil {
		return carpool.Reservation{}, err
	}
	if _, err := tx.LockMember(ctx, by.ID); err != nil {
		return carpool.Reservation{}, err
	}
	held, err := tx.ActiveTrips(ctx, by.ID, now)
	if err != nil {
		return carpool.Reservation{}, err
	}
	if err := a.limits.CheckReservation(by, r.Kind, r.Start, r.End, now, held); err != nil {
		return carpool.Reservation{}, err
	}
	taken, err := tx.ActiveReservations(ctx, r.CarID, r.Start, r.End)
	if err != nil {
		return carpool.Reservation{}, err
	}
	if err := carpool.CheckCarFree(taken, r.Start, r.End); err != nil {
		return carpool.Reservation{}, err
	}
	if err := tx.InsertReservation(ctx, r); err != nil {
		return carpool.Reservation{}, err
	}
	return r, tx.Append(ctx, carpool.ReservationEvent(carpool.EventReservationCreated, r, now))
}

// freeReservation ends an active reservation (its holder or a fleet manager). A ride in
// a pool car rests on its driver's reservation: while an open ride ahead still does, the
// reservation stays, or passengers would be booked into a car nobody holds.
func (a *App) freeReservation(ctx context.Context, id string, by carpool.Member) (carpool.Reservation, error) {
	var out carpool.Reservation
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		r, err := tx.LockReservation(ctx, id)
		if err != nil {
			return err
		}
		if err := r.Cancel(by, tx.Now()); err != nil {
			return err
		}
		rides, err := tx.OpenRidesOnReservation(ctx, r.ID, tx.Now())
		if err != nil {
			return err
		}
		if rides > 0 {
			return carpool.Errorf(carpool.ECONFLICT, "%d open rides use this reservation: cancel them first", rides)
		}
		out = r
		return saveCancelled(ctx, tx, r)
	})
	if err != nil {
		return carpool.Reservation{}, fmt.Errorf("cancel reservation: %w", err)
	}
	return out, nil
}

// cancelReservation cancels an active reservation by by within tx, with its event: the
// one way a reservation ends, whether freed by hand, with a commute's day, or when its
// holder is deactivated.
func cancelReservation(ctx context.Context, tx carpool.Tx, r carpool.Reservation, by carpool.Member) error {
	if err := r.Cancel(by, tx.Now()); err != nil {
		return err
	}
	return saveCancelled(ctx, tx, r)
}

func saveCancelled(ctx context.Context, tx carpool.Tx, r carpool.Reservation) error {
	if err := tx.SaveReservation(ctx, r); err != nil {
		return err
	}
	return tx.Append(ctx, carpool.ReservationEvent(carpool.EventReservationCancelled, r, tx.Now()))
}
