package browser_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestCarpoolParking: a fleet manager adds carpool spaces on the site's page; a driver
// whose carpool ends there reads "Space P1 reserved for you" on the ride's page; the
// day's list for site security reads well at 1280 px and prints as the list alone.
func TestCarpoolParking(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	dir := screenDir(t)
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	app.AddMember(t, "fiona@example.com", "Fiona Fleet", "", carpool.RoleFleetManager)
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "Airport office", Address: "Terminal 2", Lat: 48.3537, Lon: 11.7862, Version: 1}
	if err := app.Store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}

	fm := newPerson(t, browser, app.URL, "Fiona").in(t)
	fm.signIn("fiona@example.com", webtest.Password)
	for _, label := range []string{"P1", "P2"} {
		fm.open("/fleet/sites/" + site.ID)
		fm.fill("new-space", label)
		fm.submitOK(`form[action="/fleet/sites/` + site.ID + `/parking-spaces"] button[type="submit"]`)
		fm.wantText(".flash", "Parking spaces saved")
	}
	fm.wantText("#parking", "P2")
	fm.screenshot(dir, "parking-1-site-spaces")

	flows := storetest.NewFlows(app.Store)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M DD 7", Make: "VW", Model: "Golf", Seats: 4,
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

	d := newPerson(t, browser, app.URL, "Dora").in(t)
	d.signIn("dora@example.com", webtest.Password)
	d.open("/rides/" + ride.ID)
	d.wantText("#parking-space", "Space P1 reserved for you")
	d.screenshot(dir, "parking-2-driver-space-reserved")

	fm.open("/fleet/sites/" + site.ID + "/parking?date=" + depart.Format("2006-01-02"))
	fm.wantText("#parking-day", "Dora Driver")
	fm.wantText("#parking-day", "M DD 7")
	fm.screenshotAt(dir, "parking-3-day-list-1280", 1280)

	// Printed, the list stands alone: no navigation, no form.
	fm.do("print media", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	hidden, err := chromedp.Run(fm.ctx, chromedp.Evaluate[bool](`["header", "footer", "form.noprint"].every(s =>
		getComputedStyle(document.querySelector(s)).display === "none") && getComputedStyle(document.querySelector("#parking-day")).display !== "none"`))
	if err != nil || !hidden {
		t.Errorf("print media: navigation and form hidden, list shown: got %v, %v", hidden, err)
	}
	var pdf []byte
	fm.do("print to PDF", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{})
		pdf = res.Data
		return err
	}))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("print: got %d bytes that are no PDF", len(pdf))
	}
	file := filepath.Join(dir, "parking-4-day-list.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed: %s", file)
}
