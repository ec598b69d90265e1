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

// TestCommutePages checks the commute pages as every page is checked (labels, no inline
// code), the series form's answers to bad input, and ending a series through the
// confirmation page without JavaScript.
func TestCommutePages(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	driver := app.AddMember(t, "dd@example.com", "Dana Driver", "", carpool.RoleMember)
	rider := app.AddMember(t, "rr@example.com", "Rik Rider", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: driver.ID, Plate: "M C 1", Make: "VW", Model: "Golf", Seats: 5}
	mustDo(t, car.Validate())
	mustDo(t, app.Store.CreateCar(ctx, car))

	b := newBrowser(t, app)
	b.signInAs(driver)
	tomorrow := carpool.DateOf(time.Now().UTC()).AddDays(1)
	form := func(edit func(url.Values)) url.Values {
		v := url.Values{
			"csrf": {b.csrf("/commutes/new")}, "car_id": {car.ID},
			"from": {"at:48.1,11.5|Home"}, "to": {"at:48.2,11.6|Office"},
			"weekdays": {"mon", "tue", "wed", "thu", "fri"}, "depart_time": {"07:30"}, "time_zone": {"UTC"},
			"seats": {"2"}, "mode": {"instant"}, "starts_on": {tomorrow.String()}, "ends_on": {tomorrow.AddDays(13).String()},
			"detour": {"8"},
		}
		edit(v)
		return v
	}

	cases := []struct {
		name string
		edit func(url.Values)
		want string
	}{
		{"no weekday", func(v url.Values) { v.Del("weekdays") }, "choose at least one weekday"},
		{"end before start", func(v url.Values) { v.Set("ends_on", tomorrow.AddDays(-1).String()) }, "ends_on must not be before starts_on"},
		{"unknown zone", func(v url.Values) { v.Set("time_zone", "Atlantis/Capital") }, "IANA zone"},
		{"time that is no time", func(v url.Values) { v.Set("depart_time", "25:00") }, "must be a time like 07:30"},
		{"detour above the maximum", func(v url.Values) { v.Set("detour", "51") }, "max_detour_km must be between 0 and 50"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.post("/commutes", form(tc.edit), nil)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d, want 422 saying %q:\n%s", res.StatusCode, tc.want, body)
			}
		})
	}

	res, body := b.post("/commutes", form(func(url.Values) {}), nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: got %d, want 303:\n%s", res.StatusCode, body)
	}
	path := strings.Split(res.Header.Get("Location"), "?")[0]
	if _, err := storetest.NewFlows(app.Store).MaterialiseSeries(ctx, carpool.DefaultSeriesHorizon); err != nil {
		t.Fatalf("materialise: %v", err)
	}
	id := strings.TrimPrefix(path, "/commutes/")
	if sr, err := app.Store.Series(ctx, id); err != nil || sr.DetourKM != 8 {
		t.Fatalf("series: got budget %v (%v), want the 8 km typed", sr.DetourKM, err)
	}
	if _, _, err := storetest.NewFlows(app.Store).Subscribe(ctx, id, rider, 0, 1); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	for _, p := range []string{"/commutes", "/commutes/new", path, "/commutes/week", "/commutes/week?from=" + tomorrow.String()} {
		res, body := b.get(p)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d, want 200:\n%s", p, res.StatusCode, body)
		}
		checkPage(t, p, body)
	}

	// The coming days: a tally of all, the coming week listed, the rest folded.
	_, body = b.get(path)
	if !strings.Contains(body, `<p id="days-tally">10 days run</p>`) {
		t.Errorf("series page: want the tally of the ten days:\n%s", body)
	}
	week, later := tableRows(body, `id="days"`), tableRows(body, `id="later-days"`)
	if week+later != 10 || week > 5 || week < 4 || !strings.Contains(body, `<details class="more" id="later">`) {
		t.Errorf("series page: got %d days listed and %d folded, want the 4 or 5 of the coming week listed and the rest of the 10 folded", week, later)
	}

	// Ending asks first, naming the subscriber; only the confirmed form ends it.
	csrf := b.csrf(path)
	res, body = b.post(path+"/end", url.Values{"csrf": {csrf}}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Rik Rider is told") {
		t.Fatalf("end without confirmation: got %d, want the confirmation page naming Rik:\n%s", res.StatusCode, body)
	}
	if sr, _ := app.Store.Series(ctx, id); sr.Status != carpool.SeriesActive {
		t.Fatalf("after asking: got %s, want still active", sr.Status)
	}
	res, _ = b.post(path+"/end", url.Values{"csrf": {csrf}, "confirmed": {"yes"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed end: got %d, want 303", res.StatusCode)
	}
	if sr, _ := app.Store.Series(ctx, id); sr.Status != carpool.SeriesEnded {
		t.Fatalf("after confirming: got %s, want ended", sr.Status)
	}

	// The rider's page of the series offers no driver's actions.
	rb := newBrowser(t, app)
	rb.signInAs(rider)
	_, body = rb.get(path)
	if strings.Contains(body, "/skip") || strings.Contains(body, "/end") {
		t.Fatalf("the rider's page offers the driver's actions")
	}
}

// tableRows counts the body rows of the table whose opening tag contains attr.
func tableRows(body, attr string) int {
	i := strings.Index(body, attr)
	if i < 0 {
		return 0
	}
	table := body[i:]
	table = table[:strings.Index(table, "</table>")]
	return strings.Count(table, "<tr>") - 1 // the header row
}
