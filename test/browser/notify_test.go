package browser_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// eventuallyOn reloads path until sel is on the page or the deadline passes: the relay
// delivers in the background.
func (p *person) eventuallyOn(path, sel string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p.open(path)
		if p.has(sel) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: %s not on %s within 20s; page says: %s", p.name, sel, path, p.text("main"))
		}
		time.Sleep(100 * time.Millisecond) // polling, bounded by the deadline
	}
}

// TestNotificationJourney: a passenger books, the driver's navigation shows the unread
// badge, the driver opens the notification and confirms; the passenger sees the
// confirmation notice.
func TestNotificationJourney(t *testing.T) {
	browser := startBrowser(t, 2*time.Minute)
	dir := screenDir(t)
	app := webtest.Start(t, webtest.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	relayDone := make(chan struct{})
	go func() {
		notify.New(app.Store, notify.Options{Poll: 50 * time.Millisecond}).Run(ctx)
		close(relayDone)
	}()
	t.Cleanup(func() { cancel(); <-relayDone })

	anna := app.AddMember(t, "anna@example.com", "Anna Driver", "+49 170 1111111", carpool.RoleMember)
	app.AddMember(t, "ben@example.com", "Ben Rider", "+49 170 2222222", carpool.RoleMember)
	now := carpool.Timestamp(time.Now())
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M AD 1", Make: "VW", Model: "Golf",
		Seats: 5, OwnerID: anna.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := app.Store.CreateCar(context.Background(), car); err != nil {
		t.Fatal(err)
	}
	ride, err := storetest.NewFlows(app.Store).CreateRide(context.Background(), carpool.RideInput{CarID: car.ID,
		From: carpool.Place{Label: "Munich HQ", Lat: 48.13, Lon: 11.57}, To: carpool.Place{Label: "Airport MUC", Lat: 48.35, Lon: 11.78},
		DepartAt: now.Add(30 * time.Hour), Seats: 2, BookingMode: carpool.BookingApproval}, anna)
	if err != nil {
		t.Fatal(err)
	}
	a := newPerson(t, browser, app.URL, "Anna")
	b := newPerson(t, browser, app.URL, "Ben")

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	step("1 the passenger asks for a seat", func(t *testing.T) {
		b := b.in(t)
		b.signIn("ben@example.com", webtest.Password)
		b.open("/rides/" + ride.ID)
		b.submitOK(`form[action$="/book"] button[type="submit"]`)
		b.wantText("#my-booking", "pending")
	})
	step("2 the driver sees the badge, opens the notification and confirms", func(t *testing.T) {
		a := a.in(t)
		a.signIn("anna@example.com", webtest.Password)
		a.eventuallyOn("/", `header a[href="/notifications"] .badge`)
		a.wantText(`header a[href="/notifications"] .badge`, "1")
		a.screenshot(dir, "n1-driver-badge")
		a.open("/notifications")
		a.wantText("main", "Ben Rider asks for 1 seat")
		a.submitOK(`form[action$="/open"] button[type="submit"]`)
		a.wantText("h1", "Munich HQ → Airport MUC")
		if a.has(`header .badge`) {
			t.Fatalf("the badge is still there after opening the only notification")
		}
		a.submitOK(`form[action$="/confirm"] button[type="submit"]`)
		a.wantText(".flash", "Passenger confirmed")
	})
	step("3 the passenger sees the confirmation notice", func(t *testing.T) {
		b := b.in(t)
		b.eventuallyOn("/", `header a[href="/notifications"] .badge`)
		b.open("/notifications")
		b.wantText("main", "Seat confirmed")
		b.wantText("main", "Munich HQ → Airport MUC")
		b.screenshot(dir, "n2-passenger-confirmed")
	})
}
