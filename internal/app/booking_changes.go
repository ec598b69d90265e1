package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// bookSeats asks for seats on the ride under its lock: the ride's bookings as they are
// now decide between confirmed, a request, the waitlist and "full". Bookings of one ride
// queue on the ride's row lock (PostgreSQL) or the single writing transaction (SQLite),
// and the schema refuses more seats taken than offered should any path get past it.
func (a *App) bookSeats(ctx context.Context, rideID string, passenger carpool.Member, req carpool.BookingRequest) (carpool.Booking, error) {
	var out carpool.Booking
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		rb, err := tx.LoadRideBook(ctx, rideID, "")
		if err != nil {
			return err
		}
		if err := a.noShowsAllow(ctx, tx, passenger.ID, tx.Now()); err != nil {
			return err
		}
		b, err := rb.Book(passenger, req, tx.Now())
		if err != nil {
			return err
		}
		if err := a.saveRideBook(ctx, tx, rb); err != nil {
			return err
		}
		out = b
		return nil
	})
	if err != nil {
		if a.bookingRefused != nil {
			a.bookingRefused(err)
		}
		return carpool.Booking{}, fmt.Errorf("book seats: %w", err)
	}
	return out, nil
}

// bookingChange is one decision on an existing booking, made by the RideBook of its
// ride: (*carpool.RideBook).Confirm, Reject or Cancel.
type bookingChange func(rb *carpool.RideBook, bookingID string, by carpool.Member, now time.Time) (carpool.Booking, error)

// changeBooking applies change to booking id on its ride's RideBook, read under the
// ride's lock, and saves what it changed with its events. The booking itself is read
// after the lock is held, so the decision sees every one committed before; the domain
// answers "not found" to anyone but its passenger and the ride's driver.
func (a *App) changeBooking(ctx context.Context, id string, by carpool.Member, change bookingChange) (carpool.Booking, error) {
	var out carpool.Booking
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		rideID, err := tx.RideOfBooking(ctx, id)
		if err != nil {
			return err
		}
		rb, err := tx.LoadRideBook(ctx, rideID, id)
		if err != nil {
			return err
		}
		b, err := change(rb, id, by, tx.Now())
		if err != nil {
			return err
		}
		if err := a.saveRideBook(ctx, tx, rb); err != nil {
			return err
		}
		out = b
		return nil
	})
	return out, err
}
