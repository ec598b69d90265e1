package carpool

import "time"

// PickupAt estimates when the driver of r reaches b's pickup, from where it lies along the
// way; ok is false when the passenger named no pickup of their own and boards at the
// ride's start.
func (b Booking) PickupAt(r Ride) (at time.Time, ok bool) {
	if b.Pickup == nil || b.Dropoff == nil {
		return time.Time{}, false
	}
	p, q := b.Pickup.Point(), b.Dropoff.Point()
	return r.PickupAt(r.Insert(&p, &q)), true
}
