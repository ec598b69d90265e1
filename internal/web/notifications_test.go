package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// offerRide makes a ride of driver in a new private car, departing in two days.
func offerRide(t *testing.T, app *webtest.App, driver carpool.Member) carpool.Ride {
	t.Helper()
	ctx := context.Background()
	now := carpool.Timestamp(time.Now())
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M " + carpool.NewID()[:6], Make: "VW", Model: "Golf",
		Seats: 5, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := app.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	r, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, From: carpool.Place{Label: "Munich HQ", Lat: 48.1, Lon: 11.5},
		To: carpool.Place{Label: "Airport", Lat: 48.35, Lon: 11.78}, DepartAt: now.Add(48 * time.Hour), Seats: 3,
		BookingMode: carpool.BookingApproval}, driver)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var badge = regexp.MustCompile(`<span class="badge" aria-label="(\d+) unread">`)

func TestInboxPageAndBadge(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	driver := app.AddMember(t, "dana@example.com", "Dana", "", carpool.RoleMember)
	rider := app.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember)
	ride := offerRide(t, app, driver)
	if _, err := storetest.NewFlows(app.Store).BookSeats(context.Background(), ride.ID, rider, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := notify.New(app.Store, notify.Options{}).FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, app)
	b.signInAs(driver)
	_, home := b.get("/")
	if m := badge.FindStringSubmatch(home); m == nil || m[1] != "1" {
		t.Fatalf("navigation: want a badge with 1 unread:\n%s", home)
	}
	_, page := b.get("/notifications")
	checkPage(t, "/notifications", page)
	if !strings.Contains(page, "New seat request") || !strings.Contains(page, "Rico asks for 1 seat") {
		t.Fatalf("inbox page does not show the request:\n%s", page)
	}
	id := regexp.MustCompile(`action="/notifications/([0-9a-f]+)/open"`).FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no Open button:\n%s", page)
	}
	res, _ := b.post("/notifications/"+id[1]+"/open", url.Values{"csrf": {b.csrf("/notifications")}, "link": {"/rides/" + ride.ID}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/rides/"+ride.ID {
		t.Fatalf("open: got %d to %q, want 303 to the ride", res.StatusCode, res.Header.Get("Location"))
	}
	if _, home := b.get("/"); badge.MatchString(home) {
		t.Fatalf("navigation still shows a badge after reading the only notification")
	}
	// A link to another site is not followed.
	res, _ = b.post("/notifications/"+id[1]+"/open", url.Values{"csrf": {b.csrf("/notifications")}, "link": {"//evil.example.com/"}}, nil)
	if res.Header.Get("Location") != "/notifications" {
		t.Fatalf("open with a foreign link: redirected to %q", res.Header.Get("Location"))
	}
}

