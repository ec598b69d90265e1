package httpapi_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
)

// seriesBody is a Monday-to-Friday commute from tomorrow for two weeks, in UTC so the
// test can name days without a zone.
func seriesBody(carID string) map[string]any {
	today := carpool.DateOf(time.Now().UTC())
	return map[string]any{
		"car_id":      carID,
		"from":        map[string]any{"label": "Pasing", "lat": 48.1497, "lon": 11.4614},
		"to":          map[string]any{"label": "Garching", "lat": 48.2620, "lon": 11.6670},
		"weekdays":    []string{"mon", "tue", "wed", "thu", "fri"},
		"depart_time": "07:30",
		"time_zone":   "UTC",
		"seats":       2,
		"starts_on":   today.AddDays(1).String(),
		"ends_on":     today.AddDays(14).String(),
	}
}

// firstDay returns the first day from tomorrow that falls on wd.
func firstDay(wd time.Weekday) carpool.Date {
	d := carpool.DateOf(time.Now().UTC()).AddDays(1)
	for d.Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

func (e *env) materialise(tb testing.TB) {
	tb.Helper()
	if _, err := storetest.NewFlows(e.store).MaterialiseSeries(context.Background(), carpool.DefaultSeriesHorizon); err != nil {
		tb.Fatalf("materialise series: %v", err)
	}
}

func TestSeriesLifecycle(t *testing.T) {
	e := newEnv(t, envOptions{})
	driver, rider, stranger := e.member(t, "Series Driver", carpool.RoleMember), e.member(t, "Series Rider", carpool.RoleMember), e.member(t, "Series Stranger", carpool.RoleMember)
	car := e.privateCar(t, driver, 5)
	carID := str(car["id"])

	e.do(t, call{method: "POST", path: "/api/v1/commutes", body: seriesBody(carID), invalid: true}).want(t, 401)
	e.do(t, call{method: "GET", path: "/api/v1/commutes", invalid: true}).want(t, 401)
	noDays := seriesBody(carID)
	noDays["weekdays"] = []string{}
	e.do(t, call{method: "POST", path: "/api/v1/commutes", token: driver.token, body: noDays}).problem(t, 422, "invalid", "weekdays")
	backwards := seriesBody(carID)
	backwards["ends_on"] = carpool.DateOf(time.Now().UTC()).String()
	e.do(t, call{method: "POST", path: "/api/v1/commutes", token: driver.token, body: backwards}).problem(t, 422, "invalid", "ends_on")

	sr := e.do(t, call{method: "POST", path: "/api/v1/commutes", token: driver.token, body: seriesBody(carID)}).want(t, 201).object(t)
	id := str(sr["id"])
	if sr["max_detour_km"] != carpool.DefaultDetourKM {
		t.Fatalf("max_detour_km: got %v, want the default %v", sr["max_detour_km"], carpool.DefaultDetourKM)
	}
	base := "/api/v1/commutes/" + id
	e.do(t, call{method: "GET", path: "/api/v1/commutes/nope", token: driver.token}).want(t, 404)

	// The rider takes Monday, Wednesday and Thursday.
	sub := e.do(t, call{method: "POST", path: base + "/subscription", token: rider.token,
		body: map[string]any{"weekdays": []string{"mon", "wed", "thu"}}}).want(t, 201).object(t)
	if days := sub["subscription"].(map[string]any)["weekdays"].([]any); len(days) != 3 {
		t.Fatalf("subscription days: got %v, want mon, wed, thu", days)
	}
	e.do(t, call{method: "POST", path: base + "/subscription", token: rider.token, body: map[string]any{}}).problem(t, 409, "conflict", "")
	e.do(t, call{method: "POST", path: base + "/subscription", token: stranger.token,
		body: map[string]any{"weekdays": []string{"sat"}}}).problem(t, 422, "invalid", "weekdays")

	e.materialise(t)
	occs := e.do(t, call{method: "GET", path: base + "/occurrences", token: rider.token}).want(t, 200).object(t)
	if n := len(occs["items"].([]any)); n != 10 {
		t.Fatalf("occurrences: got %d, want the 10 working days", n)
	}
	e.do(t, call{method: "GET", path: "/api/v1/commutes/nope/occurrences", token: rider.token}).want(t, 404)

	// Skipping Wednesday shows in the rider's week.
	wed := firstDay(time.Wednesday)
	e.do(t, call{method: "POST", path: base + "/skip", token: stranger.token, body: map[string]any{"date": wed.String()}}).want(t, 403)
	skipped := e.do(t, call{method: "POST", path: base + "/skip", token: driver.token, body: map[string]any{"date": wed.String()}}).want(t, 200).object(t)
	if skipped["status"] != "skipped" {
		t.Fatalf("skip: got %v, want skipped", skipped["status"])
	}
	e.do(t, call{method: "POST", path: base + "/skip", token: driver.token, body: map[string]any{"date": wed.String()}}).problem(t, 409, "conflict", "date")
	e.do(t, call{method: "POST", path: base + "/skip", token: driver.token,
		body: map[string]any{"date": firstDay(time.Saturday).String()}}).problem(t, 422, "invalid", "date")

	// The week from that Wednesday holds Wednesday (skipped), Thursday and the next
	// Monday; the rider did not choose Friday or Tuesday.
	thu, mon := wed.AddDays(1), wed.AddDays(5)
	week := e.do(t, call{method: "GET", path: "/api/v1/commutes/week?from=" + wed.String(), token: rider.token}).want(t, 200).object(t)
	statuses := map[string]string{}
	for _, d := range week["days"].([]any) {
		day := d.(map[string]any)
		statuses[str(day["date"])] = str(day["status"])
	}
	want := map[string]string{wed.String(): "skipped", thu.String(): "scheduled", mon.String(): "scheduled"}
	if len(statuses) != len(want) {
		t.Fatalf("week: got %v, want %v", statuses, want)
	}
	for d, st := range want {
		if statuses[d] != st {
			t.Fatalf("week: got %v, want %v", statuses, want)
		}
	}
	e.do(t, call{method: "GET", path: "/api/v1/commutes/week?from=2027-02-30", token: rider.token, invalid: true}).problem(t, 422, "invalid", "from")

	// Leave one day, then the series.
	e.do(t, call{method: "POST", path: base + "/subscription/leave", token: rider.token,
		body: map[string]any{"date": thu.String()}}).want(t, 200)
	e.do(t, call{method: "POST", path: base + "/subscription/leave", token: rider.token,
		body: map[string]any{"date": thu.String()}}).want(t, 404)
	list := e.do(t, call{method: "GET", path: "/api/v1/commutes?role=passenger", token: rider.token}).want(t, 200).object(t)
	if n := len(list["items"].([]any)); n != 1 {
		t.Fatalf("rider's series: got %d, want 1", n)
	}
	e.do(t, call{method: "DELETE", path: base + "/subscription", token: rider.token}).want(t, 200)
	e.do(t, call{method: "DELETE", path: base + "/subscription", token: rider.token}).want(t, 404)

	// Change all future days, then end the series.
	res := e.do(t, call{method: "GET", path: base, token: driver.token}).want(t, 200)
	tag := res.header.Get("ETag")
	e.do(t, call{method: "PATCH", path: base, token: stranger.token, body: map[string]any{"seats": 3}}).want(t, 403)
	e.do(t, call{method: "PATCH", path: base, token: driver.token, body: map[string]any{"seats": 5}}).problem(t, 422, "invalid", "seats")
	e.do(t, call{method: "PATCH", path: base, token: driver.token, body: map[string]any{"max_detour_km": 51}, invalid: true}).
		problem(t, 422, "invalid", "max_detour_km")
	changed := e.do(t, call{method: "PATCH", path: base, token: driver.token, header: map[string]string{"If-Match": tag},
		body: map[string]any{"depart_time": "08:00", "seats": 3, "max_detour_km": 9}}).want(t, 200).object(t)
	if changed["depart_time"] != "08:00" || changed["max_detour_km"] != 9.0 {
		t.Fatalf("patch: got %v and %v km, want 08:00 and 9 km", changed["depart_time"], changed["max_detour_km"])
	}
	e.do(t, call{method: "PATCH", path: base, token: driver.token, header: map[string]string{"If-Match": tag},
		body: map[string]any{"seats": 2}}).problem(t, 409, "conflict", "if_match")
	e.do(t, call{method: "POST", path: base + "/end", token: stranger.token}).want(t, 403)
	ended := e.do(t, call{method: "POST", path: base + "/end", token: driver.token}).want(t, 200).object(t)
	if ended["status"] != "ended" {
		t.Fatalf("end: got %v, want ended", ended["status"])
	}
	e.do(t, call{method: "POST", path: base + "/end", token: driver.token}).want(t, 409)
	mine := e.do(t, call{method: "GET", path: "/api/v1/commutes", token: driver.token}).want(t, 200).object(t)
	if n := len(mine["items"].([]any)); n != 1 {
		t.Fatalf("driver's series: got %d, want 1", n)
	}
}
