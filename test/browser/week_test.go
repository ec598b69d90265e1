package browser_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestCommutersWeekOnAPhone is a German commuter's week on a 390×844 phone whose browser
// reads German and runs in Berlin, on an installation left at its default zone (UTC):
// she signs up, saves her home and her office, finds a colleague's commute day passing
// her home and asks for a seat with her pickup; the driver confirms, moves the departure
// on the ride's page and then cancels that day; she reads each
// change in her inbox in German and on her clock, follows the alternative the notice
// offers, and her calendar feed follows along. Every page she sees is German, never says
// "UTC", fits the phone's width, and is saved as a screenshot. Frida, the fleet manager,
// does her part of the week at her desk (1280 px), in German too: a site typed in with
// its coordinates, a pool car, a parking space and the day's list, members, reports.
func TestCommutersWeekOnAPhone(t *testing.T) {
	browser := startBrowser(t, 8*time.Minute)
	dir := screenDir(t)
	app := webtest.Start(t, webtest.Options{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	ctx, cancel := context.WithCancel(context.Background())
	relayDone := make(chan struct{})
	go func() {
		notify.New(app.Store, notify.Options{Poll: 50 * time.Millisecond}).Run(ctx)
		close(relayDone)
	}()
	t.Cleanup(func() { cancel(); <-relayDone })
	berlin := berlinZone(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Two German drivers: Dieter commutes Berlin Mitte → Potsdam on workdays at 07:30,
	// confirming each passenger himself; Erika drives the same way once, 20 minutes later.
	german := func(m carpool.Member) carpool.Member {
		m, err := storetest.NewFlows(app.Store).ChangeMember(ctx, m.ID, func(m *carpool.Member) error { m.Language, m.TimeZone = "de", "Europe/Berlin"; return nil })
		must(err)
		return m
	}
	dieter := german(app.AddMember(t, "dieter@example.com", "Dieter Pendler", "+49 170 4444444", carpool.RoleMember))
	erika := german(app.AddMember(t, "erika@example.com", "Erika Später", "+49 170 5555555", carpool.RoleMember))
	// Frida runs the fleet and the members from her desk in Berlin.
	frida := german(app.AddMember(t, "frida@example.com", "Frida Fuhrpark", "", carpool.RoleAdmin))
	carOf := func(owner carpool.Member, plate string) string {
		car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: plate, Make: "VW", Model: "Golf", Seats: 5, OwnerID: owner.ID,
			Status: carpool.CarActive, Version: 1}
		must(app.Store.CreateCar(ctx, car))
		return car.ID
	}
	mitte := carpool.Place{Label: "Berlin Mitte", Lat: 52.5200, Lon: 13.4050}
	potsdam := carpool.Place{Label: "Potsdam Hauptbahnhof", Lat: 52.3917, Lon: 13.0670}
	today := carpool.DateOf(time.Now().In(berlin))
	series, err := storetest.NewFlows(app.Store).CreateSeries(ctx, carpool.SeriesInput{CarID: carOf(dieter, "B DP 1"), From: mitte, To: potsdam,
		Weekdays: carpool.WorkWeek, DepartTime: carpool.Clock{Hour: 7, Minute: 30}, TimeZone: "Europe/Berlin", Seats: 3,
		BookingMode: carpool.BookingApproval, StartsOn: today.AddDays(1), EndsOn: today.AddDays(14)}, dieter)
	must(err)
	_, err = storetest.NewFlows(app.Store).MaterialiseSeries(ctx, carpool.DefaultSeriesHorizon)
	must(err)
	day := today.AddDays(2) // a workday far enough ahead for every change below
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDays(1)
	}
	at := func(h, m int) time.Time { return time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, berlin) }
	later, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{CarID: carOf(erika, "B ES 2"), From: mitte, To: potsdam,
		DepartAt: at(7, 50), Seats: 3, BookingMode: carpool.BookingInstant}, erika)
	must(err)

	greta := newPerson(t, browser, app.URL, "Greta")
	greta.germanPhoneInBerlin()
	dieterP := newPerson(t, browser, app.URL, "Dieter")
	dieterP.viewport(phoneW, phoneH)
	var me carpool.Member
	var rideID, feedURL string
	var pickupBefore, pickupAt, laterPickupAt string // her pickup on each ride, on her clock

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow() // each step builds on the one before
		}
	}

	step("1 signs up on her phone", func(t *testing.T) {
		g := greta.in(t)
		g.open("/signup")
		g.look(dir, "week-1-signup")
		g.fill("email", "greta@example.com")
		g.fill("name", "Greta Gern")
		g.fill("password", webtest.Password)
		g.submitOK(`form[action="/signup"] button[type="submit"]`)
		me, err = app.Store.MemberByEmail(ctx, "greta@example.com")
		if err != nil {
			t.Fatalf("no member after sign-up: %v; page says %s", err, g.text("main"))
		}
		if me.Language != "de" || me.TimeZone != "Europe/Berlin" {
			t.Fatalf("new member: got language %q zone %q, want de and Europe/Berlin from her browser", me.Language, me.TimeZone)
		}
		g.signInDE(me.Email)
		g.wantText("footer", "Europe/Berlin")
		g.look(dir, "week-1-home")
	})

	var home, office carpool.SavedPlace
	step("2 saves her commute: home and office", func(t *testing.T) {
		g := greta.in(t)
		for _, pl := range []struct {
			name     string
			lat, lon float64
		}{{"Zuhause Zehlendorf", 52.4690, 13.2700}, {"Büro Babelsberg", 52.4040, 13.1010}} {
			g.open("/places")
			g.fill("name", pl.name)
			dropPin(g, "place", pl.lat, pl.lon)
			g.submitOK(`form[action="/places"] button[type="submit"]:not([name])`)
			g.wantText("#saved-places", pl.name)
		}
		g.look(dir, "week-2-places")
		places, err := app.Store.Places(ctx, me.ID)
		must(err)
		for _, pl := range places {
			switch pl.Name {
			case "Zuhause Zehlendorf":
				home = pl
			case "Büro Babelsberg":
				office = pl
			}
		}
		if home.ID == "" || office.ID == "" {
			t.Fatalf("saved places: got %+v, want home and office", places)
		}
	})

	step("3 finds Dieter's commute day along her way and asks for a seat from her home", func(t *testing.T) {
		g := greta.in(t)
		g.open("/rides")
		g.fill("from", "place:"+home.ID)
		g.fill("to", "place:"+office.ID)
		g.fill("day", day.String())
		g.submitOK(`form[action="/rides"] button[type="submit"]:not([name])`)
		results := g.text("#results")
		for _, want := range []string{"Berlin Mitte → Potsdam Hauptbahnhof", "07:30", "07:50", "Dieter Pendler", "Erika Später"} {
			if !strings.Contains(results, want) {
				t.Errorf("results: want %q in %q", want, results)
			}
		}
		// Each ride's line on the results map runs by way of her home and her office.
		for _, line := range strings.Split(eval[string](g, `document.querySelector("#results-map").dataset.lines || ""`), ";") {
			if want := "52.52,13.405 52.469,13.27 52.404,13.101 52.3917,13.067"; line != want {
				t.Errorf("results map line: got %q, want %q", line, want)
			}
		}
		g.look(dir, "week-3-results")
		rideID = eval[string](g, `[...document.querySelectorAll("#results li")].find(li => li.textContent.includes("Dieter")).dataset.id`)
		g.follow(`#results li[data-id="` + rideID + `"] a`)
		g.wantText("#my-pickup", "Abholung an Zuhause Zehlendorf")
		g.wantText("#my-pickup", "Absetzen an Büro Babelsberg")
		g.submitOK(`form[action$="/book"] button[type="submit"]`)
		g.wantText("#my-booking", "angefragt")
		g.wantText("#my-pickup", "Zuhause Zehlendorf")
		g.look(dir, "week-3-requested")
	})

	step("4 Dieter confirms; her inbox says so in German on her clock, with her pickup", func(t *testing.T) {
		d := dieterP.in(t)
		d.signInDE(dieter.Email)
		d.open("/rides/" + rideID)
		// Before he confirms, the driver sees only about where and when he would stop.
		d.wantText("td.pickup", "auf etwa 500 m")
		if strings.Contains(d.text("main"), "Zuhause") {
			t.Errorf("the driver sees Greta's place before confirming her")
		}
		d.submitOK(`form[action$="/confirm"] button[type="submit"]`)
		d.wantText("td.pickup", "Zuhause Zehlendorf")
		// The map's line goes from the start by way of her pickup and drop-off to the end.
		line := eval[string](d, `document.querySelector("#ride-map").dataset.line || ""`)
		if want := "52.52,13.405 52.469,13.27 52.404,13.101 52.3917,13.067"; line != want {
			t.Errorf("the driver's map line: got %q, want %q", line, want)
		}
		d.look(dir, "week-4-driver-confirmed")

		g := greta.in(t)
		inbox := g.eventuallyText("/notifications", "Platz bestätigt")
		for _, want := range []string{"Berlin Mitte → Potsdam Hauptbahnhof", "07:30", "Ihre Abholung: Zuhause Zehlendorf"} {
			if !strings.Contains(inbox, want) {
				t.Errorf("inbox: want %q in %q", want, inbox)
			}
		}
		if gap := g.gapBetween(`main li:first-child form[action$="/open"] button`, `main li:first-child form[action$="/read"] button`); gap < 16 {
			t.Errorf("inbox: Öffnen and Als gelesen markieren are %.0f px apart, want at least 16", gap)
		}
		g.look(dir, "week-4-inbox-confirmed")
		g.open("/rides/" + rideID)
		g.wantText("#my-booking", "bestätigt")
		g.wantText("#driver-phone", "+49 170 4444444")
		pickupBefore = g.pickupClock()
		// Scrolled so the map's zoom buttons pass under the bottom bar, the bar stays on top.
		if !eval[bool](g, `(() => {
			const zoom = document.querySelector("#ride-map .leaflet-control-zoom"), bar = document.querySelector("nav.primary");
			const mid = r => (r.top + r.bottom) / 2;
			window.scrollBy(0, mid(zoom.getBoundingClientRect()) - mid(bar.getBoundingClientRect()));
			const r = zoom.getBoundingClientRect(), hit = document.elementFromPoint((r.left + r.right) / 2, mid(r));
			window.scrollTo(0, 0);
			return bar.contains(hit);
		})()`) {
			t.Errorf("the map's zoom buttons cover the bottom bar")
		}
		// The map's own buttons speak her language too.
		if got := eval[string](g, `document.querySelector("#ride-map .leaflet-control-zoom-in").getAttribute("aria-label")`); got != "Vergrößern" {
			t.Errorf("the map's zoom-in button: got %q, want Vergrößern", got)
		}
		g.look(dir, "week-4-ride-confirmed")
	})

	step("5 Dieter moves the departure to 07:45 on the ride's page; she sees the new time and her later pickup", func(t *testing.T) {
		d := dieterP.in(t)
		d.open("/rides/" + rideID)
		// The form shows the departure on his clock, as he would type it.
		if got, want := d.value("#depart"), at(7, 30).Format("2006-01-02T15:04"); got != want {
			t.Errorf("the departure form: got %q, want %q", got, want)
		}
		// A time already past is refused beside the input, in German, and changes nothing.
		d.fill("depart", time.Now().In(berlin).Add(-2*time.Hour).Format("2006-01-02T15:04"))
		if status := d.submit(`#departure-form button[type="submit"]`); status != http.StatusUnprocessableEntity {
			t.Errorf("a departure in the past: got HTTP %d, want 422", status)
		}
		d.wantText("#depart-error", "Abfahrt")
		d.look(dir, "week-5-driver-past-refused")
		d.fill("depart", at(7, 45).Format("2006-01-02T15:04"))
		d.submitOK(`#departure-form button[type="submit"]`)
		d.wantText(".flash", "Abfahrt geändert")
		d.wantText("main dl", "07:45")
		if got, want := d.value("#depart"), at(7, 45).Format("2006-01-02T15:04"); got != want {
			t.Errorf("the departure form after the change: got %q, want %q", got, want)
		}
		d.look(dir, "week-5-driver-moved")

		// She is picked up 15 minutes later, and told so with her own pickup time.
		moved, err := time.Parse("15:04", pickupBefore)
		must(err)
		wantPickup := moved.Add(15 * time.Minute).Format("15:04")
		g := greta.in(t)
		inbox := g.eventuallyText("/notifications", "Fahrt geändert")
		for _, want := range []string{"07:45", "Ihre Abholung: Zuhause Zehlendorf, gegen " + wantPickup} {
			if !strings.Contains(inbox, want) {
				t.Errorf("inbox: want %q in %q", want, inbox)
			}
		}
		g.look(dir, "week-5-inbox-moved")
		g.open("/rides/" + rideID)
		g.wantText("main dl", "07:45")
		g.wantText("#my-booking", "bestätigt")
		g.wantText("#my-pickup", "Zuhause Zehlendorf")
		if pickupAt = g.pickupClock(); pickupAt != wantPickup {
			t.Errorf("her pickup after the move: got %s, want %s (it was %s)", pickupAt, wantPickup, pickupBefore)
		}
		g.look(dir, "week-5-ride-moved")
	})

	step("6 her calendar feed has the ride at 07:45 Berlin time", func(t *testing.T) {
		g := greta.in(t)
		g.open("/notifications/preferences")
		g.submitOK(`form[action="/notifications/calendar"] button[type="submit"]`)
		// The link names the installation's public address, which the test app leaves at
		// its default; the path is the credential.
		link, err := url.Parse(g.text("#calendar-url"))
		must(err)
		if !strings.HasSuffix(link.Path, ".ics") {
			t.Fatalf("calendar link: got %q, want a feed", link)
		}
		feedURL = app.URL + link.Path
		g.look(dir, "week-6-calendar-link")
		feed := fetchFeed(t, feedURL)
		// Her event starts when she is picked up, on the Berlin clock.
		for _, want := range []string{"DTSTART;TZID=Europe/Berlin:" + strings.ReplaceAll(day.String(), "-", "") + "T" + strings.ReplaceAll(pickupAt, ":", "") + "00",
			"SUMMARY:Mitfahrt: Berlin Mitte → Potsdam Hauptbahnhof", "LOCATION:Zuhause Zehlendorf", "STATUS:CONFIRMED"} {
			if !strings.Contains(feed, want) {
				t.Errorf("calendar feed: want %q in\n%s", want, feed)
			}
		}
	})

	step("7 Dieter cancels that day; she is told and offered Erika's ride", func(t *testing.T) {
		d := dieterP.in(t)
		d.open("/commutes/" + series.ID)
		d.submitOK(`form[action$="/skip"]:has(input[value="` + day.String() + `"]) button`)
		d.wantText("#consequences", "Greta Gern") // she booked the day on its own
		d.wantText("#consequences", "07:45")      // the day as he moved it
		if gap := d.gapBetween("#confirm", `#confirm ~ a.button`); gap < 8 {
			t.Errorf("confirmation: its two buttons are %.0f px apart, want at least 8", gap)
		}
		d.look(dir, "week-7-driver-skips")
		d.submitOK("#confirm")

		g := greta.in(t)
		inbox := g.eventuallyText("/notifications", "stattdessen")
		if !strings.Contains(inbox, "07:50") {
			t.Errorf("inbox: want Erika's 07:50 as the alternative in %q", inbox)
		}
		g.look(dir, "week-7-inbox-cancelled")
		g.submitOK(`form:has(input[name="link"][value^="/rides/` + later.ID + `"]) button[type="submit"]`)
		g.wantText("#my-pickup", "Zuhause Zehlendorf")
		g.submitOK(`form[action$="/book"] button[type="submit"]`)
		g.wantText("#my-booking", "bestätigt")
		g.wantText("main", "07:50")
		laterPickupAt = g.pickupClock()
		g.look(dir, "week-7-alternative-booked")
	})

	step("8 home and the calendar feed show the new ride and the cancelled one", func(t *testing.T) {
		g := greta.in(t)
		g.open("/")
		g.wantText("main", "07:50")
		g.wantText("main", "Zuhause Zehlendorf")
		g.look(dir, "week-8-home")
		feed := fetchFeed(t, feedURL)
		for _, want := range []string{"STATUS:CANCELLED", "DTSTART;TZID=Europe/Berlin:" + strings.ReplaceAll(day.String(), "-", "") + "T" + strings.ReplaceAll(laterPickupAt, ":", "") + "00"} {
			if !strings.Contains(feed, want) {
				t.Errorf("calendar feed: want %q in\n%s", want, feed)
			}
		}
		if regexp.MustCompile(`(?m)^DT(START|END)[:;].*Z\r?$`).MatchString(feed) {
			t.Errorf("calendar feed has times in UTC:\n%s", feed)
		}
	})

	step("9 the fleet manager's week at 1280 px: a site typed in, a pool car, parking, members, reports", func(t *testing.T) {
		f := newPerson(t, browser, app.URL, "Frida").in(t)
		f.viewport(desktopW, desktopH)
		f.readsGermanInBerlin()
		f.signInDE(frida.Email)
		// A site from its address and coordinates typed in, as a keyboard user makes it:
		// Potsdam Hauptbahnhof, where Erika's ride ends.
		f.open("/fleet")
		f.look(dir, "week-9-fleet")
		// Without a name and with coordinates that are no place, the form says what to
		// fix at each field, in German.
		f.fill("location_coords", "am Bahnhof")
		if status := f.submit(`form[action="/fleet/sites"] button[type="submit"]:not([name])`); status != http.StatusUnprocessableEntity {
			t.Errorf("a site without name, address and place: got HTTP %d, want 422", status)
		}
		for _, field := range []string{"name", "address", "location_coords"} {
			if !f.has("#" + field + "-error") {
				t.Errorf("the site form: no error beside %s", field)
			}
		}
		f.wantText("#location_coords-error", "Breite und Länge")
		f.look(dir, "week-9-fleet-site-refused")
		f.fill("name", "Potsdam Hbf")
		f.fill("address", "Babelsberger Straße 16, 14473 Potsdam")
		f.fill("time_zone", "Europe/Berlin")
		f.fill("location_coords", "52,3917; 13,0670")
		f.submitOK(`form[action="/fleet/sites"] button[type="submit"]:not([name])`)
		f.wantText(".flash", "Standort gespeichert")
		f.wantText("main", "Potsdam Hbf")
		f.wantText("main", "52,3917; 13,0670")
		f.fill("plate", "P HB 1")
		f.fill("make", "VW")
		f.fill("model", "ID.3")
		f.fill("seats", "5")
		f.submitOK(`form[action="/fleet/cars"] button[type="submit"]`)
		f.wantText(".flash", "Auto gespeichert")
		f.wantText("main table", "VW ID.3 (P HB 1)")
		f.look(dir, "week-9-fleet-site-and-car")
		siteID := eval[string](f, `document.querySelector('main a[href^="/fleet/sites/"]').getAttribute("href").split("/").pop()`)
		site, err := app.Store.Site(ctx, siteID)
		must(err)
		if site.Name != "Potsdam Hbf" || site.TimeZone != "Europe/Berlin" || site.Lat != 52.3917 || site.Lon != 13.067 {
			t.Fatalf("the new site: got %+v, want Potsdam Hbf at 52.3917, 13.067 in Berlin", site)
		}
		f.follow(`main table a[href^="/fleet/cars/"]`)
		f.wantText("main", "P HB 1")
		f.look(dir, "week-9-pool-car")

		f.open("/fleet/sites/" + site.ID)
		f.fill("new-space", "P1")
		f.submitOK(`form[action="/fleet/sites/` + site.ID + `/parking-spaces"] button[type="submit"]`)
		f.wantText(".flash", "Parkplätze gespeichert")
		f.wantText("#parking", "P1")
		f.look(dir, "week-9-site-parking")
		f.open("/fleet/sites/" + site.ID + "/parking?date=" + day.String())
		f.wantText("h1", "Potsdam Hbf")
		// Erika's ride, with Greta aboard, ends here that day: she holds the space.
		for _, want := range []string{"P1", "B ES 2", "Erika Später"} {
			f.wantText("#parking-day", want)
		}
		f.look(dir, "week-9-parking-list")

		f.open("/admin/members")
		for _, who := range []string{"Greta Gern", "Dieter Pendler", "Erika Später"} {
			f.wantText("#members", who)
		}
		f.look(dir, "week-9-members")
		f.open("/fleet/reports")
		f.wantText("h1", "Berichte")
		f.look(dir, "week-9-reports")
		f.open("/fleet/utilisation")
		f.look(dir, "week-9-utilisation")
		f.open("/admin/audit")
		// Each of her changes in her words: what happened, and the record's own name.
		for _, want := range []string{"Standort angelegt", "Auto angelegt", "Parkplatz hinzugefügt"} {
			f.wantText("#audit", want)
		}
		f.look(dir, "week-9-audit")
	})
}

