package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestPassengerSeesTheirPickup: a passenger who booked with their own pickup and drop-off
// finds both, and when the driver is expected at the pickup, on the ride's page and on
// home, on their own clock.
func TestPassengerSeesTheirPickup(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	a := webtest.Start(t, webtest.Options{Location: time.UTC})
	ctx := context.Background()
	driver := a.AddMember(t, "dana@example.com", "Dana", "", carpool.RoleMember)
	rider := a.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember)
	if _, err := storetest.NewFlows(a.Store).ChangeMember(ctx, rider.ID, func(m *carpool.Member) error { m.TimeZone = "Europe/Berlin"; return nil }); err != nil {
		t.Fatal(err)
	}
	now := carpool.Timestamp(time.Now())
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M P 1", Make: "VW", Model: "Golf",
		Seats: 5, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	ride, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID,
		From: carpool.Place{Label: "Munich HQ", Lat: 48.10, Lon: 11.50}, To: carpool.Place{Label: "Airport", Lat: 48.35, Lon: 11.78},
		DepartAt: now.Add(30 * time.Hour), Seats: 3, BookingMode: carpool.BookingInstant}, driver)
	if err != nil {
		t.Fatal(err)
	}
	pickup := carpool.Place{Label: "Schwabing Nord", Lat: 48.17, Lon: 11.58}
	dropoff := carpool.Place{Label: "Garching Forschungszentrum", Lat: 48.26, Lon: 11.67}
	bk, err := storetest.NewFlows(a.Store).BookSeats(ctx, ride.ID, rider, carpool.BookingRequest{Seats: 1, Pickup: &pickup, Dropoff: &dropoff})
	if err != nil {
		t.Fatal(err)
	}
	at, ok := bk.PickupAt(ride)
	if !ok || !at.After(ride.DepartAt) {
		t.Fatalf("estimated pickup: got %v %v, want after the departure %v", at, ok, ride.DepartAt)
	}
	clock := locale.ForCode("en", locale.Default).Clock(at.In(berlin))

	b := newBrowser(t, a)
	b.signInAs(rider)
	_, page := b.get("/rides/" + ride.ID)
	checkPage(t, "/rides/"+ride.ID, page)
	want := "Your pickup: Schwabing Nord, about " + clock + "; drop-off: Garching Forschungszentrum."
	if !strings.Contains(page, `<p id="my-pickup">`+want+`</p>`) {
		t.Errorf("ride page: want %q", want)
	}
	_, home := b.get("/")
	checkPage(t, "/", home)
	if want := `<span class="meta my-pickup">pickup at Schwabing Nord, about ` + clock + `</span>`; !strings.Contains(home, want) {
		t.Errorf("home: want %q", want)
	}

	// A passenger who boards at the start is told nothing of a pickup of their own.
	other := a.AddMember(t, "olga@example.com", "Olga", "", carpool.RoleMember)
	if _, err := storetest.NewFlows(a.Store).BookSeats(ctx, ride.ID, other, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}
	b = newBrowser(t, a)
	b.signInAs(other)
	if _, page := b.get("/rides/" + ride.ID); strings.Contains(page, `id="my-pickup"`) {
		t.Errorf("ride page of a passenger without a pickup shows one")
	}
	if _, home := b.get("/"); strings.Contains(home, "my-pickup") {
		t.Errorf("home of a passenger without a pickup shows one")
	}
}

// TestDriverSeesTheRequestsPickupArea: before confirming, the driver of an approval ride
// sees how far along the way a request's pickup lies and when they would be there,
// figured from its ~500 m area, never its place; after confirming, the place, the drop-off
// and the expected time, and both stops are on the ride's map.
func TestDriverSeesTheRequestsPickupArea(t *testing.T) {
	a := webtest.Start(t, webtest.Options{Location: time.UTC})
	ctx := context.Background()
	driver := a.AddMember(t, "dana@example.com", "Dana", "", carpool.RoleMember)
	rider := a.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember)
	now := carpool.Timestamp(time.Now())
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M P 2", Make: "VW", Model: "Golf",
		Seats: 5, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	ride, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID,
		From: carpool.Place{Label: "Munich HQ", Lat: 48.10, Lon: 11.50}, To: carpool.Place{Label: "Airport", Lat: 48.35, Lon: 11.78},
		DepartAt: now.Add(30 * time.Hour), Seats: 3, BookingMode: carpool.BookingApproval}, driver)
	if err != nil {
		t.Fatal(err)
	}
	pickup := carpool.Place{Label: "Schwabing Nord", Lat: 48.1713, Lon: 11.5821}
	dropoff := carpool.Place{Label: "Garching Forschungszentrum", Lat: 48.2611, Lon: 11.6702}
	bk, err := storetest.NewFlows(a.Store).BookSeats(ctx, ride.ID, rider, carpool.BookingRequest{Seats: 1, Pickup: &pickup, Dropoff: &dropoff})
	if err != nil {
		t.Fatal(err)
	}
	en := locale.ForCode("en", locale.Default)
	area, ok := bk.StopFor(driver, ride)
	if !ok || area.Exact {
		t.Fatalf("the driver's view of a request: got %+v %v, want its area", area, ok)
	}
	b := newBrowser(t, a)
	b.signInAs(driver)
	_, page := b.get("/rides/" + ride.ID)
	checkPage(t, "/rides/"+ride.ID, page)
	want := en.KM(area.PickupKM) + " after the start (to about 500 m), around " + en.Clock(area.PickupAt) + "; the exact place after confirming"
	if !strings.Contains(page, want) {
		t.Errorf("request: want %q", want)
	}
	for _, secret := range []string{"Schwabing", "Garching", "48.171300", "11.582100"} {
		if strings.Contains(page, secret) {
			t.Errorf("before confirming the driver's page shows %q", secret)
		}
	}

	if _, err := storetest.NewFlows(a.Store).ConfirmBooking(ctx, bk.ID, driver); err != nil {
		t.Fatal(err)
	}
	bk.Status = carpool.BookingConfirmed
	exact, ok := bk.StopFor(driver, ride)
	if !ok || !exact.Exact {
		t.Fatalf("the driver's view of a confirmed booking: got %+v %v, want it exact", exact, ok)
	}
	_, page = b.get("/rides/" + ride.ID)
	if want := "Schwabing Nord → Garching Forschungszentrum, around " + en.Clock(exact.PickupAt); !strings.Contains(page, want) {
		t.Errorf("confirmed: want %q", want)
	}
	for _, want := range []string{`data-lat="48.171300" data-lon="11.582100" data-kind="pickup">Pickup of Rico: Schwabing Nord`,
		`data-lat="48.261100" data-lon="11.670200" data-kind="dropoff">Drop-off of Rico: Garching Forschungszentrum`} {
		if !strings.Contains(page, want) {
			t.Errorf("ride map: want %q", want)
		}
	}
	// The passenger's own map shows their stops too.
	b = newBrowser(t, a)
	b.signInAs(rider)
	if _, page := b.get("/rides/" + ride.ID); !strings.Contains(page, `data-kind="dropoff">Your drop-off: Garching Forschungszentrum`) {
		t.Errorf("passenger's map lacks their drop-off")
	}
}
