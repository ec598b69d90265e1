package browser_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestReportsInBothLanguages opens the fleet report as an English and a German fleet
// manager, at a desktop's and a phone's width, and saves a screenshot of each: the words,
// dates and numbers follow the member's language, and no page scrolls sideways. A
// visitor switches the sign-in page to German with the language switch.
func TestReportsInBothLanguages(t *testing.T) {
	browser := startBrowser(t, 2*time.Minute)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 3, 20, 12, 0, 0, 0, berlin)
	app := webtest.Start(t, webtest.Options{Location: berlin, Now: func() time.Time { return clock }})
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	english := app.AddMember(t, "fran@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	german := app.AddMember(t, "frida@example.com", "Frida Fuhrpark", "", carpool.RoleFleetManager)
	_, err = storetest.NewFlows(app.Store).ChangeMember(ctx, german.ID, func(m *carpool.Member) error { m.Language = "de"; return nil })
	must(err)
	pat := app.AddMember(t, "pat@example.com", "Pat Passenger", "", carpool.RoleMember)

	// Two sites with a pool car each; in each of two weeks a shared ride to Potsdam.
	for i, name := range []string{"Berlin Mitte", "Potsdam Babelsberg"} {
		site := carpool.Site{ID: carpool.NewID(), Name: name, Address: "Straße " + name, Lat: 52.52 - float64(i)*0.13, Lon: 13.40 - float64(i)*0.33, Version: 1}
		must(app.Store.CreateSite(ctx, site))
		car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "B-CP " + string(rune('1'+i)), Make: "VW", Model: "ID.3",
			Seats: 5, Status: carpool.CarActive, Version: 1}
		must(app.Store.CreateCar(ctx, car))
		for week := 0; week < 2; week++ {
			start := time.Date(2026, 3, 23+7*week+i, 8, 0, 0, 0, berlin)
			res, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, english, carpool.ReservationTrip, start, start.Add(time.Duration(6+week*3)*time.Hour))
			must(err)
			ride, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, ReservationID: res.ID, DepartAt: start.Add(time.Hour), Seats: 3,
				From: carpool.Place{Label: "Berlin", Lat: 52.5170, Lon: 13.3889}, To: carpool.Place{Label: "Potsdam", Lat: 52.3906, Lon: 13.0645}}, english)
			must(err)
			_, err = storetest.NewFlows(app.Store).BookSeats(ctx, ride.ID, pat, carpool.BookingRequest{Seats: 1 + week})
			must(err)
		}
	}
	clock = time.Date(2026, 4, 8, 12, 0, 0, 0, berlin)

	dir := screenDir(t)
	const report = "/fleet/reports?from=2026-03-23&to=2026-04-05"
	for _, tt := range []struct {
		lang           string
		m              carpool.Member
		hello, heading string
		words          []string
	}{
		{"en", english, "Hello", "Reports", []string{"Rides shared", "23 Mar 2026", "Pool-car utilisation per week", "km"}},
		{"de", german, "Hallo", "Berichte", []string{"Geteilte Fahrten", "23.03.2026", "Auslastung der Poolautos pro Woche", ",", "Woche für Woche"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			p := newPerson(t, browser, app.URL, tt.m.Name).in(t)
			p.open("/signin")
			p.fill("email", tt.m.Email)
			p.fill("password", webtest.Password)
			p.submitOK(`form[action="/signin"] button[type="submit"]`)
			p.wantText("h1", tt.hello)
			p.open(report)
			p.wantText("h1", tt.heading)
			main := p.text("main")
			for _, w := range tt.words {
				if !strings.Contains(main, w) {
					t.Errorf("%s report: want %q on the page", tt.lang, w)
				}
			}
			if tt.lang == "de" && (strings.Contains(main, "Rides shared") || !strings.Contains(p.text("#totals"), ",")) {
				t.Errorf("German report: want German words and decimal commas, got:\n%s", p.text("#totals"))
			}
			for _, width := range []int{1280, 390} {
				p.screenshotAt(dir, "reports-"+tt.lang+"-"+strconv.Itoa(width), width)
			}
		})
	}

	t.Run("visitor switches to German", func(t *testing.T) {
		v := newPerson(t, browser, app.URL, "visitor").in(t)
		v.open("/signin")
		v.wantText("h1", "Sign in")
		v.do("switch to Deutsch", chromedp.Click(chromedp.CSS(`a[hreflang="de"]`)), chromedp.WaitReady(chromedp.CSS("main")))
		v.wantText("h1", "Anmelden")
		v.open("/signin") // the cookie keeps the choice
		v.wantText("h1", "Anmelden")
		v.screenshotAt(dir, "signin-de-390", 390)
	})
}
