package carpool_test

import (
	"encoding/json"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestEventPayloads(t *testing.T) {
	r := carpool.Reservation{ID: "r", CarID: "c", MemberID: "m", Kind: carpool.ReservationTrip,
		Start: t0, End: t0.Add(time.Hour), Status: carpool.ReservationActive}
	e := carpool.ReservationEvent(carpool.EventReservationCreated, r, t0)
	var p map[string]any
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if e.ID == "" || e.Type != carpool.EventReservationCreated || e.SubjectID != "r" || e.RecipientID != "m" || !e.CreatedAt.Equal(t0) ||
		p["car_id"] != "c" || p["kind"] != "trip" || p["status"] != "active" || p["start"] != "2030-06-01T08:00:00Z" {
		t.Fatalf("got %+v payload %v", e, p)
	}
	ride := carpool.Ride{ID: "ride", DriverID: "d", DepartAt: t0, Seats: 3, Status: carpool.RideOpen}
	e = carpool.RideCreatedEvent(ride, t0)
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if e.Type != carpool.EventRideCreated || e.SubjectID != "ride" || e.RecipientID != "d" || p["seats"] != 3.0 || p["driver_id"] != "d" {
		t.Fatalf("got %+v payload %v", e, p)
	}
}
