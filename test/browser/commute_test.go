package browser_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestCommute: a driver offers a Monday-to-Friday commute, a colleague subscribes to
// Monday, Wednesday and Thursday, the driver skips a Wednesday, and the colleague's week
// view shows that Wednesday skipped and the other days booked.
func TestCommute(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	dir := screenDir(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("time zone: %v", err)
	}
	app := webtest.Start(t, webtest.Options{Location: berlin})
	driver := app.AddMember(t, "dora@example.com", "Dora Driver", "+49 170 4444444", carpool.RoleMember)
	app.AddMember(t, "colin@example.com", "Colin Colleague", "+49 170 5555555", carpool.RoleMember)
	now := carpool.Timestamp(time.Now())
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M DD 7", Make: "Skoda", Model: "Octavia",
		Seats: 5, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := app.Store.CreateCar(context.Background(), car); err != nil {
		t.Fatalf("create car: %v", err)
	}

	dora := newPerson(t, browser, app.URL, "Dora")
	colin := newPerson(t, browser, app.URL, "Colin")
	tomorrow := carpool.DateOf(time.Now().In(berlin)).AddDays(1)
	wednesday := tomorrow
	for wednesday.Weekday() != time.Wednesday {
		wednesday = wednesday.AddDays(1)
	}
	var seriesPath string

	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("1 driver offers a Monday-to-Friday commute", func(t *testing.T) {
		d := dora.in(t)
		d.signIn("dora@example.com", webtest.Password)
		d.open("/commutes/new")
		d.fill("car_id", car.ID)
		dropPin(d, "from", 48.1497, 11.4614)
		dropPin(d, "to", 48.2620, 11.6670)
		d.fill("depart_time", "07:30")
		d.fill("seats", "3")
		d.fill("starts_on", tomorrow.String())
		d.fill("ends_on", tomorrow.AddDays(13).String())
		d.submitOK(`form[action="/commutes"] button[type="submit"]`)
		d.wantText(".flash", "Your commute is offered")
		d.wantText("#series-summary", "Mon, Tue, Wed, Thu, Fri at 07:30 (Europe/Berlin)")
		seriesPath = strings.TrimPrefix(strings.Split(d.url(), "?")[0], app.URL)

		// What `carpool serve` does in the background every CARPOOL_SERIES_INTERVAL.
		if _, err := storetest.NewFlows(app.Store).MaterialiseSeries(context.Background(), carpool.DefaultSeriesHorizon); err != nil {
			t.Fatalf("materialise series: %v", err)
		}
		d.open(seriesPath)
		d.wantText("#days", "07:30")
		d.screenshot(dir, "commute-1-offered")
	})

	step("2 colleague subscribes to Monday, Wednesday and Thursday", func(t *testing.T) {
		c := colin.in(t)
		c.signIn("colin@example.com", webtest.Password)
		c.open(seriesPath)
		c.do("untick Tuesday and Friday", chromedpClick("#day-tue"), chromedpClick("#day-fri"))
		c.submitOK(`form[action$="/subscribe"] button[type="submit"]`)
		c.wantText(".flash", "You are subscribed")
		c.wantText("#my-subscription", "Mon, Wed, Thu")
		c.wantText("#days", "my seat confirmed")
		c.open("/commutes")
		c.wantText("#riding", "Pin at 48.1497, 11.4614 → Pin at 48.2620, 11.6670")
	})

	step("3 driver skips Wednesday after seeing who is told", func(t *testing.T) {
		d := dora.in(t)
		d.open(seriesPath)
		d.wantText("#subscribers", "Colin Colleague")
		d.submitOK(`form[action$="/skip"]:has(input[value="` + wednesday.String() + `"]) button`)
		d.wantText("#consequences", "Colin Colleague is told")
		d.submitOK("#confirm")
		d.wantText(".flash", "Day skipped")
	})

	step("4 colleague's week view shows the skipped Wednesday", func(t *testing.T) {
		c := colin.in(t)
		c.open("/commutes/week?from=" + wednesday.String())
		c.wantText(`section[data-date="`+wednesday.String()+`"] .day-status`, "skipped")
		c.wantText(`section[data-date="`+wednesday.AddDays(1).String()+`"] .occurrence`, "my seat confirmed")
		if c.has(`section[data-date="` + wednesday.AddDays(2).String() + `"] .occurrence`) {
			t.Fatalf("Friday shows for a colleague who did not choose it")
		}
		c.screenshot(dir, "commute-4-week")
	})
}
