package notify_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
	"carpool/internal/notify"
	"carpool/internal/storetest"
)

// TestTextsInRecipientsZone: a member who chose a zone reads the times of their
// notifications on their own clock, without a zone name; one who chose none reads the
// installation's zone, named, since it may not be theirs.
func TestTextsInRecipientsZone(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	if _, err := storetest.NewFlows(w.db).ChangeMember(w.ctx, w.rider.ID, func(m *carpool.Member) error {
		m.Language, m.TimeZone = "de", "Europe/Berlin"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	r := notify.New(w.db, notify.Options{Location: newYork})
	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}

	rider := w.inbox(w.rider)
	local := locale.ForCode("de", locale.Default).When(w.ride.DepartAt.In(berlin))
	if len(rider) != 1 || !strings.Contains(rider[0].Body, local+" ist bestätigt") {
		t.Fatalf("rider in Berlin: got %+v, want the departure at %q, unnamed", rider, local)
	}
	for _, zone := range []string{"UTC", "CET", "CEST", "EST", "EDT"} {
		if strings.Contains(rider[0].Body, zone) {
			t.Errorf("rider in Berlin: %q names the zone %s", rider[0].Body, zone)
		}
	}

	driver := w.inbox(w.driver)
	ny := w.ride.DepartAt.In(newYork)
	named := locale.ForCode("en", locale.Default).When(ny) + " " + ny.Format("MST")
	if len(driver) != 1 || !strings.Contains(driver[0].Body, named) {
		t.Fatalf("driver without a zone: got %+v, want the installation's time %q", driver, named)
	}
}

// TestNotificationsNameThePassengersPickup: the confirmation and the reminder of a
// passenger who boards along the way say where and, on their clock, when.
func TestNotificationsNameThePassengersPickup(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	if _, err := storetest.NewFlows(w.db).ChangeMember(w.ctx, w.rider.ID, func(m *carpool.Member) error {
		m.Language, m.TimeZone = "de", "Europe/Berlin"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	pickup := carpool.Place{Label: "Olten Bahnhof", Lat: 47.2625, Lon: 8.2675}
	dropoff := carpool.Place{Label: "Bern Wankdorf", Lat: 47.0475, Lon: 7.7075}
	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1, Pickup: &pickup, Dropoff: &dropoff})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	r := notify.New(w.db, notify.Options{ReminderLead: 72 * time.Hour})
	if _, err := r.Remind(w.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	at, _ := b.PickupAt(w.ride)
	want := "Ihre Abholung: Olten Bahnhof, gegen " + at.In(berlin).Format("15:04") + "."
	in := w.inbox(w.rider)
	if len(in) != 2 {
		t.Fatalf("rider's inbox: got %+v, want the confirmation and the reminder", in)
	}
	for _, n := range in {
		if !strings.HasSuffix(n.Body, " "+want) {
			t.Errorf("%s: got %q, want it to end %q", n.Kind, n.Body, want)
		}
	}
	for _, n := range w.inbox(w.driver) {
		if strings.Contains(n.Body, "pickup") || strings.Contains(n.Body, "Abholung") {
			t.Errorf("the driver's %s speaks of a pickup of their own: %q", n.Kind, n.Body)
		}
	}
}
