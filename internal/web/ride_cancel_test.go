package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestCancellingAPoolCarRideOffersTheCarBack: the confirmation asks the driver whether
// the pool car goes back too (ticked), and ticking it ends the reservation with the ride.
func TestCancellingAPoolCarRideOffersTheCarBack(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	driver := app.AddMember(t, "dana@example.com", "Dana Driver", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5}
	mustDo(t, site.Validate())
	mustDo(t, app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M P 7", Make: "VW", Model: "Golf", Seats: 5}
	mustDo(t, car.Validate())
	mustDo(t, app.Store.CreateCar(ctx, car))
	flows := storetest.NewFlows(app.Store)
	start := time.Now().Add(24 * time.Hour)
	offer := func() (carpool.Reservation, carpool.Ride) {
		t.Helper()
		res, err := flows.CreateReservation(ctx, car.ID, driver, carpool.ReservationTrip, start, start.Add(4*time.Hour))
		mustDo(t, err)
		ride, err := flows.CreateRide(ctx, carpool.RideInput{
			CarID: car.ID, ReservationID: res.ID, DepartAt: start.Add(time.Hour), Seats: 2, BookingMode: carpool.BookingInstant,
			From: carpool.Place{Label: "HQ", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "Airport", Lat: 48.35, Lon: 11.78},
		}, driver)
		mustDo(t, err)
		return res, ride
	}
	status := func(id string) carpool.ReservationStatus {
		r, err := app.Store.Reservation(ctx, id)
		mustDo(t, err)
		return r.Status
	}
	b := newBrowser(t, app)
	b.signInAs(driver)

	res, ride := offer()
	path := "/rides/" + url.PathEscape(ride.ID) + "/cancel"
	_, page := b.post(path, url.Values{"csrf": {b.csrf("/rides/" + ride.ID)}}, nil)
	checkPage(t, path, page)
	if !strings.Contains(page, `id="free_car" name="free_car" value="yes" checked`) || !strings.Contains(page, car.Plate) {
		t.Fatalf("the confirmation offers no ticked choice to give %s back:\n%s", car.Plate, page)
	}
	r, _ := b.post(path, url.Values{"csrf": {b.csrf("/rides/" + ride.ID)}, "confirmed": {"yes"}, "free_car": {"yes"}}, nil)
	if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusOK {
		t.Fatalf("cancel: got %d", r.StatusCode)
	}
	if got := status(res.ID); got != carpool.ReservationCancelled {
		t.Fatalf("car given back: reservation %s, want cancelled", got)
	}

	// Unticked, the driver keeps the car to drive alone.
	res, ride = offer()
	path = "/rides/" + url.PathEscape(ride.ID) + "/cancel"
	b.post(path, url.Values{"csrf": {b.csrf("/rides/" + ride.ID)}, "confirmed": {"yes"}}, nil)
	if got := status(res.ID); got != carpool.ReservationActive {
		t.Fatalf("car kept: reservation %s, want active", got)
	}
	if got, err := app.Store.Ride(ctx, ride.ID); err != nil || got.Status != carpool.RideCancelled {
		t.Fatalf("ride: got %v, %v; want cancelled", got.Status, err)
	}
}
