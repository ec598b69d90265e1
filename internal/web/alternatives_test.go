package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestAlternativeOneTapAway: a passenger whose ride was cancelled opens the notice in
// the inbox and lands on the best alternative with their pickup already in its booking
// form; one press books it, and the new booking keeps the pickup.
func TestAlternativeOneTapAway(t *testing.T) {
	ctx := context.Background()
	a := webtest.Start(t, webtest.Options{})
	use := app.New(a.Store, app.Options{})
	offer := func(driver carpool.Member, plate string, depart time.Time) carpool.Ride {
		t.Helper()
		car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: driver.ID, Plate: plate, Make: "VW",
			Model: "Golf", Seats: 5, Status: carpool.CarActive, Version: 1}
		mustDo(t, a.Store.CreateCar(ctx, car))
		r, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: depart, Seats: 3,
			BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "Marienplatz", Lat: 48.1372, Lon: 11.5756},
			To: carpool.Place{Label: "Airport", Lat: 48.3538, Lon: 11.7861}}, driver)
		mustDo(t, err)
		return r
	}
	dep := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	driver := a.AddMember(t, "dieter@example.com", "Dieter Driver", "", carpool.RoleMember)
	pia := a.AddMember(t, "pia@example.com", "Pia Pickup", "", carpool.RoleMember)
	lost := offer(driver, "M L 1", dep)
	other := offer(a.AddMember(t, "lena@example.com", "Lena Later", "", carpool.RoleMember), "M L 2", dep.Add(30*time.Minute))
	pickup := carpool.Place{Label: "Freimann", Lat: 48.19, Lon: 11.615}
	dropoff := carpool.Place{Label: "Garching", Lat: 48.249, Lon: 11.651}
	_, err := use.Book(ctx, pia, lost.ID, carpool.BookingRequest{Seats: 1, Pickup: &pickup, Dropoff: &dropoff})
	mustDo(t, err)
	_, err = use.CancelRide(ctx, driver, lost.ID, false)
	mustDo(t, err)
	_, err = notify.New(a.Store, notify.Options{}).FanOut(ctx)
	mustDo(t, err)

	b := newBrowser(t, a)
	b.signInAs(pia)
	_, inbox := b.get("/notifications")
	if !strings.Contains(inbox, "Rides that can take you instead") && !strings.Contains(inbox, "A ride that can take you instead") {
		t.Fatalf("the inbox names no alternative: %s", inbox)
	}
	open := regexp.MustCompile(`action="(/notifications/[0-9a-f]+/open)"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)">\s*<input type="hidden" name="link" value="([^"]+)"`).
		FindStringSubmatch(inbox)
	if open == nil {
		t.Fatalf("no open button in the inbox: %s", inbox)
	}
	link := html.UnescapeString(open[3])
	if !strings.HasPrefix(link, "/rides/"+other.ID+"?") {
		t.Fatalf("the notice leads to %q, want the alternative %s", link, other.ID)
	}
	res, _ := b.post(open[1], url.Values{"csrf": {open[2]}, "link": {link}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != link {
		t.Fatalf("open: got %d to %q, want 303 to %q", res.StatusCode, res.Header.Get("Location"), link)
	}
	_, page := b.get(link)
	if !strings.Contains(page, `id="my-pickup"`) || !strings.Contains(page, "Freimann") {
		t.Fatalf("the alternative's page does not carry the pickup: %s", page)
	}
	hidden := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s in the booking form", name)
		}
		return html.UnescapeString(m[1])
	}
	res, _ = b.post("/rides/"+other.ID+"/book", url.Values{"csrf": {hidden("csrf")}, "seats": {"1"},
		"pickup": {hidden("pickup")}, "dropoff": {hidden("dropoff")}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: got %d", res.StatusCode)
	}
	mine, err := a.Store.PassengerBookings(ctx, pia.ID, []string{other.ID})
	mustDo(t, err)
	if len(mine) != 1 || mine[0].Pickup == nil || mine[0].Pickup.Label != "Freimann" || mine[0].Dropoff.Label != "Garching" {
		t.Errorf("the new booking: got %+v, want Freimann → Garching", mine)
	}
}
