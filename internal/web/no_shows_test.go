package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// ownerDepartedBooking is the owner's confirmed booking, as a passenger, on a
// colleague's ride that departed five minutes ago (moved there in the database).
func (s *site) ownerDepartedBooking(t *testing.T) string {
	b, err := storetest.NewFlows(s.app.Store).BookSeats(context.Background(), s.ride(t, s.colleague(t), carpool.BookingInstant), s.owner, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	moveRide(t, s.app.Store, b.RideID, time.Now().Add(-5*time.Minute))
	return b.ID
}

func moveRide(t *testing.T, store carpool.Store, rideID string, at time.Time) {
	t.Helper()
	db, ok := store.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatal("the test store exposes no database")
	}
	_, err := db.DB().ExecContext(context.Background(), `UPDATE rides SET depart_at = $1 WHERE id = $2`, at.UTC(), rideID)
	mustDo(t, err)
}

// TestDriverNoShowPages: a passenger whose driver never came marks them on the ride
// page, once and only after departure; the fleet's no-show page counts it, and nobody
// else may open that page.
func TestDriverNoShowPages(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fiona := app.AddMember(t, "fiona@example.com", "Fiona Fleet", "", carpool.RoleFleetManager)
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: dora.ID, Plate: "M NS 1", Make: "VW", Model: "Golf",
		Seats: 5, Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	flows := storetest.NewFlows(app.Store)
	ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: time.Now().Add(15 * time.Minute), Seats: 3,
		BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "Riverside", Lat: 48.1, Lon: 11.5},
		To: carpool.Place{Label: "Hill", Lat: 48.3, Lon: 11.7}}, dora)
	mustDo(t, err)
	booking, err := flows.BookSeats(ctx, ride.ID, pia, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	ridePage := "/rides/" + ride.ID

	passenger := newBrowser(t, app)
	passenger.signInAs(pia)
	if _, body := passenger.get(ridePage); strings.Contains(body, `id="driver-no-show"`) {
		t.Errorf("the passenger may mark the driver before departure")
	}
	moveRide(t, app.Store, ride.ID, time.Now().Add(-20*time.Minute))
	_, body := passenger.get(ridePage)
	if !strings.Contains(body, `id="driver-no-show"`) || !strings.Contains(body, `action="/bookings/`+booking.ID+`/driver-no-show"`) {
		t.Fatalf("the passenger's page after departure has no button to mark the driver")
	}
	driver := newBrowser(t, app)
	driver.signInAs(dora)
	if _, body := driver.get(ridePage); strings.Contains(body, `id="driver-no-show"`) {
		t.Errorf("the driver is offered to mark themselves")
	}
	token := passenger.csrf(ridePage)
	res, _ := passenger.post("/bookings/"+booking.ID+"/driver-no-show", url.Values{"csrf": {token}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != ridePage+"?done=driverNoShow" {
		t.Fatalf("mark the driver: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := passenger.get(ridePage); !strings.Contains(body, `id="marked-driver"`) || strings.Contains(body, `id="driver-no-show"`) {
		t.Errorf("after marking, the page does not say so or still offers the button")
	}
	res, body = passenger.post("/bookings/"+booking.ID+"/driver-no-show", url.Values{"csrf": {token}}, nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "already marked the driver") {
		t.Errorf("a second mark: got %d, want 409 saying it was done", res.StatusCode)
	}

	fleet := newBrowser(t, app)
	fleet.signInAs(fiona)
	if _, body := fleet.get("/fleet"); !strings.Contains(body, `href="/fleet/no-shows"`) {
		t.Errorf("the fleet page does not lead to the no-shows")
	}
	res, body = fleet.get("/fleet/no-shows")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="noshow-`+dora.ID+`"`) || strings.Contains(body, `id="noshow-`+pia.ID+`"`) {
		t.Fatalf("the fleet's no-shows: got %d without Dora's row (or with Pia's)", res.StatusCode)
	}
	for _, who := range []*browser{passenger, driver} {
		if res, _ := who.get("/fleet/no-shows"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a member opens the no-shows: got %d, want 403", res.StatusCode)
		}
	}
}
