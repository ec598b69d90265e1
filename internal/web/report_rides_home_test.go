package web_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestReportRidesHome: the fleet report page says how many rides home were asked for in
// the period and how they stand.
func TestReportRidesHome(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	site := carpool.Site{ID: carpool.NewID(), Name: "Riverside office", Address: "Quay 1", Lat: 48.1, Lon: 11.5, Version: 1}
	mustDo(t, app.Store.CreateSite(ctx, site))
	flows := storetest.NewFlows(app.Store)
	now := time.Now()
	for i, how := range []struct {
		status carpool.RideHomeStatus
		means  carpool.RideHomeMeans
	}{{carpool.RideHomeApproved, carpool.RideHomeTaxi}, {carpool.RideHomeApproved, carpool.RideHomeTaxi}, {carpool.RideHomeDeclined, ""}, {carpool.RideHomeRequested, ""}} {
		driver := app.AddMember(t, "d"+string(rune('a'+i))+"@example.com", "Driver", "", carpool.RoleMember)
		rider := app.AddMember(t, "r"+string(rune('a'+i))+"@example.com", "Rider", "", carpool.RoleMember)
		car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: driver.ID, Plate: "M RH " + string(rune('1'+i)), Make: "VW", Model: "Golf",
			Seats: 5, Status: carpool.CarActive, Version: 1}
		mustDo(t, app.Store.CreateCar(ctx, car))
		ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: now.Add(3 * time.Hour), Seats: 3, BookingMode: carpool.BookingInstant,
			From: carpool.Place{Label: "Riverside", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "Hill", Lat: 48.3, Lon: 11.7}}, driver)
		mustDo(t, err)
		b, err := flows.BookSeats(ctx, ride.ID, rider, carpool.BookingRequest{Seats: 1})
		mustDo(t, err)
		q := carpool.RideHomeRequest{ID: carpool.NewID(), MemberID: rider.ID, BookingID: b.ID, RideID: ride.ID, SiteID: site.ID,
			Status: how.status, Means: how.means, CreatedAt: carpool.Timestamp(now)}
		switch how.status {
		case carpool.RideHomeApproved:
			q.Voucher, q.DecidedBy, q.DecidedAt = "T-1", fm.ID, q.CreatedAt
		case carpool.RideHomeDeclined:
			q.Reason, q.DecidedBy, q.DecidedAt = "no car", fm.ID, q.CreatedAt
		}
		mustDo(t, app.Store.InTx(ctx, func(tx carpool.Tx) error { return tx.InsertRideHome(ctx, q) }))
	}

	b := newBrowser(t, app)
	b.signInAs(fm)
	day := func(d time.Time) string { return d.UTC().Format("2006-01-02") }
	_, body := b.get("/fleet/reports?from=" + day(now.AddDate(0, 0, -1)) + "&to=" + day(now.AddDate(0, 0, 1)))
	for id, want := range map[string]string{"requests": "4", "pool-car": "0", "taxi": "2", "declined": "1", "pending": "1"} {
		m := regexp.MustCompile(`id="rides-home-` + id + `">(\d+)<`).FindStringSubmatch(body)
		if m == nil || m[1] != want {
			t.Errorf("rides home %s: got %v, want %s", id, m, want)
		}
	}
}
