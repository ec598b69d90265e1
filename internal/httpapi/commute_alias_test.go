package httpapi_test

import (
	"testing"

	"carpool/internal/carpool"
)

// TestSeriesPathsStayAliasesOfCommutes: clients written when a commute was called a
// series keep working: every path under /api/v1/series answers as the same path under
// /api/v1/commutes, and a commute made through the old path is found under the new one.
// (The old paths are not in openapi.yaml, which names each operation once; the requests
// are marked so the description is not asked about them.)
func TestSeriesPathsStayAliasesOfCommutes(t *testing.T) {
	e := newEnv(t, envOptions{})
	driver := e.member(t, "Alias Driver", carpool.RoleMember)
	car := e.privateCar(t, driver, 4)
	made := e.do(t, call{method: "POST", path: "/api/v1/series", token: driver.token, body: seriesBody(str(car["id"])), invalid: true}).want(t, 201)
	id := str(made.object(t)["id"])
	if got := made.header.Get("Location"); got != "/api/v1/commutes/"+id {
		t.Errorf("Location: got %q, want the canonical /api/v1/commutes/%s", got, id)
	}
	got := e.do(t, call{method: "GET", path: "/api/v1/commutes/" + id, token: driver.token}).want(t, 200).object(t)
	if got["id"] != id {
		t.Errorf("GET /api/v1/commutes/%s: got %v", id, got["id"])
	}
	old := e.do(t, call{method: "GET", path: "/api/v1/series/" + id, token: driver.token, invalid: true}).want(t, 200).object(t)
	if old["id"] != id || old["weekdays"] == nil {
		t.Errorf("GET /api/v1/series/%s: got %v", id, old)
	}
	e.do(t, call{method: "PATCH", path: "/api/v1/series/" + id, token: driver.token, body: map[string]any{"seats": 2}, invalid: true}).want(t, 200)
	if seats := e.do(t, call{method: "GET", path: "/api/v1/commutes/" + id, token: driver.token}).want(t, 200).object(t)["seats"]; seats != float64(2) {
		t.Errorf("seats after PATCH through the alias: got %v, want 2", seats)
	}
	list := e.do(t, call{method: "GET", path: "/api/v1/series", token: driver.token, invalid: true}).want(t, 200).object(t)
	if items, _ := list["items"].([]any); len(items) != 1 {
		t.Errorf("GET /api/v1/series: got %v, want the one commute", list)
	}
	e.do(t, call{method: "POST", path: "/api/v1/series/" + id + "/end", token: driver.token, invalid: true}).want(t, 200)
}
