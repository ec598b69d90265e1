package app_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/storetest"
)

// TestPasswordChangeStopsTheFeedUnlessKept: a new password revokes the member's calendar
// feed by default; with KeepCalendarOnPasswordChange it keeps working.
func TestPasswordChangeStopsTheFeedUnlessKept(t *testing.T) {
	for _, keep := range []bool{false, true} {
		f := newApp(t)
		f.app = app.New(f.store, app.Options{Now: f.clock.Now, KeepCalendarOnPasswordChange: keep})
		m := f.member(carpool.RoleMember)
		if err := f.store.SetCalendarToken(f.ctx, m.ID, "hash-"+m.ID, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if err := f.app.ChangePassword(f.ctx, m, password, "another horse battery staple", ""); err != nil {
			t.Fatalf("change password: %v", err)
		}
		has, err := f.store.HasCalendarToken(f.ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if has != keep {
			t.Errorf("keep=%v: the feed after a password change: live=%v, want %v", keep, has, keep)
		}
	}
}

// feedOf returns the calendar feed of member m through a new feed URL.
func (f *fixture) feedOf(a *app.App, m carpool.Member) string {
	f.t.Helper()
	const base = "https://c.example.com/calendar/"
	u, err := a.NewCalendarURL(f.ctx, m)
	if err != nil {
		f.t.Fatal(err)
	}
	feed, err := a.CalendarFeed(f.ctx, strings.TrimSuffix(strings.TrimPrefix(u, base), ".ics"))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(feed)
}

// TestCalendarFeedOnReadersClock: a member's feed carries their own zone and speaks
// their language, whatever the installation's zone and default language.
func TestCalendarFeedOnReadersClock(t *testing.T) {
	f := newApp(t)
	driver := f.member(carpool.RoleMember)
	ride := f.ride(driver, at(48*time.Hour), 3, carpool.BookingApproval)
	driver, err := storetest.NewFlows(f.store).ChangeMember(f.ctx, driver.ID, func(m *carpool.Member) error {
		m.Language, m.TimeZone = "de", "America/New_York"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	out := f.feedOf(app.New(f.store, app.Options{Now: f.clock.Now, Location: berlin, PublicURL: "https://c.example.com"}), driver)
	start := "DTSTART;TZID=America/New_York:" + ride.DepartAt.In(newYork).Format("20060102T150405") + "\r\n"
	for _, want := range []string{start, "X-WR-TIMEZONE:America/New_York\r\n", "SUMMARY:Sie fahren: Zurich HB → Bern Bahnhof\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("feed lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Europe/Berlin") {
		t.Errorf("feed is in the installation's zone:\n%s", out)
	}
}

// TestCalendarStartsAtThePassengersPickup: a passenger who boards along the way finds the
// trip in their feed from their pickup, at the time the driver is expected there.
func TestCalendarStartsAtThePassengersPickup(t *testing.T) {
	f := newApp(t)
	driver, rider := f.member(carpool.RoleMember), f.member(carpool.RoleMember)
	ride := f.ride(driver, at(48*time.Hour), 3, carpool.BookingApproval)
	pickup := carpool.Place{Label: "Olten Bahnhof", Lat: 47.2625, Lon: 8.2675}
	dropoff := carpool.Place{Label: "Bern Wankdorf", Lat: 46.9585, Lon: 7.4650}
	b, err := f.app.Book(f.ctx, rider, ride.ID, carpool.BookingRequest{Seats: 1, Pickup: &pickup, Dropoff: &dropoff})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.ConfirmBooking(f.ctx, driver, b.ID); err != nil {
		t.Fatal(err)
	}
	pickupAt, ok := b.PickupAt(ride)
	if !ok || !pickupAt.After(ride.DepartAt) {
		t.Fatalf("pickup time: got %v %v", pickupAt, ok)
	}
	out := f.feedOf(app.New(f.store, app.Options{Now: f.clock.Now, PublicURL: "https://c.example.com"}), rider)
	for _, want := range []string{"DTSTART:" + pickupAt.UTC().Format("20060102T150405Z") + "\r\n", "LOCATION:Olten Bahnhof\r\n", "SUMMARY:Passenger: Zurich HB → Bern Bahnhof\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("feed lacks %q:\n%s", want, out)
		}
	}
}