// germanPhoneInBerlin makes the person's browser a German phone in Berlin: a 390×844
// viewport, German as the language it asks for and formats in, Berlin as its zone.
func (p *person) germanPhoneInBerlin() {
	p.t.Helper()
	p.viewport(phoneW, phoneH)
	p.readsGermanInBerlin()
}

// readsGermanInBerlin makes the person's browser ask for German, format in German and
// run in Berlin's zone, at whatever size it has.
func (p *person) readsGermanInBerlin() {
	p.t.Helper()
	ua, err := chromedp.Run(p.ctx, chromedp.Evaluate[string]("navigator.userAgent"))
	if err != nil {
		p.t.Fatalf("%s: user agent: %v", p.name, err)
	}
	// Chromium adds the q-values to the languages itself: "de-DE,de;q=0.9" on the wire.
	p.do("read German in Berlin", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: "de-DE,de"}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: "de_DE"}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"})
		return err
	}))
}

// look checks what the person sees on the current page, a German page that says no
// "UTC", shows no English text of the catalogues and scrolls not sideways, and saves it
// as dir/name.png.
func (p *person) look(dir, name string) {
	p.t.Helper()
	type seen struct {
		Lang                     string
		Text                     string
		ScrollWidth, ClientWidth int
	}
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[seen](`({lang: document.documentElement.lang, text: document.body.innerText,
		scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth})`))
	if err != nil {
		p.t.Fatalf("%s: read %s: %v", p.name, name, err)
	}
	if s.Lang != "de" {
		p.t.Errorf("%s: page %s is in %q, want de", p.name, name, s.Lang)
	}
	if strings.Contains(s.Text, "UTC") {
		p.t.Errorf("%s: page %s says UTC to a member in Berlin:\n%s", p.name, name, s.Text)
	}
	p.englishOnPage(name)
	if s.ScrollWidth > s.ClientWidth {
		p.t.Errorf("%s: page %s scrolls sideways: scrollWidth %d > clientWidth %d", p.name, name, s.ScrollWidth, s.ClientWidth)
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.name, err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatalf("save screenshot: %v", err)
	}
	p.t.Logf("screenshot: %s", file)
}

