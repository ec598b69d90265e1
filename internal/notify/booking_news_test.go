package notify_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
)

// newsWorld is a world with a one-seat ride in the given mode and a second passenger.
func newsWorld(t *testing.T, mode carpool.BookingMode) (*world, carpool.Ride, carpool.Member) {
	t.Helper()
	w := newWorld(t, "rico@example.com")
	ride, err := storetest.NewFlows(w.db).CreateRide(w.ctx, carpool.RideInput{CarID: w.ride.CarID,
		From: carpool.Place{Label: "Zurich HB", Lat: 47.37, Lon: 8.54}, To: carpool.Place{Label: "Basel", Lat: 47.55, Lon: 7.59},
		DepartAt: w.now.Add(72 * time.Hour), Seats: 1, BookingMode: mode}, w.driver)
	if err != nil {
		t.Fatal(err)
	}
	return w, ride, w.member("wanda@example.com", "Wanda Waiting")
}

func titles(ns []carpool.Notification) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Title+": "+n.Body)
	}
	return strings.Join(out, " | ")
}

// TestDriverToldOfInstantBookings: on an instant ride nobody asks the driver, so they hear
// of each booking, also of one confirmed from the waitlist.
func TestDriverToldOfInstantBookings(t *testing.T) {
	w, ride, wanda := newsWorld(t, carpool.BookingInstant)
	r := notify.New(w.db, notify.Options{})
	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	d := w.inbox(w.driver)
	if len(d) != 1 || d[0].Title != "Seat booked" || d[0].Body != "Rico Rider booked 1 seat on your ride Zurich HB → Basel, "+
		w.ride.DepartAt.Add(24*time.Hour).UTC().Format("Mon 2 Jan 2006, 15:04")+" UTC; instant booking confirmed it." || d[0].Link != "/rides/"+ride.ID {
		t.Fatalf("driver after an instant booking: got %s", titles(d))
	}
	if rider := w.inbox(w.rider); len(rider) != 1 || rider[0].Title != "Seat confirmed" {
		t.Fatalf("rider: got %s, want the confirmation", titles(rider))
	}

	if _, err := storetest.NewFlows(w.db).BookSeats(w.ctx, ride.ID, wanda, carpool.BookingRequest{Seats: 1, Waitlist: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).CancelBooking(w.ctx, b.ID, w.rider); err != nil {
		t.Fatal(err)
	}
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.inbox(wanda); len(got) != 1 || got[0].Title != "Off the waitlist: seat confirmed" {
		t.Fatalf("promoted passenger: got %s", titles(got))
	}
	d = w.inbox(w.driver)
	if len(d) != 3 || d[0].Title != "Seat booked" || !strings.HasPrefix(d[0].Body, "Wanda Waiting booked 1 seat") {
		t.Fatalf("driver after the waitlist moved: got %s, want Wanda's booking newest", titles(d))
	}
}

// TestPassengerToldOfMovingUp: on an approval ride a freed seat makes a waitlisted booking
// a request; the driver hears of the request and the passenger that it waits for them.
func TestPassengerToldOfMovingUp(t *testing.T) {
	w, ride, wanda := newsWorld(t, carpool.BookingApproval)
	r := notify.New(w.db, notify.Options{})
	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).BookSeats(w.ctx, ride.ID, wanda, carpool.BookingRequest{Seats: 1, Waitlist: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.inbox(wanda); len(got) != 0 {
		t.Fatalf("waitlisted passenger before a seat came free: got %s", titles(got))
	}
	if _, err := storetest.NewFlows(w.db).CancelBooking(w.ctx, b.ID, w.rider); err != nil {
		t.Fatal(err)
	}
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	got := w.inbox(wanda)
	if len(got) != 1 || got[0].Title != "Off the waitlist: request sent" || got[0].Kind != carpool.EventBookingRequested ||
		!strings.Contains(got[0].Body, "your request for 1 seat now waits for the driver") {
		t.Fatalf("passenger moved up: got %s", titles(got))
	}
	d := w.inbox(w.driver)
	if len(d) < 1 || d[0].Title != "New seat request" || !strings.HasPrefix(d[0].Body, "Wanda Waiting asks for 1 seat") {
		t.Fatalf("driver: got %s, want Wanda's request newest", titles(d))
	}
}
