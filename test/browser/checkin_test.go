package browser_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestSiteQRCheckIn: a fleet manager shows the site's code of the day; a passenger whose
// ride ends there opens the code's link on a phone, sees the ride and checks in with one
// tap; the code of another site lists none of her rides, and a forged code is refused.
func TestSiteQRCheckIn(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	dir := screenDir(t)
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fm := app.AddMember(t, "fiona@example.com", "Fiona Fleet", "", carpool.RoleFleetManager)
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	airport := carpool.Site{ID: carpool.NewID(), Name: "Airport office", Address: "Terminal 2", Lat: 48.3537, Lon: 11.7862, Version: 1}
	harbour := carpool.Site{ID: carpool.NewID(), Name: "Harbour office", Address: "Kai 1", Lat: 53.54, Lon: 9.98, Version: 1}
	for _, s := range []carpool.Site{airport, harbour} {
		if err := app.Store.CreateSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	flows := storetest.NewFlows(app.Store).WithLimits(carpool.Limits{})
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M DD 8", Make: "VW", Model: "Golf", Seats: 4,
		OwnerID: dora.ID, Status: carpool.CarActive, Version: 1}
	if err := app.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	// Leaving in ten minutes: check-in is open.
	ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, From: carpool.Place{Label: "Marienplatz", Lat: 48.1372, Lon: 11.5756},
		To: carpool.Place{Label: "Airport", Lat: 48.3538, Lon: 11.7861}, DepartAt: time.Now().Add(10 * time.Minute), Seats: 3,
		BookingMode: carpool.BookingInstant}, dora)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flows.BookSeats(ctx, ride.ID, pia, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}

	f := newPerson(t, browser, app.URL, "Fiona").in(t)
	f.signIn(fm.Email, webtest.Password)
	codeURL := func(site carpool.Site) *url.URL {
		f.open("/fleet/sites/" + site.ID + "/check-in-code")
		if !f.has("#site-code svg.qr path") {
			t.Fatalf("%s: the code page shows no QR code", site.Name)
		}
		u, err := url.Parse(f.text(".code-url"))
		if err != nil || u.Path != "/check-in" || u.Query().Get("code") == "" {
			t.Fatalf("%s: the code's link %q: %v", site.Name, f.text(".code-url"), err)
		}
		return u
	}
	airportCode := codeURL(airport)
	f.screenshot(dir, "checkin-1-site-code")
	harbourCode := codeURL(harbour)

	p := newPerson(t, browser, app.URL, "Pia").in(t)
	p.signIn(pia.Email, webtest.Password)
	p.open(airportCode.RequestURI())
	p.wantText("h1", "Airport office")
	p.wantText("#code-rides", "Marienplatz → Airport")
	p.screenshot(dir, "checkin-2-code-page")
	p.submitOK(`#code-rides form[action="/rides/` + ride.ID + `/check-in"] button[type="submit"]`)
	if !strings.HasSuffix(strings.SplitN(p.url(), "?", 2)[0], "/rides/"+ride.ID) {
		t.Errorf("after the check-in: at %s, want the ride's page", p.url())
	}
	p.wantText(".flash", "You are checked in.")
	p.screenshot(dir, "checkin-3-checked-in")
	ins, err := app.Store.RideCheckIns(ctx, ride.ID)
	if err != nil || len(ins) != 1 || ins[0].MemberID != pia.ID || ins[0].SiteID != airport.ID {
		t.Fatalf("check-ins of the ride: got %+v, %v, want Pia's at the airport", ins, err)
	}

	// The harbour's code lists Dora's open ride too (a code may serve a ride's start or
	// its end), but checking in with it is refused: the ride passes nowhere near.
	d := newPerson(t, browser, app.URL, "Dora").in(t)
	d.signIn(dora.Email, webtest.Password)
	d.open(harbourCode.RequestURI())
	d.wantText("h1", "Harbour office")
	if status := d.submit(`#code-rides form[action="/rides/` + ride.ID + `/check-in"] button[type="submit"]`); status < 400 {
		t.Errorf("check-in with the harbour's code: got HTTP %d, want a refusal", status)
	}
	d.screenshot(dir, "checkin-4-other-site-refused")
	if ins, err := app.Store.RideCheckIns(ctx, ride.ID); err != nil || len(ins) != 1 {
		t.Errorf("after the refused check-in: got %+v, %v, want Pia's alone", ins, err)
	}
	// A code changed by hand is refused.
	forged := airportCode.Query()
	forged.Set("code", forged.Get("code")+"x")
	p.open("/check-in?" + forged.Encode())
	if p.has("#code-rides") {
		t.Errorf("a forged code lists rides")
	}
}

// TestSiteSecurityDayList: the guard at the gate signs in, lands on the parking lists,
// opens the site's list of a day, which reads well at 1280 px and prints as the list
// alone; the rest of the UI sends them back to the lists.
func TestSiteSecurityDayList(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	dir := screenDir(t)
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fm := app.AddMember(t, "fiona@example.com", "Fiona Fleet", "", carpool.RoleFleetManager)
	app.AddMember(t, "gus@example.com", "Gus Guard", "", carpool.RoleSiteSecurity)
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "Airport office", Address: "Terminal 2", Lat: 48.3537, Lon: 11.7862, Version: 1}
	if err := app.Store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	flows := storetest.NewFlows(app.Store).WithLimits(carpool.Limits{})
	if _, err := flows.AddParkingSpace(ctx, site.ID, "P1", fm); err != nil {
		t.Fatal(err)
	}
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M DD 9", Make: "VW", Model: "Golf", Seats: 4,
		OwnerID: dora.ID, Status: carpool.CarActive, Version: 1}
	if err := app.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().AddDate(0, 0, 2)
	depart := time.Date(at.Year(), at.Month(), at.Day(), 7, 0, 0, 0, time.UTC)
	ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, From: carpool.Place{Label: "Marienplatz", Lat: 48.1372, Lon: 11.5756},
		To: carpool.Place{Label: "Airport", Lat: 48.3538, Lon: 11.7861}, DepartAt: depart, Seats: 3, BookingMode: carpool.BookingInstant}, dora)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flows.BookSeats(ctx, ride.ID, pia, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}

	g := newPerson(t, browser, app.URL, "Gus").in(t)
	g.open("/signin")
	g.fill("email", "gus@example.com")
	g.fill("password", webtest.Password)
	g.submitOK(`form[action="/signin"] button[type="submit"]`)
	if !strings.HasSuffix(g.url(), "/parking") {
		t.Fatalf("after signing in: at %s, want /parking", g.url())
	}
	g.wantText("#parking-sites", "Airport office")
	if g.has(`a[href="/rides"]`) || g.has(`a[href="/profile"]`) {
		t.Errorf("the guard's page links pages the guard cannot open")
	}
	g.screenshot(dir, "security-1-lists")
	g.open("/rides/" + ride.ID)
	if !strings.HasSuffix(g.url(), "/parking") {
		t.Errorf("a ride's page: the guard is at %s, want /parking", g.url())
	}

	g.open("/fleet/sites/" + site.ID + "/parking?date=" + depart.Format("2006-01-02"))
	g.wantText("#parking-day", "Dora Driver")
	g.wantText("#parking-day", "M DD 9")
	g.screenshotAt(dir, "security-2-day-list-1280", 1280)
	var pdf []byte
	g.do("print to PDF", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{})
		pdf = res.Data
		return err
	}))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("print: got %d bytes that are no PDF", len(pdf))
	}
	file := filepath.Join(dir, "security-3-day-list.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed: %s", file)
}
