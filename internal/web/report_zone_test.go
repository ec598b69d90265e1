package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestSiteReportCountsOnTheSitesClock: one site's report counts its days and weeks on
// the site's own clock, where its cars are handed over, whatever the reader's zone. A car
// reserved on a New York Sunday evening (Monday night in Berlin) belongs to that Sunday's
// week.
func TestSiteReportCountsOnTheSitesClock(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 3, 20, 12, 0, 0, 0, berlin)
	app := webtest.Start(t, webtest.Options{Location: berlin, Now: func() time.Time { return clock }})
	ctx := context.Background()
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	site := carpool.Site{ID: carpool.NewID(), Name: "NYC office", Address: "5th Ave 1", Lat: 40.75, Lon: -73.98,
		TimeZone: "America/New_York", Version: 1}
	mustDo(t, app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "NY 1", Make: "VW", Model: "ID.4", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	start := time.Date(2026, 3, 29, 20, 0, 0, 0, newYork) // Sunday; Monday 02:00 in Berlin
	_, err = storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, fm, carpool.ReservationTrip, start, start.Add(2*time.Hour))
	mustDo(t, err)
	clock = time.Date(2026, 4, 1, 12, 0, 0, 0, berlin)

	b := newBrowser(t, app)
	b.signInAs(fm)
	res, body := b.get("/fleet/reports/weeks.csv?from=2026-03-23&to=2026-03-29&site_id=" + site.ID)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("weeks.csv: got %d:\n%s", res.StatusCode, body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "2026-03-23,2026-03-29,") {
		t.Fatalf("weeks.csv: got %q, want one week from Monday 23 March", lines)
	}
	if cols := strings.Split(lines[1], ","); len(cols) < 8 || cols[7] != "2.00" {
		t.Fatalf("weeks.csv: got %q, want the 2 hours reserved that New York Sunday in this week", lines[1])
	}
}
