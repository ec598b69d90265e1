package web_test

import (
	"context"
	"database/sql"
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

// TestCheckInPages: the ride page offers check-in to its occupants in the window (typed
// fields as the fallback of the browser's position), a site's printable code leads to a
// page that checks in with it, and the driver marks a passenger who did not come.
func TestCheckInPages(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fiona := app.AddMember(t, "fiona@example.com", "Fiona Fleet", "", carpool.RoleFleetManager)
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	paul := app.AddMember(t, "paul@example.com", "Paul Absent", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "Riverside office", Address: "Quay 1", Lat: 48.1, Lon: 11.5, Version: 1}
	mustDo(t, app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: dora.ID, Plate: "M CI 1", Make: "VW", Model: "Golf",
		Seats: 5, Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	flows := storetest.NewFlows(app.Store)
	ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: time.Now().Add(15 * time.Minute), Seats: 3,
		BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "Riverside", Lat: 48.1, Lon: 11.5},
		To: carpool.Place{Label: "Hill", Lat: 48.3, Lon: 11.7}}, dora)
	mustDo(t, err)
	_, err = flows.BookSeats(ctx, ride.ID, pia, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	paulBooking, err := flows.BookSeats(ctx, ride.ID, paul, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	ridePage := "/rides/" + ride.ID

	driver := newBrowser(t, app)
	driver.signInAs(dora)
	_, body := driver.get(ridePage)
	if !strings.Contains(body, `class="check-in-form"`) || !strings.Contains(body, `name="lat"`) {
		t.Fatalf("the driver's ride page in the window has no check-in form with typed fields")
	}
	token := driver.csrf(ridePage)
	res, body := driver.post(ridePage+"/check-in", url.Values{"csrf": {token}, "lat": {"48.5"}, "lon": {"11.5"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "500 m") {
		t.Errorf("a position 45 km away: got %d, want 422 saying the distance", res.StatusCode)
	}
	res, _ = driver.post(ridePage+"/check-in", url.Values{"csrf": {token}, "lat": {"48.1001"}, "lon": {"11.5001"}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != ridePage+"?done=checkedIn" {
		t.Fatalf("check in: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body = driver.get(ridePage); !strings.Contains(body, `id="checked-in"`) || strings.Contains(body, `class="check-in-form"`) {
		t.Errorf("after checking in, the page still offers check-in or does not say it was done")
	}

	// The site's code, printed by a fleet manager, checks Pia in from her phone.
	fleet := newBrowser(t, app)
	fleet.signInAs(fiona)
	if _, body := fleet.get("/fleet/sites/" + site.ID); !strings.Contains(body, `href="/fleet/sites/`+site.ID+`/check-in-code"`) {
		t.Errorf("the site page does not lead to its check-in code")
	}
	res, body = fleet.get("/fleet/sites/" + site.ID + "/check-in-code")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `<svg`) || !strings.Contains(body, `class="qr"`) {
		t.Fatalf("site code page: got %d without a QR code", res.StatusCode)
	}
	link := regexp.MustCompile(`class="meta code-url">([^<]+)<`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("the site code page names no URL")
	}
	u, err := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
	mustDo(t, err)
	phone := newBrowser(t, app)
	phone.signInAs(pia)
	res, body = phone.get(u.RequestURI())
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `action="/rides/`+ride.ID+`/check-in"`) {
		t.Fatalf("the code's page: got %d without Pia's ride", res.StatusCode)
	}
	code := u.Query().Get("code")
	res, _ = phone.post(ridePage+"/check-in", url.Values{"csrf": {phone.csrf(u.RequestURI())}, "code": {code}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("check in with the code: got %d", res.StatusCode)
	}
	proofs, err := app.Store.RideProofs(ctx, ride.ID)
	mustDo(t, err)
	for _, p := range proofs {
		if p.PassengerID == pia.ID && (p.Class != carpool.ProofC || p.PassengerCheckIn == nil || p.PassengerCheckIn.Method != carpool.CheckInQR) {
			t.Errorf("pia's record: got %+v, want class C by code", p)
		}
	}

	// After departure, the driver marks Paul, who never came.
	if _, body = driver.get(ridePage); strings.Contains(body, `id="no-show-`+paulBooking.ID+`"`) {
		t.Errorf("the no-show button shows before departure")
	}
	db, ok := app.Store.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatal("the test store exposes no database")
	}
	_, err = db.DB().ExecContext(ctx, `UPDATE rides SET depart_at = $1 WHERE id = $2`, time.Now().Add(-time.Minute).UTC(), ride.ID)
	mustDo(t, err)
	if _, body = driver.get(ridePage); !strings.Contains(body, `id="no-show-`+paulBooking.ID+`"`) {
		t.Fatalf("the driver's page after departure has no no-show button for Paul")
	}
	res, _ = driver.post("/bookings/"+paulBooking.ID+"/no-show", url.Values{"csrf": {token}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("no-show: got %d", res.StatusCode)
	}
	if _, body = driver.get(ridePage); !strings.Contains(body, `id="gone-`+paulBooking.ID+`"`) {
		t.Errorf("Paul is not shown as not there")
	}
	absent := newBrowser(t, app)
	absent.signInAs(paul)
	if _, body = absent.get(ridePage); !strings.Contains(body, `id="marked-gone"`) {
		t.Errorf("Paul's page does not tell him he was marked as not there")
	}
}

// TestAttestationPage: a month's shared trips, once their day is over, are attested
// with their kilometres and the CO₂ avoided at the reports' factor; a no-show is not.
func TestAttestationPage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: dora.ID, Plate: "M AT 1", Make: "VW", Model: "Golf",
		Seats: 5, Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	flows := storetest.NewFlows(app.Store)
	// About 22.2 km due north: 0.2 degrees of latitude, times the road factor 1.3.
	ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: time.Now().Add(time.Hour), Seats: 3,
		BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "South", Lat: 48.1, Lon: 11.5},
		To: carpool.Place{Label: "North", Lat: 48.3, Lon: 11.5}}, dora)
	mustDo(t, err)
	_, err = flows.BookSeats(ctx, ride.ID, pia, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	departed := time.Now().Add(-3 * 24 * time.Hour).UTC()
	db, ok := app.Store.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatal("the test store exposes no database")
	}
	_, err = db.DB().ExecContext(ctx, `UPDATE rides SET depart_at = $1 WHERE id = $2`, departed, ride.ID)
	mustDo(t, err)

	b := newBrowser(t, app)
	b.signInAs(pia)
	month := departed.Format("2006-01")
	res, body := b.get("/profile/attestation?month=" + month)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("attestation: got %d", res.StatusCode)
	}
	// 28.9 km road distance for one seat, times 0.16844 kg per km: 4.9 kg.
	totals := regexp.MustCompile(`id="attestation-totals"><strong>([^<]+)<`).FindStringSubmatch(body)
	if totals == nil || !strings.Contains(totals[1], "1 shared trips") || !strings.Contains(totals[1], "28.9 km") || !strings.Contains(totals[1], "4.9 kg") {
		t.Errorf("totals: got %v, want 1 trip, 28.9 km, 4.9 kg", totals)
	}
	if res, _ := b.get("/profile/attestation?month=December"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a month that is none: got %d, want 422", res.StatusCode)
	}
	other := departed.AddDate(0, -2, 0).Format("2006-01")
	if _, body := b.get("/profile/attestation?month=" + other); !strings.Contains(body, `id="attestation-empty"`) {
		t.Errorf("a month without trips attests some")
	}
}
