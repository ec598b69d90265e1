package notify

import (
	"context"

	"carpool/internal/carpool"
)

// rideUpdated tells every passenger with an active booking that the ride changed.
func (r *Relay) rideUpdated(ctx context.Context, e carpool.Event, _ carpool.Payload) ([]message, error) {
	rideID := e.SubjectID
	ride, _, err := r.rideAnd(ctx, rideID, "")
	if err != nil {
		return nil, err
	}
	bookings, err := r.activeBookings(ctx, rideID)
	if err != nil {
		return nil, err
	}
	var out []message
	for _, bk := range bookings {
		out = append(out, message{member: bk.PassengerID, link: "/rides/" + rideID, title: "notify.ride_updated.title", body: "notify.ride_updated.body",
			data: []any{"Ride", ride}, stop: stopOf(bk, ride)})
	}
	return out, nil
}

// rideCancelled tells a driver that an admin or a fleet manager cancelled their ride,
// and where to find a pool car if they still need to go: the ride's page offers those
// free at its time at its start site.
func (r *Relay) rideCancelled(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	if b.Reason != carpool.ReasonNotTheDriver {
		return nil, nil // the driver cancelled it themselves
	}
	ride, _, err := r.rideAnd(ctx, e.SubjectID, "")
	if err != nil {
		return nil, err
	}
	return []message{{member: e.RecipientID, link: "/rides/" + e.SubjectID, title: "notify.ride_cancelled_for_driver.title",
		body: "notify.ride_cancelled_for_driver.body", data: []any{"Ride", ride}}}, nil
}

// rideReminder reminds the driver or a passenger of a ride ahead; a passenger hears of
// their own pickup.
func (r *Relay) rideReminder(ctx context.Context, e carpool.Event, _ carpool.Payload) ([]message, error) {
	rideID := e.SubjectID
	ride, _, err := r.rideAnd(ctx, rideID, "")
	if err != nil {
		return nil, err
	}
	m := message{member: e.RecipientID, link: "/rides/" + rideID, title: "notify.reminder.title", body: "notify.reminder.body",
		data: []any{"Ride", ride}}
	// A passenger is reminded of where they are picked up, and when.
	if bk, ok, err := r.bookingOn(ctx, rideID, func(x carpool.Booking) bool {
		return x.PassengerID == e.RecipientID && x.Status == carpool.BookingConfirmed
	}); err != nil {
		return nil, err
	} else if ok {
		m.stop = stopOf(bk, ride)
	}
	return []message{m}, nil
}

// rideMessage tells a member of a ride's thread that someone wrote in it.
func (r *Relay) rideMessage(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	// Who wrote and where, never what: the words stay in the thread, where an
	// erasure or the retention can reach them.
	ride, who, err := r.rideAnd(ctx, b.RideID, b.MemberID)
	if err != nil {
		return nil, err
	}
	return []message{{member: e.RecipientID, link: rideLink + "#messages", title: "notify.message.title", body: "notify.message.body",
		data: []any{"Who", who, "Ride", ride}}}, nil
}

// rideAnd finds a ride to describe ("Berlin HQ → Potsdam, Mon 2 Dec 17:15") and a
// member to name; a ride or member gone since keeps the text readable rather than
// failing the relay.
func (r *Relay) rideAnd(ctx context.Context, rideID, memberID string) (*rideRef, *personRef, error) {
	ride := &rideRef{}
	got, err := r.store.Ride(ctx, rideID)
	switch {
	case err == nil:
		ride.ride, ride.ok = got, true
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return nil, nil, err
	}
	if memberID == "" {
		return ride, nil, nil
	}
	who := &personRef{}
	m, err := r.store.Member(ctx, memberID)
	switch {
	case err == nil:
		who.name, who.ok = m.Name, true
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return nil, nil, err
	}
	return ride, who, nil
}
