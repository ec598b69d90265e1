package notify

import (
	"context"

	"carpool/internal/carpool"
)

// bookingRequested tells the driver of a seat request, and a passenger moved up from the
// waitlist that their request now waits for the driver.
func (r *Relay) bookingRequested(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
	if err != nil {
		return nil, err
	}
	out := []message{{member: e.RecipientID, link: rideLink, title: "notify.requested.title", body: "notify.requested.body",
		data: []any{"Who", who, "Ride", ride}, seats: b.Seats}}
	if b.Reason == carpool.ReasonWaitlistMovedUp && b.PassengerID != "" {
		// The passenger did nothing this time: a freed seat moved them up, and they
		// learn that their request now waits for the driver.
		out = append(out, message{member: b.PassengerID, link: rideLink, title: "notify.moved_up.title", body: "notify.moved_up.body",
			data: []any{"Ride", ride}, seats: b.Seats})
	}
	return out, nil
}

// bookingConfirmed tells the passenger their seat is confirmed (with their pickup), and
// the driver who was not asked (an instant ride, a waitlist promotion) who now rides.
func (r *Relay) bookingConfirmed(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
	if err != nil {
		return nil, err
	}
	m := message{member: e.RecipientID, link: rideLink, title: "notify.confirmed.title", body: "notify.confirmed.body",
		data: []any{"Ride", ride}, seats: b.Seats}
	if b.Reason == carpool.ReasonWaitlistPromoted {
		m.title, m.body = "notify.promoted.title", "notify.promoted.body"
	}
	if bk, ok, err := r.bookingOn(ctx, b.RideID, func(x carpool.Booking) bool { return x.ID == b.BookingID }); err != nil {
		return nil, err
	} else if ok {
		m.stop = stopOf(bk, ride)
	}
	out := []message{m}
	if (b.Reason == carpool.ReasonInstant || b.Reason == carpool.ReasonWaitlistPromoted) && b.DriverID != "" && b.DriverID != b.PassengerID {
		// Nobody asked the driver: on an instant ride they learn who now rides with them.
		out = append(out, message{member: b.DriverID, link: rideLink, title: "notify.booked.title", body: "notify.booked.body",
			data: []any{"Who", who, "Ride", ride}, seats: b.Seats})
	}
	return out, nil
}

// bookingRejected tells the passenger the driver declined.
func (r *Relay) bookingRejected(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	ride, _, err := r.rideAnd(ctx, b.RideID, "")
	if err != nil {
		return nil, err
	}
	return []message{{member: e.RecipientID, link: rideLink, title: "notify.rejected.title", body: "notify.rejected.body",
		data: []any{"Ride", ride}}}, nil
}

// bookingCancelled tells the other side of a cancelled seat, in words that say who
// cancelled it.
func (r *Relay) bookingCancelled(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	switch b.Reason {
	case carpool.ReasonPassenger:
		ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
		if err != nil {
			return nil, err
		}
		return []message{{member: e.RecipientID, link: rideLink, title: "notify.passenger_cancelled.title", body: "notify.passenger_cancelled.body",
			data: []any{"Who", who, "Ride", ride}, seats: b.Seats}}, nil
	case carpool.ReasonRideCancelled:
		ride, _, err := r.rideAnd(ctx, b.RideID, "")
		if err != nil {
			return nil, err
		}
		return []message{{member: e.RecipientID, link: rideLink, title: "notify.ride_cancelled.title", body: "notify.ride_cancelled.body",
			data: []any{"Ride", ride}}}, nil
	default:
		ride, _, err := r.rideAnd(ctx, b.RideID, "")
		if err != nil {
			return nil, err
		}
		return []message{{member: e.RecipientID, link: rideLink, title: "notify.driver_cancelled.title", body: "notify.driver_cancelled.body",
			data: []any{"Ride", ride}}}, nil
	}
}

// bookingOn finds the active booking of a ride that match says; ok is false when none
// is (any more).
func (r *Relay) bookingOn(ctx context.Context, rideID string, match func(carpool.Booking) bool) (carpool.Booking, bool, error) {
	bookings, err := r.activeBookings(ctx, rideID)
	if err != nil {
		return carpool.Booking{}, false, err
	}
	for _, b := range bookings {
		if match(b) {
			return b, true, nil
		}
	}
	return carpool.Booking{}, false, nil
}

func (r *Relay) activeBookings(ctx context.Context, rideID string) ([]carpool.Booking, error) {
	var out []carpool.Booking
	p := carpool.Page{Limit: carpool.MaxPageLimit}
	for {
		items, next, err := r.store.Bookings(ctx, carpool.BookingFilter{RideID: rideID, ActiveOnly: true}, p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}
