package browser_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestEveryPageFitsAPhone opens every page of the UI at phoneWidth, with long names and a
// driver's ride full of requests (the widest content there is), and fails when any page
// can be scrolled sideways.
func TestEveryPageFitsAPhone(t *testing.T) {
	browser := startBrowser(t, 2*time.Minute)
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	fm := app.AddMember(t, "fleet.manager.with.a.long.address@example.com", "Franziska Fleetmanagerin-Langname", "+49 89 1000 2000 3000", carpool.RoleAdmin)
	site := carpool.Site{ID: carpool.NewID(), Name: "Headquarters Munich Riem Business Campus", Address: "Willy-Brandt-Platz 1234, 81829 München",
		Lat: 48.1, Lon: 11.5, Version: 1}
	must(app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M-CP 1234", Make: "Volkswagen", Model: "ID.Buzz Cargo Long",
		Seats: 7, Status: carpool.CarActive, Version: 1}
	must(app.Store.CreateCar(ctx, car))
	start := time.Now().Add(24 * time.Hour)
	res, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, fm, carpool.ReservationTrip, start, start.Add(4*time.Hour))
	must(err)
	ride, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{
		CarID: car.ID, ReservationID: res.ID, DepartAt: start.Add(time.Hour), Seats: 2, BookingMode: carpool.BookingApproval,
		From: carpool.Place{Label: "Headquarters Munich Riem Business Campus", Lat: 48.1, Lon: 11.5},
		To:   carpool.Place{Label: "Franz Josef Strauss Airport Terminal 2", Lat: 48.35, Lon: 11.78},
	}, fm)
	must(err)
	// One confirmed passenger (whose long address the driver sees), one pending request
	// (Confirm and Reject buttons), one on the waitlist.
	for i, name := range []string{"Maximilian Mustermann-Schmidt", "Anna-Lena Oberhuber-Wittelsbach", "Bartholomäus Grünwald"} {
		email := "passenger." + string(rune('a'+i)) + ".with.a.very.long.address@subsidiary.example.com"
		p := app.AddMember(t, email, name, "+49 170 123456789", carpool.RoleMember)
		b, err := storetest.NewFlows(app.Store).BookSeats(ctx, ride.ID, p, carpool.BookingRequest{Seats: 1, Waitlist: true})
		must(err)
		if i == 0 {
			_, err = storetest.NewFlows(app.Store).ConfirmBooking(ctx, b.ID, fm)
			must(err)
		}
	}

	visitor := newPerson(t, browser, app.URL, "visitor")
	for _, path := range []string{"/signin"} {
		checkFits(t, visitor, path)
	}
	driver := newPerson(t, browser, app.URL, "admin")
	driver.signIn(fm.Email, webtest.Password)
	for _, path := range []string{
		"/", "/rides", "/rides?seats=1&from=site:" + site.ID,
		"/rides?seats=1&match=route&from=site:" + site.ID + "&to=" + url.QueryEscape("at:48.35,11.78|Franz Josef Strauss Airport Terminal 2"),
		"/places", "/rides/new", "/rides/new?source=res:" + res.ID,
		"/rides/" + ride.ID, "/cars", "/cars/" + car.ID, "/cars/" + car.ID + "?view=day", "/mycars",
		"/fleet", "/fleet/sites/" + site.ID, "/fleet/cars/" + car.ID, "/fleet/utilisation", "/profile", "/admin/members", "/admin/audit", "/no-such-page",
	} {
		checkFits(t, driver, path)
	}
}

// checkFits opens path and fails when the page is wider than the viewport.
func checkFits(t *testing.T, p *person, path string) {
	t.Helper()
	p.in(t).open(path)
	widths, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]int](
		"[document.documentElement.scrollWidth, document.documentElement.clientWidth]"))
	if err != nil || len(widths) != 2 {
		t.Fatalf("%s: measure: %v", path, err)
	}
	scroll, client := widths[0], widths[1]
	if scroll > client {
		t.Errorf("%s scrolls sideways at %d px: scrollWidth %d > clientWidth %d", path, phoneWidth, scroll, client)
	}
}
