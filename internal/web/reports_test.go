package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestFleetReport: the report page shows the period's figures with accessible charts,
// and its CSV downloads are RFC 4180 with a header and no formula a spreadsheet would
// run.
func TestFleetReport(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// A stopped clock on a Wednesday; the data lies in the week before.
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, berlin)
	clock := now
	app := webtest.Start(t, webtest.Options{Location: berlin, Now: func() time.Time { return clock }})
	ctx := context.Background()
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	pat := app.AddMember(t, "pat@example.com", "Pat", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "=HYPERLINK(\"evil\")", Address: "+1 Main St", Lat: 52.52, Lon: 13.40, Version: 1}
	if err := app.Store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "B-CP 1", Make: "VW", Model: "ID.3", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	if err := app.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	// Monday 23 March 2026, 08:00-18:00 in Berlin: reserved, with a ride to Potsdam that
	// Pat shares.
	clock = time.Date(2026, 3, 20, 12, 0, 0, 0, berlin)
	start := time.Date(2026, 3, 23, 8, 0, 0, 0, berlin)
	res, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, fm, carpool.ReservationTrip, start, start.Add(10*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ride, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, ReservationID: res.ID, DepartAt: start.Add(time.Hour), Seats: 3,
		From: carpool.Place{Label: "Berlin", Lat: 52.5170, Lon: 13.3889}, To: carpool.Place{Label: "Potsdam", Lat: 52.3906, Lon: 13.0645}}, fm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(app.Store).BookSeats(ctx, ride.ID, pat, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}
	clock = now

	b := newBrowser(t, app)
	b.signInAs(fm)
	res2, body := b.get("/fleet/reports?from=2026-03-23&to=2026-03-29")
	if res2.StatusCode != http.StatusOK {
		t.Fatalf("report: got %d:\n%s", res2.StatusCode, body)
	}
	checkPage(t, "/fleet/reports", body)
	for _, want := range []string{`<svg class="chart"`, `<title id="chart-utilisation-title">`, `<desc id="chart-co2-desc">`, "Rides shared</dt><dd>1</dd>"} {
		if !strings.Contains(body, want) {
			t.Errorf("report page: want %q", want)
		}
	}
	// Each chart has a y-axis with five labelled values from 0: utilisation up to 100 %,
	// CO₂ up to a round number at or above the tallest bar.
	axes := regexp.MustCompile(`(?s)<svg class="chart".*?<g class="y-axis">(.*?)</g>`).FindAllStringSubmatch(body, -1)
	if len(axes) != 2 {
		t.Fatalf("report page: got %d charts with a y-axis, want 2", len(axes))
	}
	ticks := func(axis string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`<text class="label tick"[^>]*>([^<]+)</text>`).FindAllStringSubmatch(axis, -1) {
			out = append(out, m[1])
		}
		return out
	}
	if got := strings.Join(ticks(axes[0][1]), " | "); got != "0 % | 25 % | 50 % | 75 % | 100 %" {
		t.Errorf("utilisation axis: got %s", got)
	}
	if got := ticks(axes[1][1]); len(got) != 5 || got[0] != "0 kg" || !strings.HasSuffix(got[4], " kg") || got[4] == "0 kg" {
		t.Errorf("CO₂ axis: got %v, want five values from 0 kg up", got)
	}
	// The CSV downloads keep the period on the page, not the default four weeks.
	for _, table := range []string{"weeks", "sites", "cars"} {
		if want := `href="/fleet/reports/` + table + `.csv?from=2026-03-23&amp;to=2026-03-29"`; !strings.Contains(body, want) {
			t.Errorf("report page: want the CSV link %s", want)
		}
	}
	// The same report in German: words, dates and numbers in German, CSV unchanged.
	res2, body = b.getIn("/fleet/reports?from=2026-03-23&to=2026-03-29", "de-DE,de;q=0.9")
	if res2.StatusCode != http.StatusOK {
		t.Fatalf("German report: got %d:\n%s", res2.StatusCode, body)
	}
	for _, want := range []string{`<html lang="de">`, "<h1>Berichte</h1>", "Geteilte Fahrten</dt><dd>1</dd>", `<th scope="row">23.03.2026</th>`,
		`<td data-label="Reservierte Stunden">10,0</td>`, "Auslastung der Poolautos pro Woche", `>23.03.</text>`} {
		if !strings.Contains(body, want) {
			t.Errorf("German report page: want %q", want)
		}
	}
	if strings.Contains(body, "Rides shared") {
		t.Errorf("German report page: English words left")
	}
	res2, body = b.get("/fleet/reports?from=2026-03-29&to=2026-03-01")
	if res2.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="to-error"`) {
		t.Errorf("to before from: got %d, want 422 beside to", res2.StatusCode)
	}

	res2, body = b.getIn("/fleet/reports/sites.csv?from=2026-03-23&to=2026-03-29", "de")
	if res2.StatusCode != http.StatusOK || !strings.HasPrefix(res2.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("sites.csv: got %d %s", res2.StatusCode, res2.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, "\r\n") {
		t.Errorf("sites.csv: records do not end with CRLF")
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("sites.csv is no valid CSV: %v", err)
	}
	if len(records) != 2 || records[0][0] != "site" {
		t.Fatalf("sites.csv: got %q, want a header and one site", records)
	}
	if records[1][0] != `'=HYPERLINK("evil")` || records[1][1] != "'+1 Main St" {
		t.Errorf("formula injection: got %q, %q, want them neutralised with a leading apostrophe", records[1][0], records[1][1])
	}
	if records[1][3] != "10.00" {
		t.Errorf("hours reserved (machine format in every language): got %s, want 10.00", records[1][3])
	}
	if res2, _ := b.get("/fleet/reports/bogus.csv?from=2026-03-23&to=2026-03-29"); res2.StatusCode != http.StatusNotFound {
		t.Errorf("unknown table: got %d, want 404", res2.StatusCode)
	}

	// One site's report: the other site's car and ride are not in it, the CSV links keep
	// the site, and an unknown site is said beside the choice.
	other := carpool.Site{ID: carpool.NewID(), Name: "Branch", Address: "2 Side St", Lat: 48.14, Lon: 11.58, Version: 1}
	if err := app.Store.CreateSite(ctx, other); err != nil {
		t.Fatal(err)
	}
	otherCar := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: other.ID, Plate: "M-CP 2", Make: "VW", Model: "Golf", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	if err := app.Store.CreateCar(ctx, otherCar); err != nil {
		t.Fatal(err)
	}
	res2, body = b.get("/fleet/reports?from=2026-03-23&to=2026-03-29&site_id=" + other.ID)
	if res2.StatusCode != http.StatusOK {
		t.Fatalf("one site's report: got %d:\n%s", res2.StatusCode, body)
	}
	for _, want := range []string{"Rides shared</dt><dd>0</dd>", "M-CP 2", `value="` + other.ID + `" selected`,
		`href="/fleet/reports/cars.csv?from=2026-03-23&amp;site_id=` + other.ID + `&amp;to=2026-03-29"`} {
		if !strings.Contains(body, want) {
			t.Errorf("one site's report: want %q in\n%s", want, body)
		}
	}
	if strings.Contains(body, "B-CP 1") {
		t.Errorf("one site's report lists the other site's car")
	}
	res2, body = b.get("/fleet/reports/cars.csv?from=2026-03-23&to=2026-03-29&site_id=" + site.ID)
	if records, err := csv.NewReader(strings.NewReader(body)).ReadAll(); res2.StatusCode != http.StatusOK || err != nil || len(records) != 2 || records[1][0] != "B-CP 1" {
		t.Errorf("one site's cars.csv: got %d %q (%v), want the header and B-CP 1", res2.StatusCode, body, err)
	}
	if res2, _ = b.get("/fleet/reports?from=2026-03-23&to=2026-03-29&site_id=nosuchsite"); res2.StatusCode != http.StatusNotFound {
		t.Errorf("unknown site: got %d, want 404", res2.StatusCode)
	}

	// Pat's home page says what Pat's sharing saved.
	passenger := newBrowser(t, app)
	passenger.signInAs(pat)
	if _, body := passenger.get("/"); !strings.Contains(body, `id="my-impact"`) || !strings.Contains(body, "kg CO₂") {
		t.Errorf("home page: want the shared kilometres and CO₂ avoided:\n%s", body)
	}
}
