package httpapi_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// ownerCancelledRide is a ride of the owner from the site at Marienplatz, leaving in
// six hours, that an admin cancelled.
func (w *world) ownerCancelledRide(t *testing.T) string {
	ride := w.ownerRide(t)
	w.e.do(t, call{method: "POST", path: "/api/v1/rides/" + ride + "/cancel", token: w.admin.token}).want(t, 200)
	return ride
}

// TestTakeThePoolCarYourself: when an admin cancels a ride from a site, its driver and
// its passenger are offered the site's pool cars free when it was to leave, and one
// reservation with the offered window makes the car theirs; nobody else is offered
// anything, and not before the ride is cancelled.
func TestTakeThePoolCarYourself(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	site := str(e.site(t, admin)["id"])
	free := str(e.poolCar(t, admin, site, 5)["id"])
	taken := str(e.poolCar(t, admin, site, 5)["id"])
	dora, paul, max := e.quickMember(t, "Dora Driver"), e.quickMember(t, "Paul Passenger"), e.quickMember(t, "Max Member")
	depart := future(6 * time.Hour)
	e.do(t, call{method: "POST", path: "/api/v1/cars/" + taken + "/reservations", token: max.token,
		body: map[string]any{"start": rfc3339(depart.Add(-time.Hour)), "end": rfc3339(depart.Add(time.Hour))}}).want(t, 201)
	ride := str(e.do(t, call{method: "POST", path: "/api/v1/rides", token: dora.token,
		body: rideBody(str(e.privateCar(t, dora, 4)["id"]), depart, 3, "instant")}).want(t, 201).object(t)["id"])
	booking := str(e.book(t, paul, ride, 1, false).want(t, 201).object(t)["id"])
	offer := "/api/v1/rides/" + ride + "/pool-cars"

	e.do(t, call{method: "GET", path: offer, token: dora.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "POST", path: "/api/v1/rides/" + ride + "/cancel", token: admin.token}).want(t, 200)
	e.do(t, call{method: "GET", path: offer, token: paul.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: offer, token: max.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: "/api/v1/rides/" + carpool.NewID() + "/pool-cars", token: dora.token}).problem(t, 404, carpool.ENOTFOUND, "")

	var got struct {
		SiteID     string `json:"site_id"`
		Start, End string
		Cars       []struct{ ID string }
	}
	e.do(t, call{method: "GET", path: offer, token: dora.token}).want(t, 200).decode(t, &got)
	if got.SiteID != site || len(got.Cars) != 1 || got.Cars[0].ID != free {
		t.Fatalf("the driver's offer: got %+v, want the free car of the site alone", got)
	}
	if want := rfc3339(depart.Add(-15 * time.Minute).Truncate(time.Minute)); got.Start != want {
		t.Errorf("start: got %s, want %s", got.Start, want)
	}
	var alt struct {
		PoolCars struct{ Cars []struct{ ID string } } `json:"pool_cars"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/bookings/" + booking + "/alternatives", token: paul.token}).want(t, 200).decode(t, &alt)
	if len(alt.PoolCars.Cars) != 1 || alt.PoolCars.Cars[0].ID != free {
		t.Errorf("the passenger's alternatives: got pool cars %+v, want the free car", alt.PoolCars)
	}

	// One tap: the offered window reserves the car for the driver, and it is offered no more.
	e.do(t, call{method: "POST", path: "/api/v1/cars/" + free + "/reservations", token: dora.token,
		body: map[string]any{"start": got.Start, "end": got.End}}).want(t, 201)
	e.do(t, call{method: "GET", path: offer, token: dora.token}).want(t, 200).decode(t, &got)
	if len(got.Cars) != 0 {
		t.Errorf("after the reservation: got %+v, want no car", got.Cars)
	}
}
