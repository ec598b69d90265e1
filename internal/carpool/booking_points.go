package carpool

// validatePoints checks a booking's pickup and drop-off: both or neither, each a valid
// place, and not the same.
func (req *BookingRequest) validatePoints() error {
	if (req.Pickup == nil) != (req.Dropoff == nil) {
		if req.Pickup == nil {
			return FieldErrorf(EINVALID, "pickup", "give the pickup together with the drop-off")
		}
		return FieldErrorf(EINVALID, "dropoff", "give the drop-off together with the pickup")
	}
	if req.Pickup == nil {
		return nil
	}
	if err := req.Pickup.validate("pickup"); err != nil {
		return err
	}
	if err := req.Dropoff.validate("dropoff"); err != nil {
		return err
	}
	if DistanceKM(req.Pickup.Point(), req.Dropoff.Point()) < MinRideKM {
		return FieldErrorf(EINVALID, "dropoff", "pickup and drop-off must be different places")
	}
	return nil
}

// WithPointsFor returns the booking as viewer may see it: the passenger sees their own
// pickup and drop-off; the driver sees them once the booking is confirmed, when the
// passenger's whereabouts become the driver's business (as their contact details do).
func (b Booking) WithPointsFor(viewer Member) Booking {
	if viewer.ID == b.PassengerID || (viewer.ID == b.DriverID && b.Status == BookingConfirmed) {
		return b
	}
	b.Pickup, b.Dropoff = nil, nil
	return b
}
