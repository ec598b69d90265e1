package carpool

import (
	"math"
	"time"
)

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

// requestAreaDegrees is the step a request's pickup is rounded to before the driver
// confirms it: 0.0045° of latitude is about 500 m, enough to judge the detour, too coarse
// to find a house.
const requestAreaDegrees = 0.0045

// Stop is a passenger's pickup along a ride as a viewer may know it.
type Stop struct {
	// Exact says the place is the passenger's own; otherwise only its area (a ~500 m
	// grid) is known to the viewer, and the figures below come from that area.
	Exact bool
	// PickupKM is the road distance from the ride's start to the pickup, PickupAt when
	// the driver is expected there.
	PickupKM float64
	PickupAt time.Time
}

// StopFor returns b's pickup along r as viewer may know it: exactly for the passenger
// and, once confirmed, the driver (WithPointsFor); for the driver of a booking not yet
// confirmed, from the pickup's ~500 m area only. ok is false when there is no pickup of
// the passenger's own, or the viewer may know nothing of it.
func (b Booking) StopFor(viewer Member, r Ride) (s Stop, ok bool) {
	if b.Pickup == nil || b.Dropoff == nil {
		return Stop{}, false
	}
	p, q := b.Pickup.Point(), b.Dropoff.Point()
	switch {
	case b.WithPointsFor(viewer).Pickup != nil:
		s.Exact = true
	case viewer.ID == b.DriverID:
		p, q = approximateOn(p, requestAreaDegrees), approximateOn(q, requestAreaDegrees)
	default:
		return Stop{}, false
	}
	in := r.Insert(&p, &q)
	s.PickupKM, s.PickupAt = in.PickupKM, r.PickupAt(in)
	return s, true
}

// approximateOn rounds p to a grid of step degrees of latitude; longitude steps widen
// with the latitude's cosine so a cell stays about as wide as it is tall.
func approximateOn(p Point, step float64) Point {
	lat := roundTo(p.Lat, step)
	// The step follows the rounded latitude, so every point of a cell gets the same one.
	lonStep := step / math.Max(math.Cos(lat*math.Pi/180), 0.01)
	lon := roundTo(p.Lon, lonStep)
	return Point{Lat: math.Max(-90, math.Min(90, lat)), Lon: math.Max(-180, math.Min(180, lon))}
}
