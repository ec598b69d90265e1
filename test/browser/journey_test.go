package browser_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin even on a machine without a zone database

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// TestJourney walks the main scenarios in order, as four people in one browser: a
// fleet manager sets up a site and a pool car; member A reserves it and offers a ride;
// B requests a seat that A confirms; C joins the waitlist, becomes a request when B leaves
// (an approval ride confirms nobody by itself) and A confirms C;
// then a form with a bad value and a form without its CSRF token.
func TestJourney(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	dir := screenDir(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("time zone: %v", err)
	}
	app := webtest.Start(t, webtest.Options{Location: berlin})
	app.AddMember(t, "fleet@example.com", "Fran Fleet", "+49 89 1000", carpool.RoleFleetManager)
	app.AddMember(t, "anna@example.com", "Anna Driver", "+49 170 1111111", carpool.RoleMember)
	app.AddMember(t, "ben@example.com", "Ben Rider", "+49 170 2222222", carpool.RoleMember)
	app.AddMember(t, "cleo@example.com", "Cleo Later", "+49 170 3333333", carpool.RoleMember)

	fleet := newPerson(t, browser, app.URL, "fleet manager")
	anna := newPerson(t, browser, app.URL, "Anna")
	ben := newPerson(t, browser, app.URL, "Ben")
	cleo := newPerson(t, browser, app.URL, "Cleo")

	anna0, err := app.Store.MemberByEmail(context.Background(), "anna@example.com")
	if err != nil {
		t.Fatal(err)
	}
	airport := carpool.SavedPlace{ID: carpool.NewID(), MemberID: anna0.ID, Name: "Airport MUC", Lat: 48.3538, Lon: 11.7861,
		Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := app.Store.CreatePlace(context.Background(), airport); err != nil {
		t.Fatal(err)
	}

	// Tomorrow in Berlin: Anna holds the car 08:00-18:00 and leaves at 09:00.
	now := time.Now().In(berlin)
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, berlin)
	at := func(d time.Time, h int) string { return d.Add(time.Duration(h) * time.Hour).Format("2006-01-02T15:04") }
	var rideURL string

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow() // later scenarios build on this one
		}
	}

	step("1 fleet manager creates a site and a pool car", func(t *testing.T) {
		fm := fleet.in(t)
		fm.signIn("fleet@example.com", webtest.Password)
		fm.open("/fleet")
		fm.fill("name", "Munich HQ")
		fm.fill("address", "Marienplatz 1, Munich")
		dropPin(fm, "location", 48.1374, 11.5755)
		fm.submitOK(`form[action="/fleet/sites"] button[type="submit"]`)
		fm.wantText(".flash", "Site saved")
		fm.wantText("main", "Munich HQ")
		fm.fill("plate", "M CP 100")
		fm.fill("make", "VW")
		fm.fill("model", "Touran")
		fm.fill("seats", "5")
		fm.submitOK(`form[action="/fleet/cars"] button[type="submit"]`)
		fm.wantText(".flash", "Car saved")
		fm.wantText("main table", "VW Touran (M CP 100)")
		fm.screenshot(dir, "1-fleet-site-and-car")
	})

	step("2 member A reserves the pool car and offers a ride from the reservation", func(t *testing.T) {
		a := anna.in(t)
		a.signIn("anna@example.com", webtest.Password)
		a.open("/cars")
		a.submitOK(`main a[href^="/cars/"]`) // the only pool car
		a.wantText("h1", "VW Touran")
		a.fill("start", at(tomorrow, 8))
		a.fill("end", at(tomorrow, 18))
		a.submitOK(`form[action$="/reserve"] button[type="submit"]`)
		a.wantText(".flash", "Car reserved")
		a.submitOK(`a[href^="/rides/new?source=res:"]`)
		if got := a.value("#source"); !strings.HasPrefix(got, "res:") {
			t.Fatalf("offer form: car choice got %q, want the reservation", got)
		}
		a.fill("to", "place:"+airport.ID) // a saved place: coordinates are never typed
		a.fill("depart", at(tomorrow, 9))
		a.fill("seats", "1")
		a.do("choose approval", chromedpClick("#mode-approval"))
		a.submitOK(`form[action="/rides"] button[type="submit"]`)
		a.wantText(".flash", "Your ride is offered")
		a.wantText("h1", "Munich HQ → Airport MUC")
		a.wantText("#free-seats", "1 of 1 free")
		rideURL = strings.TrimPrefix(strings.Split(a.url(), "?")[0], app.URL)
		a.screenshot(dir, "2-ride-offered")
	})

	search := func(p *person, seats string) {
		sites, _, err := app.Store.Sites(context.Background(), carpool.Page{})
		if err != nil || len(sites) != 1 {
			p.t.Fatalf("sites: %v %v", sites, err)
		}
		p.open("/rides")
		p.fill("from", "site:"+sites[0].ID)
		dropPin(p, "to", 48.35, 11.78) // as map.js does when the map is tapped there
		p.fill("day", tomorrow.Format("2006-01-02"))
		p.fill("seats", seats)
		p.submitOK(`form[action="/rides"] button[type="submit"]`)
	}

	step("3 member B requests a seat, A confirms, B sees A's phone", func(t *testing.T) {
		b := ben.in(t)
		b.signIn("ben@example.com", webtest.Password)
		search(b, "1")
		b.wantText("#h-results + .results", "Munich HQ → Airport MUC")
		b.wantText("#h-results + .results", "1 seat free")
		b.submitOK(`#h-results + .results a`)
		if b.has("#driver-phone") {
			t.Fatalf("Ben sees Anna's phone before she confirmed him")
		}
		b.submitOK(`form[action$="/book"] button[type="submit"]`)
		b.wantText(".flash", "Seat requested")
		b.wantText("#my-booking", "pending")

		a := anna.in(t)
		a.open("/")
		a.wantText("main", "Ben Rider asks for 1 seat")
		a.open(rideURL)
		a.submitOK(`form[action$="/confirm"] button[type="submit"]`)
		a.wantText(".flash", "Passenger confirmed")
		a.wantText("table", "+49 170 2222222") // the driver sees her confirmed passenger

		b.open(rideURL)
		b.wantText("#my-booking", "confirmed")
		b.wantText("#driver-phone", "+49 170 1111111")
		b.screenshot(dir, "3-passenger-sees-driver-phone")
	})

	step("4 member C joins the waitlist of the full ride, asks when B cancels and A confirms", func(t *testing.T) {
		c := cleo.in(t)
		c.signIn("cleo@example.com", webtest.Password)
		search(c, "1")
		c.wantText("#h-results + *", "No ride with free seats matches")
		c.wantText("#h-full + .results", "Munich HQ → Airport MUC")
		c.submitOK(`#h-full + .results a`)
		c.wantText("#h-book", "This ride is full")
		c.submitOK(`form[action$="/book"] button[type="submit"]`)
		c.wantText(".flash", "waitlist")
		c.wantText("#my-booking", "waitlisted")
		if c.has("#driver-phone") {
			t.Fatalf("Cleo sees Anna's phone while only waitlisted")
		}

		b := ben.in(t)
		b.open(rideURL)
		b.submitOK(`form[action$="/cancel"] button[type="submit"]`)
		b.wantText("#consequences", "back to the ride; the driver is told")
		b.screenshot(dir, "4-confirm-cancel")
		b.submitOK("#confirm")
		b.wantText(".flash", "Booking cancelled")
		if b.has("#driver-phone") {
			t.Fatalf("Ben still sees Anna's phone after cancelling")
		}

		c.open(rideURL)
		c.wantText("#my-booking", "pending")
		if c.has("#driver-phone") {
			t.Fatalf("Cleo sees Anna's phone before Anna confirmed her")
		}

		a := anna.in(t)
		a.open(rideURL)
		a.submitOK(`form[action$="/confirm"] button[type="submit"]`)
		a.wantText(".flash", "Passenger confirmed")

		c.open(rideURL)
		c.wantText("#my-booking", "confirmed")
		c.wantText("#driver-phone", "+49 170 1111111")
		c.screenshot(dir, "4-waitlist-promoted")
	})

	t.Run("5 a bad value is shown beside its field and the input is kept", func(t *testing.T) {
		a := anna.in(t)
		a.open("/cars")
		a.submitOK(`main a[href^="/cars/"]`)
		start, end := at(tomorrow, 24+10), at(tomorrow, 24+9) // ends before it starts
		a.fill("start", start)
		a.fill("end", end)
		if status := a.submit(`form[action$="/reserve"] button[type="submit"]`); status != http.StatusUnprocessableEntity {
			t.Errorf("reserve with end before start: got HTTP %d, want 422", status)
		}
		a.wantText("#end-error", "end must be after start")
		if got := a.value("#start"); got != start {
			t.Errorf("start field: got %q, want the typed %q", got, start)
		}
		if got := a.value("#end"); got != end {
			t.Errorf("end field: got %q, want the typed %q", got, end)
		}
		if !a.has(`#end[aria-invalid="true"][aria-describedby="end-error"]`) {
			t.Errorf("end field is not marked invalid and tied to its error")
		}
		// The error sits inside the end field's own block, right under the input.
		if !a.has(`.field.invalid #end + #end-error`) {
			t.Errorf("error is not placed right after the end input")
		}
		a.screenshot(dir, "5-error-beside-field")
	})

	t.Run("6 a form posted without its CSRF token is refused", func(t *testing.T) {
		b := ben.in(t)
		b.open("/mycars")
		b.fill("plate", "M BR 7")
		b.fill("make", "Fiat")
		b.fill("model", "Panda")
		b.fill("seats", "4")
		b.do("drop the CSRF field", chromedpEval(`document.querySelector('form[action="/mycars"] input[name="csrf"]').remove()`))
		if status := b.submit(`form[action="/mycars"] button[type="submit"]`); status != http.StatusForbidden {
			t.Errorf("post without CSRF token: got HTTP %d, want 403", status)
		}
		b.wantText("h1", "Forbidden")
		b.wantText("main", "security token")
		cars, _, err := app.Store.Cars(context.Background(), carpool.CarFilter{Kind: carpool.CarPrivate}, carpool.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cars) != 0 {
			t.Errorf("a car was stored from the refused form: %+v", cars)
		}
		b.screenshot(dir, "6-csrf-refused")
	})
}
