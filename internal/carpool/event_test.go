package carpool_test

import (
	"encoding/json"
	"reflect"
	"strings"
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

// TestPayloadReadsEveryWrittenField keeps the one payload consumers read from drifting
// from what the writers write: every field any kind's event carries has a place in
// carpool.Payload, under the same name.
func TestPayloadReadsEveryWrittenField(t *testing.T) {
	now := time.Date(2031, 3, 3, 8, 0, 0, 0, time.UTC)
	ride := carpool.Ride{ID: "r", DriverID: "d", DepartAt: now, Seats: 3, Status: carpool.RideOpen}
	rb := &carpool.RideBook{Ride: ride}
	if _, err := rb.Book(carpool.Member{ID: "p"}, carpool.BookingRequest{Seats: 1}, now.Add(-time.Hour)); err != nil {
		t.Fatalf("book: %v", err)
	}
	series := carpool.Series{ID: "s", DriverID: "d", CarID: "c", Status: carpool.SeriesActive}
	events := append(rb.Change().Events,
		carpool.RideCreatedEvent(ride, now),
		carpool.ReservationEvent(carpool.EventReservationCreated, carpool.Reservation{ID: "x", CarID: "c", MemberID: "m", Start: now, End: now.Add(time.Hour)}, now),
		carpool.SeriesEvent(carpool.EventSeriesSkipped, series, carpool.DateOf(now), "p", now))
	known := map[string]bool{}
	pt := reflect.TypeOf(carpool.Payload{})
	for i := range pt.NumField() {
		known[strings.Split(pt.Field(i).Tag.Get("json"), ",")[0]] = true
	}
	for _, e := range events {
		var fields map[string]any
		if err := json.Unmarshal(e.Payload, &fields); err != nil {
			t.Fatalf("%s: %v", e.Type, err)
		}
		for name := range fields {
			if !known[name] {
				t.Errorf("%s writes %q: got no field of carpool.Payload for it, want one", e.Type, name)
			}
		}
		if _, err := e.Decode(); err != nil {
			t.Errorf("%s: decode: %v", e.Type, err)
		}
	}
}
