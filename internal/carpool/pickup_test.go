package carpool

import (
	"testing"
	"time"
)

// TestStopFor: the passenger and the driver of a confirmed booking know the pickup
// exactly; the driver of a request knows only its ~500 m area, so two pickups in one cell
// tell them the same; anyone else knows nothing; a booking without a pickup has no stop.
func TestStopFor(t *testing.T) {
	driver, passenger, stranger := Member{ID: "d"}, Member{ID: "p"}, Member{ID: "s"}
	r := Ride{DriverID: "d", DepartAt: time.Date(2031, 3, 3, 7, 0, 0, 0, time.UTC),
		From: Place{Lat: 48.10, Lon: 11.50}, To: Place{Lat: 48.35, Lon: 11.78}}
	drop := &Place{Lat: 48.2611, Lon: 11.6702}
	booking := func(lat, lon float64, status BookingStatus) Booking {
		return Booking{DriverID: "d", PassengerID: "p", Status: status, Pickup: &Place{Lat: lat, Lon: lon}, Dropoff: drop}
	}
	pending := booking(48.1713, 11.5821, BookingPending)
	neighbour := booking(48.1716, 11.5824, BookingPending) // ~40 m away, in the same cell
	a, ok1 := pending.StopFor(driver, r)
	b, ok2 := neighbour.StopFor(driver, r)
	if !ok1 || !ok2 || a.Exact || a != b {
		t.Errorf("driver of two requests in one cell: got %+v %v and %+v %v, want the same area", a, ok1, b, ok2)
	}
	exact, _ := pending.PickupAt(r)
	if mine, ok := pending.StopFor(passenger, r); !ok || !mine.Exact || !mine.PickupAt.Equal(exact) {
		t.Errorf("passenger: got %+v %v, want their exact pickup at %v", mine, ok, exact)
	}
	confirmed := booking(48.1713, 11.5821, BookingConfirmed)
	if s, ok := confirmed.StopFor(driver, r); !ok || !s.Exact || !s.PickupAt.Equal(exact) {
		t.Errorf("driver of a confirmed booking: got %+v %v, want exact", s, ok)
	}
	if s, ok := pending.StopFor(stranger, r); ok {
		t.Errorf("stranger: got %+v, want nothing", s)
	}
	if s, ok := (Booking{DriverID: "d", PassengerID: "p", Status: BookingPending}).StopFor(driver, r); ok {
		t.Errorf("no pickup of their own: got %+v, want no stop", s)
	}
}
