package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestSearchWindow: a search looks at the whole chosen day in the member's zone (from
// now when the day is today), or at the coming week for "any time"; a day in the past or
// not a date is an error beside the day field. After a search the form folds behind a
// summary; with an error it stays open.
func TestSearchWindow(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Monday 23 March 2026, 10:00 in Berlin.
	now := time.Date(2026, 3, 23, 10, 0, 0, 0, berlin)
	a := webtest.Start(t, webtest.Options{Location: berlin, Now: func() time.Time { return now }})
	ctx := context.Background()
	ann := a.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	bob := a.AddMember(t, "bob@example.com", "Bob", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B A 1", Make: "VW", Model: "Golf", Seats: 5, OwnerID: ann.ID,
		Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		label string
		at    time.Time
	}{
		{"Earlier today", time.Date(2026, 3, 23, 9, 0, 0, 0, berlin)}, // gone by now: created with an earlier clock
		{"Tonight", time.Date(2026, 3, 23, 23, 30, 0, 0, berlin)},
		{"Tuesday morning", time.Date(2026, 3, 24, 0, 15, 0, 0, berlin)},
		{"Tuesday evening", time.Date(2026, 3, 24, 23, 45, 0, 0, berlin)},
		{"Thursday", time.Date(2026, 3, 26, 8, 0, 0, 0, berlin)},
		{"Next Tuesday", time.Date(2026, 3, 31, 8, 0, 0, 0, berlin)},
	} {
		saved := now
		now = r.at.Add(-time.Hour)
		if _, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: r.at, Seats: 3,
			From: carpool.Place{Label: r.label, Lat: 52.52, Lon: 13.40}, To: carpool.Place{Label: "Potsdam", Lat: 52.39, Lon: 13.06}}, ann); err != nil {
			t.Fatalf("ride %s: %v", r.label, err)
		}
		now = saved
	}
	b := newBrowser(t, a)
	b.signInAs(bob)

	_, form := b.get("/rides")
	for _, want := range []string{`name="day" type="date" value="2026-03-23"`, `id="when-day" name="when" value="day" checked`} {
		if !strings.Contains(form, want) {
			t.Errorf("empty search form: want %s", want)
		}
	}
	if strings.Contains(form, "search-again") {
		t.Errorf("the form is folded before any search")
	}

	all := []string{"Earlier today", "Tonight", "Tuesday morning", "Tuesday evening", "Thursday", "Next Tuesday"}
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"today from now to midnight", "when=day&day=2026-03-23", []string{"Tonight"}},
		{"tomorrow from midnight to midnight", "when=day&day=2026-03-24", []string{"Tuesday morning", "Tuesday evening"}},
		{"any time: the coming week", "when=any&day=2026-03-24", []string{"Tonight", "Tuesday morning", "Tuesday evening", "Thursday"}},
		{"no day: any time", "when=day&day=", []string{"Tonight", "Tuesday morning", "Tuesday evening", "Thursday"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.get("/rides?seats=1&match=ends&" + tc.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("got %d:\n%s", res.StatusCode, body)
			}
			for _, label := range all {
				found := strings.Contains(body, ">"+label+" → Potsdam</a>")
				if want := slices.Contains(tc.want, label); found != want {
					t.Errorf("ride %q in the results: got %v, want %v", label, found, want)
				}
			}
			if !strings.Contains(body, `<details class="card search-again">`) || !strings.Contains(body, `id="search-summary"`) {
				t.Errorf("after a search the form should fold behind a summary:\n%s", body)
			}
		})
	}
	for _, tc := range []struct{ name, day, want string }{
		{"a day in the past", "2026-03-22", "Day lies in the past"},
		{"not a date", "23.03.", "Day must be a date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.get("/rides?seats=1&when=day&day=" + tc.day)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="day-error"`) || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d, want 422 with %q beside the day:\n%s", res.StatusCode, tc.want, body)
			}
			if !strings.Contains(body, `<details class="card search-again" open>`) {
				t.Errorf("a search with an error should keep its form open")
			}
		})
	}
}
