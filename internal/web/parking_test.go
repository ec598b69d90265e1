package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestParkingPages: a fleet manager keeps a site's spaces on its page; a carpool ending
// there gets one, its driver reads "Space P1 reserved for you" on the ride page (and
// nobody else does); the day's list shows it, printable and as CSV.
func TestParkingPages(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fiona := app.AddMember(t, "fiona@example.com", "Fiona Fleet", "", carpool.RoleFleetManager)
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "Airport office", Address: "Terminal 2", Lat: 48.3537, Lon: 11.7862, Version: 1}
	mustDo(t, app.Store.CreateSite(ctx, site))
	b := newBrowser(t, app)
	b.signInAs(fiona)
	page := "/fleet/sites/" + site.ID
	token := b.csrf(page)

	add := func(label string) (*http.Response, string) {
		return b.post(page+"/parking-spaces", url.Values{"csrf": {token}, "label": {label}}, nil)
	}
	if res, _ := add("P1"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=parking" {
		t.Fatalf("add P1: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	add("P9")
	if res, body := add("p1"); res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="new-space-error"`) {
		t.Errorf("add a taken label: got %d, want 409 with the error beside the label\n%s", res.StatusCode, body)
	}
	if res, body := add(" "); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="new-space-error"`) {
		t.Errorf("add an empty label: got %d, want 422 with the error beside the label", res.StatusCode)
	}
	spaces, err := app.Store.ActiveParkingSpaces(ctx, site.ID)
	mustDo(t, err)
	if len(spaces) != 2 {
		t.Fatalf("spaces: got %+v", spaces)
	}
	p9 := spaces[1]
	rename := page + "/parking-spaces/" + p9.ID
	if res, body := b.post(rename, url.Values{"csrf": {token}, "label": {"P1"}, "version": {"1"}}, nil); res.StatusCode != http.StatusConflict ||
		!strings.Contains(body, `id="label-`+p9.ID+`-error"`) {
		t.Errorf("rename to a taken label: got %d, want 409 beside that space's label", res.StatusCode)
	}
	if res, _ := b.post(rename, url.Values{"csrf": {token}, "label": {"P2"}, "version": {"1"}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("rename: got %d", res.StatusCode)
	}
	if res, _ := b.post(page+"/parking-spaces/"+spaces[0].ID+"/retire", url.Values{"csrf": {token}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("retire P1: got %d", res.StatusCode)
	}
	_, body := b.get(page)
	if !strings.Contains(body, `value="P2"`) || strings.Contains(body, `value="P1"`) {
		t.Errorf("the site page should list P2 alone:\n%s", body)
	}

	// Dora's ride to the airport gets P2 once Pia is confirmed.
	flows := storetest.NewFlows(app.Store)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M DD 7", Make: "VW", Model: "Golf", Seats: 4,
		OwnerID: dora.ID, Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	at := time.Now().UTC().AddDate(0, 0, 2)
	depart := time.Date(at.Year(), at.Month(), at.Day(), 8, 0, 0, 0, time.UTC)
	ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, From: carpool.Place{Label: "Marienplatz", Lat: 48.1372, Lon: 11.5756},
		To: carpool.Place{Label: "Airport", Lat: 48.3538, Lon: 11.7861}, DepartAt: depart, Seats: 3, BookingMode: carpool.BookingInstant}, dora)
	mustDo(t, err)
	_, err = flows.BookSeats(ctx, ride.ID, pia, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)

	driver := newBrowser(t, app)
	driver.signInAs(dora)
	if _, body := driver.get("/rides/" + ride.ID); !regexp.MustCompile(`id="parking-space"><strong>Space P2 reserved for you</strong>`).MatchString(body) {
		t.Errorf("the driver's ride page does not say the space is reserved:\n%s", body)
	}
	passenger := newBrowser(t, app)
	passenger.signInAs(pia)
	if _, body := passenger.get("/rides/" + ride.ID); strings.Contains(body, "parking-space") {
		t.Error("the passenger's ride page tells the driver's space")
	}

	day := depart.Format("2006-01-02")
	res, body := b.get(page + "/parking?date=" + day)
	if res.StatusCode != http.StatusOK || !regexp.MustCompile(`<td>P2</td><td>M DD 7</td><td>Dora Driver</td><td>\d\d:\d\d</td>`).MatchString(body) {
		t.Errorf("day list: got %d\n%s", res.StatusCode, body)
	}
	res, body = b.get(page + "/parking.csv?date=" + day)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if res.StatusCode != http.StatusOK || err != nil || len(rows) != 2 || rows[1][0] != "P2" || rows[1][1] != "M DD 7" || rows[1][2] != "Dora Driver" {
		t.Errorf("day list CSV: got %d %q %v", res.StatusCode, body, err)
	}
	if res, body := b.get(page + "/parking?date=someday"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="date-error"`) {
		t.Errorf("a bad date: got %d, want 422 beside the day", res.StatusCode)
	}
	if res, _ := b.get(page + "/parking"); res.StatusCode != http.StatusOK {
		t.Errorf("today's list: got %d", res.StatusCode)
	}
}
