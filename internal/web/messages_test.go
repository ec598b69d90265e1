package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// rideThread is a ride with a passenger in each state a booking can be in, and the
// people around it who are not on it, each with a browser.
type rideThread struct {
	site                                              *webtest.App
	ride                                              string
	driver, confirmed, pending, waitlisted, cancelled carpool.Member
	stranger, fleet, admin                            carpool.Member
}

func newRideThread(t *testing.T, opts webtest.Options) *rideThread {
	t.Helper()
	ctx := context.Background()
	a := webtest.Start(t, opts)
	th := &rideThread{site: a,
		driver:     a.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember),
		confirmed:  a.AddMember(t, "conny@example.com", "Conny Confirmed", "", carpool.RoleMember),
		pending:    a.AddMember(t, "penny@example.com", "Penny Pending", "", carpool.RoleMember),
		waitlisted: a.AddMember(t, "walter@example.com", "Walter Waitlist", "", carpool.RoleMember),
		cancelled:  a.AddMember(t, "carl@example.com", "Carl Cancelled", "", carpool.RoleMember),
		stranger:   a.AddMember(t, "stella@example.com", "Stella Stranger", "", carpool.RoleMember),
		fleet:      a.AddMember(t, "fiona@example.com", "Fiona Fleet", "", carpool.RoleFleetManager),
		admin:      a.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin),
	}
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: th.driver.ID, Plate: "M TH 1", Make: "VW",
		Model: "Golf", Seats: 5, Status: carpool.CarActive, Version: 1}
	mustDo(t, a.Store.CreateCar(ctx, car))
	ride, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: time.Now().Add(48 * time.Hour),
		Seats: 2, BookingMode: carpool.BookingApproval, From: carpool.Place{Label: "Werk Süd", Lat: 48.1, Lon: 11.5},
		To: carpool.Place{Label: "Hauptbahnhof", Lat: 48.14, Lon: 11.56}}, th.driver)
	mustDo(t, err)
	th.ride = ride.ID
	use := app.New(a.Store, app.Options{})
	book := func(m carpool.Member, seats int) carpool.Booking {
		b, err := use.Book(ctx, m, ride.ID, carpool.BookingRequest{Seats: seats, Waitlist: true})
		mustDo(t, err)
		return b
	}
	_, err = use.ConfirmBooking(ctx, th.driver, book(th.confirmed, 1).ID)
	mustDo(t, err)
	book(th.pending, 1)
	if b := book(th.waitlisted, 2); b.Status != carpool.BookingWaitlisted {
		t.Fatalf("the waitlisted passenger's booking: got %s", b.Status)
	}
	_, err = use.CancelBooking(ctx, th.cancelled, book(th.cancelled, 1).ID)
	mustDo(t, err)
	return th
}

// say posts a message in the ride's thread as the form on the ride page does, without
// JavaScript: the browser sends the form and follows no redirect.
func (th *rideThread) say(t *testing.T, b *browser, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("csrf", b.csrf("/rides/"+th.ride))
	return b.post("/rides/"+th.ride+"/messages", form, nil)
}

// TestRideThreadAccess: the ride page shows the thread with its form and quick replies to
// the driver and the passengers whose booking is pending or confirmed, who can write in
// it; the others see the ride without the thread and are refused (403) when they post.
func TestRideThreadAccess(t *testing.T) {
	th := newRideThread(t, webtest.Options{})
	cases := []struct {
		name    string
		who     carpool.Member
		matched bool
	}{
		{"driver", th.driver, true}, {"confirmed", th.confirmed, true}, {"pending", th.pending, true},
		{"waitlisted", th.waitlisted, false}, {"cancelled", th.cancelled, false}, {"stranger", th.stranger, false},
		{"fleet manager", th.fleet, false}, {"admin", th.admin, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBrowser(t, th.site)
			b.signInAs(c.who)
			res, page := b.get("/rides/" + th.ride)
			if res.StatusCode != 200 {
				t.Fatalf("ride page: got %d", res.StatusCode)
			}
			if got := strings.Contains(page, `id="message-form"`) && strings.Contains(page, `id="quick-replies"`); got != c.matched {
				t.Errorf("thread on the page: got %v, want %v", got, c.matched)
			}
			res, page = th.say(t, b, url.Values{"body": {"hello from " + c.name}})
			want := http.StatusForbidden
			if c.matched {
				want = http.StatusSeeOther
			}
			if res.StatusCode != want {
				t.Fatalf("post: got %d, want %d: %s", res.StatusCode, want, page)
			}
			if c.matched && res.Header.Get("Location") != "/rides/"+th.ride+"#messages" {
				t.Errorf("redirect: got %q", res.Header.Get("Location"))
			}
		})
	}
	b := newBrowser(t, th.site)
	b.signInAs(th.pending)
	_, page := b.get("/rides/" + th.ride)
	for _, want := range []string{"hello from driver", "hello from confirmed", "hello from pending"} {
		if !strings.Contains(page, want) {
			t.Errorf("the thread lacks %q", want)
		}
	}
	if strings.Contains(page, "hello from stranger") || strings.Contains(page, "hello from admin") {
		t.Error("a refused message is in the thread")
	}
}

// TestRideThreadInGerman: a German passenger's quick reply reads in each reader's
// language, a refused message is shown beside its input in German, and the driver hears
// of the thread in their inbox.
func TestRideThreadInGerman(t *testing.T) {
	th := newRideThread(t, webtest.Options{Language: language.German})
	passenger := newBrowser(t, th.site)
	passenger.signInAs(th.confirmed)
	res, page := th.say(t, passenger, url.Values{"body": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="body-error"`) || !strings.Contains(page, "Nachricht") {
		t.Fatalf("empty message: got %d, want 422 with the error beside the input: %s", res.StatusCode, page)
	}
	res, _ = th.say(t, passenger, url.Values{"body": {"Ich stehe an Tor 2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("post: got %d", res.StatusCode)
	}
	res, _ = th.say(t, passenger, url.Values{"quick": {"late_5"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("quick reply: got %d", res.StatusCode)
	}
	if _, err := notify.New(th.site.Store, notify.Options{Language: language.German}).FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	driver := newBrowser(t, th.site)
	driver.signInAs(th.driver)
	_, page = driver.get("/rides/" + th.ride)
	for _, want := range []string{"Nachrichten", "Ich stehe an Tor 2", "5 Min. später", "Conny Confirmed", "Ich bin da"} {
		if !strings.Contains(page, want) {
			t.Errorf("the driver's ride page lacks %q", want)
		}
	}
	_, inbox := driver.get("/notifications")
	if !strings.Contains(inbox, "Neue Nachricht zu einer Fahrt") || !strings.Contains(inbox, "Conny Confirmed") ||
		!strings.Contains(inbox, "/rides/"+th.ride+"#messages") {
		t.Errorf("the driver's inbox lacks the message notice: %s", inbox)
	}
}
