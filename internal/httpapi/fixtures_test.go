package httpapi_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

var plateSeq atomic.Int64

// plate returns a number plate no other test car has.
func plate() string { return fmt.Sprintf("M T %d", plateSeq.Add(1)) }

func (e *env) site(tb testing.TB, manager member) map[string]any {
	tb.Helper()
	return e.do(tb, call{method: "POST", path: "/api/v1/sites", token: manager.token,
		body: map[string]any{"name": "HQ", "address": "Marienplatz 1, München", "lat": 48.137, "lon": 11.575}}).want(tb, 201).object(tb)
}

func (e *env) poolCar(tb testing.TB, manager member, siteID string, seats int) map[string]any {
	tb.Helper()
	return e.do(tb, call{method: "POST", path: "/api/v1/cars", token: manager.token,
		body: map[string]any{"kind": "pool", "plate": plate(), "make": "VW", "model": "Passat", "seats": seats, "site_id": siteID}}).want(tb, 201).object(tb)
}

func (e *env) privateCar(tb testing.TB, owner member, seats int) map[string]any {
	tb.Helper()
	return e.do(tb, call{method: "POST", path: "/api/v1/cars", token: owner.token,
		body: map[string]any{"kind": "private", "plate": plate(), "make": "Skoda", "model": "Octavia", "seats": seats}}).want(tb, 201).object(tb)
}

// rideBody is an offer from Munich centre to the airport at depart.
func rideBody(carID string, depart time.Time, seats int, mode string) map[string]any {
	return map[string]any{
		"car_id":       carID,
		"from":         map[string]any{"label": "Marienplatz", "lat": 48.1372, "lon": 11.5756},
		"to":           map[string]any{"label": "Airport", "lat": 48.3538, "lon": 11.7861},
		"depart_at":    rfc3339(depart),
		"seats":        seats,
		"booking_mode": mode,
		"notes":        "two bags fit",
	}
}

// ride offers a ride in a new private car of driver with seats free seats.
func (e *env) ride(tb testing.TB, driver member, seats int, mode string) map[string]any {
	tb.Helper()
	car := e.privateCar(tb, driver, seats+1)
	return e.do(tb, call{method: "POST", path: "/api/v1/rides", token: driver.token,
		body: rideBody(car["id"].(string), future(48*time.Hour), seats, mode)}).want(tb, 201).object(tb)
}

func (e *env) book(tb testing.TB, passenger member, rideID string, seats int, waitlist bool) response {
	tb.Helper()
	return e.do(tb, call{method: "POST", path: "/api/v1/rides/" + rideID + "/bookings", token: passenger.token,
		body: map[string]any{"seats": seats, "waitlist": waitlist}})
}

func str(v any) string { s, _ := v.(string); return s }
