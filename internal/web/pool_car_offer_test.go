package web_test

import (
	"context"
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

// TestTakeThePoolCarYourselfPage: the page of a ride an admin cancelled offers its
// driver and its passenger the pool car free at the start site, and one tap reserves it
// for the window offered; a colleague is offered nothing.
func TestTakeThePoolCarYourselfPage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	ada := app.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin)
	dora := app.AddMember(t, "dora@example.com", "Dora Driver", "", carpool.RoleMember)
	pia := app.AddMember(t, "pia@example.com", "Pia Passenger", "", carpool.RoleMember)
	max := app.AddMember(t, "max@example.com", "Max Member", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "Riverside office", Address: "Quay 1", Lat: 48.1, Lon: 11.5, Version: 1}
	mustDo(t, app.Store.CreateSite(ctx, site))
	pool := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M PC 1", Make: "VW", Model: "ID.3", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, pool))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: dora.ID, Plate: "M PC 2", Make: "VW", Model: "Golf",
		Seats: 5, Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	flows := storetest.NewFlows(app.Store)
	ride, err := flows.CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: time.Now().Add(5 * time.Hour), Seats: 3,
		BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "Riverside", Lat: 48.1, Lon: 11.5},
		To: carpool.Place{Label: "Hill", Lat: 48.3, Lon: 11.7}}, dora)
	mustDo(t, err)
	_, err = flows.BookSeats(ctx, ride.ID, pia, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	ridePage := "/rides/" + ride.ID
	button := `id="take-` + pool.ID + `"`

	driver := newBrowser(t, app)
	driver.signInAs(dora)
	if _, body := driver.get(ridePage); strings.Contains(body, button) {
		t.Errorf("a pool car is offered while the ride holds")
	}
	_, err = flows.CancelRide(ctx, ride.ID, ada)
	mustDo(t, err)
	passenger := newBrowser(t, app)
	passenger.signInAs(pia)
	if _, body := passenger.get(ridePage); !strings.Contains(body, button) {
		t.Errorf("the passenger of the cancelled ride is not offered the pool car")
	}
	colleague := newBrowser(t, app)
	colleague.signInAs(max)
	if _, body := colleague.get(ridePage); strings.Contains(body, `id="pool-car-offer"`) {
		t.Errorf("a colleague is offered a pool car for someone else's ride")
	}
	_, body := driver.get(ridePage)
	if !strings.Contains(body, button) {
		t.Fatalf("the driver of the cancelled ride is not offered the pool car")
	}
	field := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the offer has no %s", name)
		}
		return m[1]
	}
	res, _ := driver.post("/cars/"+pool.ID+"/reserve", url.Values{"csrf": {driver.csrf(ridePage)}, "start": {field("start")}, "end": {field("end")}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("one tap: got %d, want 303", res.StatusCode)
	}
	held, _, err := app.Store.Reservations(ctx, carpool.ReservationFilter{CarID: pool.ID, MemberID: dora.ID, ActiveOnly: true}, carpool.Page{Limit: 5})
	mustDo(t, err)
	if len(held) != 1 || !held[0].Start.Equal(ride.DepartAt.Add(-15*time.Minute).Truncate(time.Minute)) {
		t.Fatalf("the driver's reservation: got %+v, want one from a quarter hour before departure", held)
	}
	if _, body := driver.get(ridePage); strings.Contains(body, button) {
		t.Errorf("the reserved car is still offered")
	}
}
