package replicas_test

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// testDeactivation: while passengers keep booking a driver's ride through every
// replica, an admin deactivates the driver on another. Afterwards the ride is cancelled,
// no booking on it is active (none slipped in after the cancellation), every passenger
// who held a place got a booking.cancelled event of their own, and the driver's token
// works on no replica once the token cache's TTL has passed on the others.
func (c *cluster) testDeactivation(t *testing.T) {
	rideID := c.driverWithRide(t)
	var ride struct {
		Driver struct{ ID string } `json:"driver"`
	}
	if code := call(t, "GET", c.at(0, "/api/v1/rides/"+rideID), c.admin, nil, &ride); code != http.StatusOK {
		t.Fatalf("ride: got %d", code)
	}
	tokens := c.members(t, "leaver-rider", 24)
	for i, tok := range tokens[:3] {
		if code := call(t, "POST", c.at(i, "/api/v1/rides/"+rideID+"/bookings"), tok, map[string]int{"seats": 1}, nil); code != http.StatusCreated {
			t.Fatalf("booking %d: got %d, want 201", i, code)
		}
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	for i, tok := range tokens[3:] {
		wg.Go(func() {
			for !stop.Load() {
				// Refusals (full, already booked, cancelled ride) are expected answers.
				_, _, _ = send("POST", c.at(i, "/api/v1/rides/"+rideID+"/bookings"), tok, map[string]any{"seats": 1, "waitlist": true})
			}
		})
	}
	var d struct {
		Rides    int `json:"rides_cancelled"`
		Sessions int `json:"sessions_ended"`
	}
	code := call(t, "POST", c.at(2, "/api/v1/members/"+ride.Driver.ID+"/deactivate"), c.admin, nil, &d)
	stop.Store(true)
	wg.Wait()
	if code != http.StatusOK || d.Rides != 1 || d.Sessions < 1 {
		t.Fatalf("deactivate: got %d %+v, want 200 releasing the ride and the sessions", code, d)
	}

	db := openSQL(t, c.url)
	var status string
	var active, untold int
	if err := db.QueryRow(`SELECT status FROM rides WHERE id = $1`, rideID).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM bookings WHERE ride_id = $1 AND status IN ('pending', 'confirmed', 'waitlisted')`, rideID).Scan(&active); err != nil {
		t.Fatal(err)
	}
	// Every booking that held a place and ended with the ride has its passenger's event.
	if err := db.QueryRow(`SELECT count(*) FROM bookings b WHERE b.ride_id = $1 AND b.status = 'cancelled'
		AND b.cancelled_by <> b.passenger_id
		AND NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.type = 'booking.cancelled' AND e.subject_id = b.id AND e.recipient_id = b.passenger_id)`,
		rideID).Scan(&untold); err != nil {
		t.Fatal(err)
	}
	if status != "cancelled" || active != 0 || untold != 0 {
		t.Errorf("after the deactivation: ride %s, %d active bookings, %d passengers not told; want cancelled, 0, 0", status, active, untold)
	}
}
