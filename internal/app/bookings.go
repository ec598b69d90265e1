package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// Book asks for seats on a ride: confirmed at once (instant), a request for the driver
// (approval), or a place on the waitlist when the ride is full and req.Waitlist is set;
// ECONFLICT when it is full and no waitlist was asked for.
func (a *App) Book(ctx context.Context, me carpool.Member, rideID string, req carpool.BookingRequest) (carpool.Booking, error) {
	return a.bookSeats(ctx, rideID, me, req)
}

// Booking returns a booking that me is the passenger or the driver of; any other is
// reported as not found.
func (a *App) Booking(ctx context.Context, me carpool.Member, id string) (carpool.Booking, error) {
	b, err := a.store.Booking(ctx, id)
	if err != nil {
		return carpool.Booking{}, err
	}
	if !b.VisibleTo(me) {
		return carpool.Booking{}, carpool.Errorf(carpool.ENOTFOUND, "booking not found")
	}
	return b.WithPointsFor(me), nil
}

// MyBookings lists me's bookings as a passenger; with activeOnly false, cancelled and
// rejected ones too.
func (a *App) MyBookings(ctx context.Context, me carpool.Member, activeOnly bool, p carpool.Page) ([]carpool.Booking, string, error) {
	return a.store.Bookings(ctx, carpool.BookingFilter{PassengerID: me.ID, ActiveOnly: activeOnly}, p)
}

// ConfirmBooking accepts a pending request (the ride's driver).
func (a *App) ConfirmBooking(ctx context.Context, me carpool.Member, id string) (carpool.Booking, error) {
	b, err := a.changeBooking(ctx, id, me, (*carpool.RideBook).Confirm)
	if err != nil {
		return carpool.Booking{}, fmt.Errorf("confirm booking: %w", err)
	}
	return b, nil
}

// RejectBooking declines a request (the ride's driver).
func (a *App) RejectBooking(ctx context.Context, me carpool.Member, id string) (carpool.Booking, error) {
	b, err := a.changeBooking(ctx, id, me, (*carpool.RideBook).Reject)
	if err != nil {
		return carpool.Booking{}, fmt.Errorf("reject booking: %w", err)
	}
	return b, nil
}

// CancelBooking ends a booking (its passenger or the ride's driver); a freed seat goes to
// the waitlist as the ride's booking mode decides.
func (a *App) CancelBooking(ctx context.Context, me carpool.Member, id string) (carpool.Booking, error) {
	b, err := a.changeBooking(ctx, id, me, (*carpool.RideBook).Cancel)
	if err != nil {
		return carpool.Booking{}, fmt.Errorf("cancel booking: %w", err)
	}
	return b, nil
}
