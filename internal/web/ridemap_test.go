package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestRideMapFollowsTheWay: the driver's map lists the ride's start, its confirmed
// passengers' pickups and drop-offs in the order the car reaches them (not the order
// they booked in), and its end, so the line drawn through them follows the way.
func TestRideMapFollowsTheWay(t *testing.T) {
	ctx := context.Background()
	a := webtest.Start(t, webtest.Options{})
	driver := a.AddMember(t, "dana@example.com", "Dana", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B D 1", Make: "VW", Model: "Golf", Seats: 5, OwnerID: driver.ID,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, a.Store.CreateCar(ctx, car))
	ride, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: time.Now().Add(30 * time.Hour), Seats: 3,
		BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "Berlin Mitte", Lat: 52.5200, Lon: 13.4050},
		To: carpool.Place{Label: "Potsdam", Lat: 52.3906, Lon: 13.0645}}, driver)
	mustDo(t, err)
	// Wiebke, who booked first, is picked up late on the way; Sven, who booked next, early.
	for _, p := range []struct {
		name            string
		pickup, dropoff carpool.Place
	}{
		{"Wiebke", carpool.Place{Label: "Wannsee", Lat: 52.4216, Lon: 13.1797}, carpool.Place{Label: "Babelsberg", Lat: 52.4040, Lon: 13.1010}},
		{"Sven", carpool.Place{Label: "Steglitz", Lat: 52.4862, Lon: 13.3232}, carpool.Place{Label: "Zehlendorf", Lat: 52.4340, Lon: 13.2590}},
	} {
		m := a.AddMember(t, strings.ToLower(p.name)+"@example.com", p.name, "", carpool.RoleMember)
		_, err := storetest.NewFlows(a.Store).BookSeats(ctx, ride.ID, m, carpool.BookingRequest{Seats: 1, Pickup: &p.pickup, Dropoff: &p.dropoff})
		mustDo(t, err)
	}
	b := newBrowser(t, a)
	b.signInAs(driver)
	_, page := b.get("/rides/" + ride.ID)
	list := regexp.MustCompile(`(?s)<ul class="map-points" id="ride-points" hidden>(.*?)</ul>`).FindStringSubmatch(page)
	if list == nil {
		t.Fatalf("no map points on the driver's page")
	}
	var got []string
	for _, m := range regexp.MustCompile(`data-kind="(\w+)">([^<]*)</li>`).FindAllStringSubmatch(list[1], -1) {
		got = append(got, m[1]+" "+m[2])
	}
	want := []string{"from Start: Berlin Mitte", "pickup Pickup of Sven: Steglitz", "dropoff Drop-off of Sven: Zehlendorf",
		"pickup Pickup of Wiebke: Wannsee", "dropoff Drop-off of Wiebke: Babelsberg", "to End: Potsdam"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("map points:\ngot  %q\nwant %q", got, want)
	}
}