// eventuallyText reloads path until its main text contains want, and returns that text:
// the relay delivers in the background.
func (p *person) eventuallyText(path, want string) string {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p.open(path)
		if got := p.text("main"); strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: %q not on %s within 20s; page says: %s", p.name, want, path, p.text("main"))
		}
		time.Sleep(100 * time.Millisecond) // polling, bounded by the deadline
	}
}

// fetchFeed reads a calendar feed as a calendar application does: by its URL alone.
func fetchFeed(t *testing.T, feed string) string {
	t.Helper()
	res, err := http.Get(feed)
	if err != nil {
		t.Fatalf("calendar feed: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("calendar feed: got HTTP %d %v, want 200", res.StatusCode, err)
	}
	return string(body)
}

// pickupClock is the time the ride page tells the passenger she is picked up.
func (p *person) pickupClock() string {
	p.t.Helper()
	text := p.text("#my-pickup")
	m := regexp.MustCompile(`gegen (\d\d:\d\d)`).FindStringSubmatch(text)
	if m == nil {
		p.t.Fatalf("%s: your pickup: got %q, want a time on her clock", p.name, text)
	}
	return m[1]
}

// gapBetween is the free space between two elements on the page, across or down,
// whichever way they stand apart (negative when they overlap).
func (p *person) gapBetween(a, b string) float64 {
	p.t.Helper()
	return eval[float64](p, fmt.Sprintf(`(() => {
		const r = document.querySelector(%q).getBoundingClientRect(), q = document.querySelector(%q).getBoundingClientRect();
		return Math.max(q.left - r.right, r.left - q.right, q.top - r.bottom, r.top - q.bottom);
	})()`, a, b))
}
