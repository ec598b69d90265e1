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

// TestDestructiveActionsAskFirst posts each destructive form as its page does (without
// confirmed=yes): the answer is a confirmation page that says what will happen to whom,
// and nothing changes; posting the confirmation page's form does it.
func TestDestructiveActionsAskFirst(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	pat := app.AddMember(t, "pat@example.com", "Pat Passenger", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5}
	mustDo(t, app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M P 1", Make: "VW", Model: "Golf", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	spare := car
	spare.ID, spare.Plate = carpool.NewID(), "M P 2"
	mustDo(t, app.Store.CreateCar(ctx, spare))
	start := time.Now().Add(24 * time.Hour)
	res, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, fm, carpool.ReservationTrip, start, start.Add(4*time.Hour))
	mustDo(t, err)
	other, err := storetest.NewFlows(app.Store).CreateReservation(ctx, spare.ID, fm, carpool.ReservationTrip, start, start.Add(time.Hour))
	mustDo(t, err)
	ride, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{
		CarID: car.ID, ReservationID: res.ID, DepartAt: start.Add(time.Hour), Seats: 2, BookingMode: carpool.BookingInstant,
		From: carpool.Place{Label: "HQ", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "Airport", Lat: 48.35, Lon: 11.78},
	}, fm)
	mustDo(t, err)
	booking, err := storetest.NewFlows(app.Store).BookSeats(ctx, ride.ID, pat, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)

	driver := newBrowser(t, app)
	driver.signInAs(fm)
	passenger := newBrowser(t, app)
	passenger.signInAs(pat)

	cases := []struct {
		name   string
		who    *browser
		page   string // where the form is
		action string
		extra  url.Values
		says   []string // the confirmation page names these
		done   func() bool
	}{
		{"passenger cancels booking", passenger, "/rides/" + ride.ID, "/bookings/" + booking.ID + "/cancel", nil,
			[]string{"Cancel your booking", "1 seat", "driver is told"},
			func() bool { b, _ := app.Store.Booking(ctx, booking.ID); return b.Status == carpool.BookingCancelled }},
		{"fleet manager cancels reservation", driver, "/", "/reservations/" + other.ID + "/cancel", url.Values{"next": {"/"}},
			[]string{"Cancel the reservation", "free for others"},
			func() bool {
				x, _ := app.Store.Reservation(ctx, other.ID)
				return x.Status == carpool.ReservationCancelled
			}},
		{"driver cancels ride", driver, "/rides/" + ride.ID, "/rides/" + ride.ID + "/cancel", nil,
			[]string{"Cancel the ride HQ → Airport", "Nobody has booked it yet"},
			func() bool { r, _ := app.Store.Ride(ctx, ride.ID); return r.Status == carpool.RideCancelled }},
		{"fleet manager retires car", driver, "/fleet/cars/" + spare.ID, "/fleet/cars/" + spare.ID + "/retire", nil,
			[]string{"Retire M P 2", "leaves the fleet for good"},
			func() bool { c, _ := app.Store.Car(ctx, spare.ID); return c.Status == carpool.CarRetired }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"csrf": {tc.who.csrf(tc.page)}}
			for k, v := range tc.extra {
				form[k] = v
			}
			res, body := tc.who.post(tc.action, form, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("first post: got %d, want 200 with a confirmation page:\n%s", res.StatusCode, body)
			}
			for _, want := range tc.says {
				if !strings.Contains(body, want) {
					t.Errorf("confirmation page: want it to say %q:\n%s", want, body)
				}
			}
			if !strings.Contains(body, `name="confirmed" value="yes"`) {
				t.Errorf("confirmation page has no confirming form:\n%s", body)
			}
			if tc.done() {
				t.Fatalf("the action happened before it was confirmed")
			}
			form.Set("confirmed", "yes")
			res, body = tc.who.post(tc.action, form, nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("confirmed post: got %d, want 303:\n%s", res.StatusCode, body)
			}
			if !tc.done() {
				t.Errorf("the confirmed action did not happen")
			}
		})
	}

	t.Run("cancelled ride says so and offers nothing to book", func(t *testing.T) {
		_, body := passenger.get("/rides/" + ride.ID)
		if !strings.Contains(body, `id="ride-cancelled"`) || !strings.Contains(body, "none: cancelled") {
			t.Errorf("cancelled ride page: want the cancelled banner and no free seats:\n%s", body)
		}
		if strings.Contains(body, `action="/rides/`+ride.ID+`/book"`) {
			t.Errorf("cancelled ride page still offers a booking form")
		}
	})
}
