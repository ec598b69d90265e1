package app

import "time"

// PickupAt is when the driver is expected at the passenger's own pickup; zero when they
// board at the ride's start.
func (b BookedRide) PickupAt() time.Time {
	at, _ := b.Booking.PickupAt(b.Ride)
	return at
}
