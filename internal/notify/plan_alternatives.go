package notify

import (
	"context"
	"net/url"
	"strconv"

	"carpool/internal/carpool"
)

// withAlternatives adds to the message of a passenger who lost their ride (rejected, or
// cancelled by the driver or with the ride) the rides that can take them now, found as
// GET /api/v1/bookings/{id}/alternatives finds them, and links to the best one with the
// passenger's pickup and drop-off, so that one tap leads to booking it.
func (r *Relay) withAlternatives(ctx context.Context, e carpool.Event, b carpool.Payload, msgs []message) error {
	if e.Type != carpool.EventBookingRejected && e.Type != carpool.EventBookingCancelled || len(msgs) != 1 || msgs[0].member != b.PassengerID {
		return nil
	}
	booking, err := r.store.Booking(ctx, b.BookingID)
	if carpool.ErrorCode(err) == carpool.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if !booking.NeedsAlternatives() {
		return nil
	}
	lost, err := r.store.Ride(ctx, booking.RideID)
	if carpool.ErrorCode(err) == carpool.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	found, err := carpool.SearchAlternatives(ctx, r.store, lost, booking, r.now())
	if err != nil || len(found) == 0 {
		return err
	}
	for _, m := range found {
		msgs[0].alternatives = append(msgs[0].alternatives, m.Ride)
	}
	msgs[0].link = alternativeLink(found[0].Ride.ID, booking)
	return nil
}

// alternativeLink is the ride page of an alternative with the lost booking's pickup and
// drop-off, which its booking form then carries.
func alternativeLink(rideID string, b carpool.Booking) string {
	link := "/rides/" + rideID
	if b.Pickup == nil || b.Dropoff == nil {
		return link
	}
	at := func(p *carpool.Place) string {
		return "at:" + strconv.FormatFloat(p.Lat, 'f', -1, 64) + "," + strconv.FormatFloat(p.Lon, 'f', -1, 64) + "|" + p.Label
	}
	return link + "?" + url.Values{"pickup": {at(b.Pickup)}, "dropoff": {at(b.Dropoff)}}.Encode()
}
