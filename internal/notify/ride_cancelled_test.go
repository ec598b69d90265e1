package notify_test

import (
	"strings"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
)

// TestDriverHearsWhenAFleetManagerCancelsTheirRide: a ride a fleet manager cancels tells
// its driver, with the way to a pool car (the ride's page); a ride its driver cancels
// tells the driver nothing. The passenger hears either way, without blaming the driver.
func TestDriverHearsWhenAFleetManagerCancelsTheirRide(t *testing.T) {
	for _, byFleet := range []bool{true, false} {
		w := newWorld(t, "rico@example.com")
		relay := notify.New(w.db, notify.Options{})
		b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
			t.Fatal(err)
		}
		if _, err := relay.FanOut(w.ctx); err != nil {
			t.Fatal(err)
		}
		before := len(w.inbox(w.driver))
		by := w.driver
		if byFleet {
			by = w.member("ada@example.com", "Ada Admin")
			if by, err = storetest.NewFlows(w.db).ChangeMember(w.ctx, by.ID, func(m *carpool.Member) error {
				m.Role = carpool.RoleAdmin
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := storetest.NewFlows(w.db).CancelRide(w.ctx, w.ride.ID, by); err != nil {
			t.Fatalf("cancel by fleet manager %v: %v", byFleet, err)
		}
		if _, err := relay.FanOut(w.ctx); err != nil {
			t.Fatal(err)
		}
		var news []carpool.Notification
		for _, n := range w.inbox(w.driver) {
			if n.Kind == carpool.EventRideCancelled {
				news = append(news, n)
			}
		}
		if got := len(w.inbox(w.driver)) - before; !byFleet && got != 0 {
			t.Errorf("the driver cancelled their own ride: got %d new notifications for them, want none", got)
		}
		if byFleet && (len(news) != 1 || news[0].Link != "/rides/"+w.ride.ID || !strings.Contains(news[0].Body, "pool cars")) {
			t.Errorf("a fleet manager cancelled the ride: driver got %+v, want one notice linking the ride's page and its pool cars", news)
		}
		var told bool
		for _, n := range w.inbox(w.rider) {
			if n.Kind == carpool.EventBookingCancelled {
				told = true
				if strings.Contains(n.Body, "driver") {
					t.Errorf("passenger's notice blames the driver: %q", n.Body)
				}
			}
		}
		if !told {
			t.Errorf("fleet %v: the passenger was not told", byFleet)
		}
	}
}
