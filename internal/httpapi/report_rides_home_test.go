package httpapi_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestReportRidesHome: the fleet report and a site's report count the rides home asked
// for in the period, by how they stand; a period before them counts none.
func TestReportRidesHome(t *testing.T) {
	e := newEnv(t, envOptions{})
	fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	site := e.site(t, fleet)
	pool := e.poolCar(t, fleet, str(site["id"]), 5)
	ask := func(who member) string {
		return str(e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: who.token,
			body: map[string]any{"booking_id": e.lostRideFromSite(t, who)}}).want(t, 201).object(t)["id"])
	}
	decide := func(id, how string, body map[string]any) {
		e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + id + "/" + how, token: fleet.token, body: body}).want(t, 200)
	}
	decide(ask(e.quickMember(t, "Rita Rider")), "approve", map[string]any{"means": "pool_car", "car_id": pool["id"]})
	decide(ask(e.quickMember(t, "Tim Taxi")), "approve", map[string]any{"means": "taxi", "voucher": "T-7"})
	decide(ask(e.quickMember(t, "Dan Declined")), "decline", map[string]any{"reason": "No car tonight"})
	ask(e.quickMember(t, "Wanda Waiting"))

	want := map[string]any{"requests": 4.0, "approved": 2.0, "approved_pool_car": 1.0, "approved_taxi": 1.0, "declined": 1.0, "pending": 1.0}
	span := "from=" + rfc3339(time.Now().Add(-time.Hour)) + "&to=" + rfc3339(time.Now().Add(time.Hour))
	for _, q := range []string{span, span + "&site_id=" + str(site["id"])} {
		got := e.do(t, call{method: "GET", path: "/api/v1/reports?" + q, token: fleet.token}).want(t, 200).object(t)["rides_home"].(map[string]any)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s got %v, want %v", q, k, got[k], v)
			}
		}
	}
	before := "from=" + rfc3339(time.Now().Add(-72*time.Hour)) + "&to=" + rfc3339(time.Now().Add(-48*time.Hour))
	got := e.do(t, call{method: "GET", path: "/api/v1/reports?" + before, token: fleet.token}).want(t, 200).object(t)["rides_home"].(map[string]any)
	if got["requests"] != 0.0 {
		t.Errorf("a period before the requests: got %v, want none", got)
	}
}
