package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestHomeGroupsTheAgenda: the home page says what happens today (in the member's
// zone), then the requests waiting for the member, then the next days with all but the
// first three rides folded behind a summary.
func TestHomeGroupsTheAgenda(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Monday 23 March 2026, 22:00 in Berlin (21:00 UTC): a ride at 23:30 is today.
	now := time.Date(2026, 3, 23, 22, 0, 0, 0, berlin)
	a := webtest.Start(t, webtest.Options{Location: berlin, Now: func() time.Time { return now }})
	ctx := context.Background()
	ann := a.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	bob := a.AddMember(t, "bob@example.com", "Bob", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B A 1", Make: "VW", Model: "Golf", Seats: 5, OwnerID: ann.ID,
		Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	ride := func(label string, at time.Time, mode carpool.BookingMode) carpool.Ride {
		r, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: at, Seats: 3, BookingMode: mode,
			From: carpool.Place{Label: label, Lat: 52.52, Lon: 13.40}, To: carpool.Place{Label: "Potsdam", Lat: 52.39, Lon: 13.06}}, ann)
		if err != nil {
			t.Fatalf("ride %s: %v", label, err)
		}
		return r
	}
	tonight := ride("Tonight", time.Date(2026, 3, 23, 23, 30, 0, 0, berlin), carpool.BookingApproval)
	for day := 24; day <= 28; day++ {
		ride(fmt.Sprintf("Commute %d", day), time.Date(2026, 3, day, 7, 30, 0, 0, berlin), carpool.BookingInstant)
	}
	if _, err := storetest.NewFlows(a.Store).BookSeats(ctx, tonight.ID, bob, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, a)
	b.signInAs(ann)
	_, body := b.get("/")
	checkPage(t, "/", body)
	today, requests, later := section(t, body, "today"), section(t, body, "requests"), section(t, body, "later")
	if !strings.Contains(today, "Tonight → Potsdam") || strings.Contains(today, "Commute") {
		t.Errorf("today: want tonight's ride only:\n%s", today)
	}
	if !strings.Contains(requests, "Bob asks for 1 seat") {
		t.Errorf("requests: want Bob's request:\n%s", requests)
	}
	if strings.Index(body, `id="requests"`) > strings.Index(body, `id="later"`) {
		t.Errorf("the requests come after the next days")
	}
	folded := later[strings.Index(later, "<details"):]
	for day := 24; day <= 28; day++ {
		label := fmt.Sprintf("Commute %d → Potsdam", day)
		if !strings.Contains(later, label) {
			t.Errorf("next days: want %s", label)
		}
		if inFold := strings.Contains(folded, label); inFold != (day > 26) {
			t.Errorf("%s folded: got %v, want %v", label, inFold, day > 26)
		}
	}
	if !strings.Contains(later, "<summary>2 more rides</summary>") {
		t.Errorf("next days: want the fold to say 2 more rides:\n%s", later)
	}
}

// section returns the HTML of the section with the given id.
func section(t *testing.T, body, id string) string {
	t.Helper()
	start := strings.Index(body, `<section aria-labelledby="h-`+id+`" id="`+id+`">`)
	if start < 0 {
		t.Fatalf("no section %s:\n%s", id, body)
	}
	end := strings.Index(body[start:], "</section>")
	return body[start : start+end]
}
