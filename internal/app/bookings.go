package app

import (
	"context"

	"carpool/internal/carpool"
)

// Book asks for seats on a ride: confirmed at once (instant), a request for the driver
// (approval), or a place on the waitlist when the ride is full and req.Waitlist is set;
// ECONFLICT when it is full and no waitlist was asked for.
func (a *App) Book(ctx context.Context, me carpool.Member, rideID string, req carpool.BookingRequest) (carpool.Booking, error) {
	return a.store.BookSeats(ctx, rideID, me, req)
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
	return a.changeBooking(ctx, me, id, a.store.ConfirmBooking)
}

// RejectBooking declines a request (the ride's driver).
func (a *App) RejectBooking(ctx context.Context, me carpool.Member, id string) (carpool.Booking, error) {
	return a.changeBooking(ctx, me, id, a.store.RejectBooking)
}

// CancelBooking ends a booking (its passenger or the ride's driver); a freed seat goes to
// the waitlist as the ride's booking mode decides.
func (a *App) CancelBooking(ctx context.Context, me carpool.Member, id string) (carpool.Booking, error) {
	return a.changeBooking(ctx, me, id, a.store.CancelBooking)
}

func (a *App) changeBooking(ctx context.Context, me carpool.Member, id string,
	change func(context.Context, string, carpool.Member) (carpool.Booking, error)) (carpool.Booking, error) {
	if _, err := a.Booking(ctx, me, id); err != nil {
		return carpool.Booking{}, err
	}
	return change(ctx, id, me)
}