func TestPreferencesAndCalendarFeed(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	app := webtest.Start(t, webtest.Options{Location: berlin})
	ctx := context.Background()
	driver := app.AddMember(t, "dana@example.com", "Dana", "", carpool.RoleMember)
	rider := app.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember)
	ride := offerRide(t, app, driver)
	bk, err := storetest.NewFlows(app.Store).BookSeats(ctx, ride.ID, rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(app.Store).ConfirmBooking(ctx, bk.ID, driver); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, app)
	b.signInAs(rider)

	_, page := b.get("/notifications/preferences")
	checkPage(t, "/notifications/preferences", page)
	res, _ := b.post("/notifications/preferences", url.Values{"csrf": {b.csrf("/notifications/preferences")},
		"email": {carpool.EventBookingConfirmed, carpool.EventRideUpdated}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save preferences: got %d", res.StatusCode)
	}
	choices, _ := app.Store.EmailChoices(ctx, rider.ID)
	if kinds := carpool.MailedKinds(choices); strings.Join(kinds, ",") != "booking.confirmed,ride.updated" {
		t.Fatalf("stored e-mail kinds: got %v", kinds)
	}

	_, page = b.post("/notifications/calendar", url.Values{"csrf": {b.csrf("/notifications/preferences")}}, nil)
	m := regexp.MustCompile(`http://localhost:8080(/calendar/[0-9a-f]+\.ics)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no calendar URL shown:\n%s", page)
	}
	feed := func() *ics.VEvent {
		t.Helper()
		res, body := b.get(m[1])
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("feed: got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		cal, err := ics.ParseCalendar(strings.NewReader(body))
		if err != nil {
			t.Fatalf("parse feed: %v\n%s", err, body)
		}
		checkRFC5545(t, cal, body)
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("events: got %d, want the booked ride:\n%s", len(events), body)
		}
		return events[0]
	}
	ev := feed()
	start := ev.GetProperty(ics.ComponentPropertyDtStart)
	if tz := start.ICalParameters["TZID"]; len(tz) != 1 || tz[0] != "Europe/Berlin" {
		t.Fatalf("DTSTART: got %+v, want TZID=Europe/Berlin", start)
	}
	if got, want := ev.GetProperty(ics.ComponentPropertyDtStart).Value, ride.DepartAt.In(berlin).Format("20060102T150405"); got != want {
		t.Fatalf("start: got %s, want %s (Berlin wall time)", got, want)
	}
	seq := ev.GetProperty(ics.ComponentPropertySequence).Value
	notes := "bring snacks"
	if _, err := storetest.NewFlows(app.Store).UpdateRide(ctx, ride.ID, 0, carpool.RidePatch{Notes: &notes}, driver); err != nil {
		t.Fatal(err)
	}
	if got := feed().GetProperty(ics.ComponentPropertySequence).Value; got <= seq {
		t.Fatalf("SEQUENCE after a change: got %s, want more than %s", got, seq)
	}
	if _, err := storetest.NewFlows(app.Store).CancelRide(ctx, ride.ID, driver); err != nil {
		t.Fatal(err)
	}
	if got := feed().GetProperty(ics.ComponentPropertyStatus).Value; got != "CANCELLED" {
		t.Fatalf("STATUS after the driver cancelled: got %s", got)
	}

	res, _ = b.post("/notifications/calendar/revoke", url.Values{"csrf": {b.csrf("/notifications/preferences")}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: got %d", res.StatusCode)
	}
	if res, _ := b.get(m[1]); res.StatusCode != http.StatusNotFound {
		t.Fatalf("revoked feed: got %d, want 404", res.StatusCode)
	}
}

// checkRFC5545 checks the properties RFC 5545 requires: VERSION and PRODID of the
// calendar; UID and DTSTAMP of each event, DTSTART with a zone that a VTIMEZONE defines.
func checkRFC5545(t *testing.T, cal *ics.Calendar, raw string) {
	t.Helper()
	props := map[string]bool{}
	for _, p := range cal.CalendarProperties {
		props[p.IANAToken] = true
	}
	if !props["VERSION"] || !props["PRODID"] {
		t.Fatalf("calendar lacks VERSION or PRODID:\n%s", raw)
	}
	zones := map[string]bool{}
	for _, z := range cal.Timezones() {
		zones[z.GetProperty(ics.ComponentPropertyTzid).Value] = true
	}
	for _, ev := range cal.Events() {
		for _, p := range []ics.ComponentProperty{ics.ComponentPropertyUniqueId, ics.ComponentPropertyDtstamp, ics.ComponentPropertyDtStart} {
			if ev.GetProperty(p) == nil {
				t.Fatalf("event lacks %s:\n%s", p, raw)
			}
		}
		if tz := ev.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]; len(tz) == 1 && !zones[tz[0]] {
			t.Fatalf("DTSTART in %s but no VTIMEZONE defines it:\n%s", tz[0], raw)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line longer than 75 octets: %q", line)
		}
	}
}

func TestWebhookAdminPage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	admin := app.AddMember(t, "ada@example.com", "Ada", "", carpool.RoleAdmin)
	member := app.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(member)
	if res, _ := b.get("/admin/webhooks"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("member on the webhook page: got %d, want 403", res.StatusCode)
	}
	b = newBrowser(t, app)
	b.signInAs(admin)
	_, page := b.get("/admin/webhooks")
	checkPage(t, "/admin/webhooks", page)
	token := b.csrf("/admin/webhooks")
	res, page := b.post("/admin/webhooks", url.Values{"csrf": {token}, "url": {"http://localhost:9090/metrics"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "port 80 or 443") {
		t.Fatalf("webhook at the admin port: got %d:\n%s", res.StatusCode, page)
	}
	res, page = b.post("/admin/webhooks", url.Values{"csrf": {token}, "url": {"https://chat.example.com/hook"}, "events": {"booking.confirmed, ride.cancelled"}}, nil)
	if res.StatusCode != http.StatusOK || !regexp.MustCompile(`id="webhook-secret">whsec_`).MatchString(page) {
		t.Fatalf("add webhook: got %d, want the page with the new secret:\n%s", res.StatusCode, page)
	}
	hooks, _ := app.Store.Webhooks(context.Background())
	if len(hooks) != 1 || len(hooks[0].Events) != 2 {
		t.Fatalf("stored webhooks: got %+v", hooks)
	}
}
