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

// TestFleetReportParking: the report page says how many carpool spaces were used, how
// many carpools found none, each site's days, and the proof records by class, with the
// same figures as CSV.
func TestFleetReportParking(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	flows := storetest.NewFlows(app.Store).WithLimits(carpool.Limits{})
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	site := carpool.Site{ID: carpool.NewID(), Name: "Airport office", Address: "Terminal 2", Lat: 48.3537, Lon: 11.7862, Version: 1}
	if err := app.Store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if _, err := flows.AddParkingSpace(ctx, site.ID, "P1", fm); err != nil {
		t.Fatal(err)
	}
	// Three carpools to the airport at 08:00 UTC in three days: P1 holds one.
	at := time.Now().UTC().AddDate(0, 0, 3)
	depart := time.Date(at.Year(), at.Month(), at.Day(), 8, 0, 0, 0, time.UTC)
	for i := range 3 {
		driver := app.AddMember(t, "driver"+string(rune('a'+i))+"@example.com", "Driver", "", carpool.RoleMember)
		car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: driver.ID, Plate: "M D " + string(rune('1'+i)), Make: "VW",
			Model: "Golf", Seats: 4, Status: carpool.CarActive, Version: 1}
		if err := app.Store.CreateCar(ctx, car); err != nil {
			t.Fatal(err)
		}
		ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: depart.Add(time.Duration(i) * time.Minute), Seats: 3,
			BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "Marienplatz", Lat: 48.1372, Lon: 11.5756},
			To: carpool.Place{Label: "Airport", Lat: 48.3538, Lon: 11.7861}}, driver)
		if err != nil {
			t.Fatal(err)
		}
		passenger := app.AddMember(t, "passenger"+string(rune('a'+i))+"@example.com", "Passenger", "", carpool.RoleMember)
		if _, err := flows.BookSeats(ctx, ride.ID, passenger, carpool.BookingRequest{Seats: 1}); err != nil {
			t.Fatal(err)
		}
	}

	b := newBrowser(t, app)
	b.signInAs(fm)
	day := depart.Format("2006-01-02")
	query := "from=" + time.Now().UTC().Format("2006-01-02") + "&to=" + depart.AddDate(0, 0, 2).Format("2006-01-02")
	res, page := b.get("/fleet/reports?" + query)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("report: got %d\n%s", res.StatusCode, page)
	}
	totals := regexp.MustCompile(`(?s)<dl class="facts" id="parking-totals">.*?</dl>`).FindString(page)
	if !regexp.MustCompile(`Spaces used</dt><dd>1</dd>\s*<dt>Carpools without a space</dt><dd>2</dd>`).MatchString(totals) {
		t.Errorf("parking totals: got %q, want 1 used and 2 without a space", totals)
	}
	if !strings.Contains(page, `id="parking-days"`) || !strings.Contains(page, "Airport office") {
		t.Errorf("the page has no day of the Airport office")
	}
	classes := regexp.MustCompile(`(?s)<dl class="facts" id="proof-classes">.*?</dl>`).FindString(page)
	if !strings.Contains(classes, "Class A</dt><dd>0</dd>") {
		t.Errorf("proof classes: got %q, want none yet", classes)
	}

	res, body := b.get("/fleet/reports/parking.csv?" + query)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("parking.csv: got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"date", "site", "address", "spaces_used", "carpools_without_space"}, {day, "Airport office", "Terminal 2", "1", "2"}}
	if len(rows) != 2 || strings.Join(rows[0], ",") != strings.Join(want[0], ",") || strings.Join(rows[1], ",") != strings.Join(want[1], ",") {
		t.Errorf("parking.csv: got %q, want %q", rows, want)
	}
	_, body = b.get("/fleet/reports/proofs.csv?" + query)
	if body != "class,records\r\nA,0\r\nB,0\r\nC,0\r\nno_show,0\r\n" {
		t.Errorf("proofs.csv: got %q", body)
	}
	// One site's report has its days but no proof classes: a record is a ride's.
	_, page = b.get("/fleet/reports?" + query + "&site_id=" + site.ID)
	if strings.Contains(page, `id="proof-classes"`) || !strings.Contains(page, `id="parking-days"`) {
		t.Errorf("one site's report: want its parking days and no proof classes")
	}
}
