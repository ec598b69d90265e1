package httpapi_test

import (
	"strings"
	"testing"

	"carpool/internal/carpool"
)

func TestSites(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	mo := e.member(t, "Mo Member", carpool.RoleMember)

	e.do(t, call{method: "POST", path: "/api/v1/sites", token: mo.token,
		body: map[string]any{"name": "X", "address": "Y", "lat": 1, "lon": 2}}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token, invalid: true,
		body: map[string]any{"name": "X", "address": "Y", "lat": 91, "lon": 2}}).problem(t, 422, carpool.EINVALID, "lat")
	e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token, invalid: true,
		body: map[string]any{"name": "X", "address": "Y", "lon": 2}}).problem(t, 422, carpool.EINVALID, "lat")

	res := e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token,
		body: map[string]any{"name": "HQ", "address": "Marienplatz 1", "lat": 48.137, "lon": 11.575}}).want(t, 201)
	site := res.object(t)
	id := str(site["id"])
	if res.header.Get("Location") != "/api/v1/sites/"+id || res.header.Get("ETag") != `"v1"` {
		t.Errorf("headers: Location %q ETag %q", res.header.Get("Location"), res.header.Get("ETag"))
	}
	if site["name"] != "HQ" || site["lat"] != 48.137 || site["version"] != 1.0 {
		t.Errorf("site: got %v", site)
	}

	got := e.do(t, call{method: "GET", path: "/api/v1/sites/" + id, token: mo.token}).want(t, 200)
	if got.header.Get("ETag") != `"v1"` {
		t.Errorf("GET ETag: got %q", got.header.Get("ETag"))
	}

	e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: mo.token, body: map[string]any{"name": "Mine"}}).
		problem(t, 403, carpool.EFORBIDDEN, "")
	patched := e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: fm.token,
		header: map[string]string{"If-Match": `"v1"`}, body: map[string]any{"name": "Head office"}}).want(t, 200)
	if patched.header.Get("ETag") != `"v2"` || patched.object(t)["name"] != "Head office" {
		t.Errorf("patch: ETag %q body %s", patched.header.Get("ETag"), patched.body)
	}
	e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: fm.token,
		header: map[string]string{"If-Match": `"v1"`}, body: map[string]any{"name": "Stale"}}).problem(t, 409, carpool.ECONFLICT, "if_match")
	e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: fm.token,
		header: map[string]string{"If-Match": `"bogus"`}, body: map[string]any{"name": "Stale"}}).problem(t, 409, carpool.ECONFLICT, "if_match")
	e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: fm.token, invalid: true,
		body: map[string]any{"address": ""}}).problem(t, 422, carpool.EINVALID, "address")
	if name := e.do(t, call{method: "GET", path: "/api/v1/sites/" + id, token: fm.token}).object(t)["name"]; name != "Head office" {
		t.Errorf("after refused patches: name %v", name)
	}

	// Pagination: three sites in pages of two.
	e.site(t, fm)
	e.site(t, fm)
	first := e.do(t, call{method: "GET", path: "/api/v1/sites?limit=2", token: mo.token}).want(t, 200)
	var page struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"next_cursor"`
	}
	first.decode(t, &page)
	if len(page.Items) != 2 || page.NextCursor == "" {
		t.Fatalf("first page: got %d items, cursor %q", len(page.Items), page.NextCursor)
	}
	seen := map[any]bool{page.Items[0]["id"]: true, page.Items[1]["id"]: true}
	var second struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"next_cursor"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/sites?limit=2&cursor=" + page.NextCursor, token: mo.token}).want(t, 200).decode(t, &second)
	if len(second.Items) != 1 || second.NextCursor != "" || seen[second.Items[0]["id"]] {
		t.Errorf("second page: got %v, cursor %q", second.Items, second.NextCursor)
	}
	e.do(t, call{method: "GET", path: "/api/v1/sites?limit=0", token: mo.token, invalid: true}).problem(t, 422, carpool.EINVALID, "limit")
	e.do(t, call{method: "GET", path: "/api/v1/sites?limit=x", token: mo.token, invalid: true}).problem(t, 400, "malformed", "limit")
	e.do(t, call{method: "GET", path: "/api/v1/sites?cursor=!!", token: mo.token}).problem(t, 400, "malformed", "cursor")
}

func TestCars(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	ann := e.member(t, "Ann Owner", carpool.RoleMember)
	bob := e.member(t, "Bob Other", carpool.RoleMember)
	site := e.site(t, fm)
	siteID := str(site["id"])

	e.do(t, call{method: "POST", path: "/api/v1/cars", token: ann.token,
		body: map[string]any{"kind": "pool", "plate": plate(), "make": "VW", "model": "Up", "seats": 4, "site_id": siteID}}).
		problem(t, 403, carpool.EFORBIDDEN, "kind")
	e.do(t, call{method: "POST", path: "/api/v1/cars", token: fm.token,
		body: map[string]any{"kind": "pool", "plate": plate(), "make": "VW", "model": "Up", "seats": 4}}).
		problem(t, 422, carpool.EINVALID, "site_id")
	e.do(t, call{method: "POST", path: "/api/v1/cars", token: fm.token, invalid: true,
		body: map[string]any{"kind": "pool", "plate": plate(), "make": "VW", "model": "Up", "seats": 9, "site_id": siteID}}).
		problem(t, 422, carpool.EINVALID, "seats")
	e.do(t, call{method: "POST", path: "/api/v1/cars", token: fm.token,
		body: map[string]any{"kind": "pool", "plate": plate(), "make": "VW", "model": "Up", "seats": 4, "site_id": "nope"}}).
		problem(t, 422, carpool.EINVALID, "site_id")

	pool := e.poolCar(t, fm, siteID, 5)
	if pool["site_id"] != siteID || pool["status"] != "active" || pool["owner_id"] != nil {
		t.Errorf("pool car: got %v", pool)
	}
	e.do(t, call{method: "POST", path: "/api/v1/cars", token: fm.token,
		body: map[string]any{"kind": "pool", "plate": pool["plate"], "make": "VW", "model": "Up", "seats": 4, "site_id": siteID}}).
		problem(t, 409, carpool.ECONFLICT, "plate")

	mine := e.privateCar(t, ann, 5)
	mineID := str(mine["id"])
	if mine["owner_id"] != ann.ID || mine["site_id"] != nil {
		t.Errorf("private car: got %v", mine)
	}

	// Another member's private car does not exist for bob.
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + mineID, token: bob.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + mineID, token: bob.token, body: map[string]any{"model": "Mine"}}).
		problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + mineID, token: bob.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + mineID + "/reservations", token: bob.token}).problem(t, 404, carpool.ENOTFOUND, "")

	// Lists: bob sees the pool car only; ann sees it and her own.
	for _, tt := range []struct {
		who  member
		want int
	}{{bob, 1}, {ann, 2}} {
		var l struct{ Items []map[string]any }
		e.do(t, call{method: "GET", path: "/api/v1/cars", token: tt.who.token}).want(t, 200).decode(t, &l)
		if len(l.Items) != tt.want {
			t.Errorf("%s sees %d cars, want %d", tt.who.Name, len(l.Items), tt.want)
		}
	}
	var pools struct{ Items []map[string]any }
	e.do(t, call{method: "GET", path: "/api/v1/cars?kind=pool&site_id=" + siteID, token: ann.token}).want(t, 200).decode(t, &pools)
	if len(pools.Items) != 1 || pools.Items[0]["id"] != pool["id"] {
		t.Errorf("pool cars of the site: got %v", pools.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/cars?kind=boat", token: ann.token, invalid: true}).problem(t, 422, carpool.EINVALID, "kind")

	// Managing: members may not change pool cars; owners may change theirs.
	poolID := str(pool["id"])
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + poolID, token: ann.token, body: map[string]any{"seats": 3}}).
		problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + poolID, token: ann.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	res := e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + mineID, token: ann.token,
		header: map[string]string{"If-Match": `"v1"`}, body: map[string]any{"model": "Superb", "status": "maintenance"}}).want(t, 200)
	if got := res.object(t); got["model"] != "Superb" || got["status"] != "maintenance" || res.header.Get("ETag") != `"v2"` {
		t.Errorf("patched car: %v, ETag %q", got, res.header.Get("ETag"))
	}
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + mineID, token: ann.token,
		header: map[string]string{"If-Match": `"v1"`}, body: map[string]any{"model": "Stale"}}).problem(t, 409, carpool.ECONFLICT, "if_match")
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + mineID, token: ann.token, invalid: true,
		body: map[string]any{"status": "retired"}}).problem(t, 422, carpool.EINVALID, "status")
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + mineID, token: ann.token}).want(t, 200)

	// Retiring: 204, repeatable, and a retired car is out of service.
	e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + poolID, token: fm.token}).want(t, 204)
	e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + poolID, token: fm.token}).want(t, 204)
	if st := e.do(t, call{method: "GET", path: "/api/v1/cars/" + poolID, token: ann.token}).want(t, 200).object(t)["status"]; st != "retired" {
		t.Errorf("retired car status: %v", st)
	}
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + poolID, token: fm.token, body: map[string]any{"status": "active"}}).
		problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "POST", path: "/api/v1/cars/" + poolID + "/reservations", token: ann.token,
		body: map[string]any{"start": rfc3339(future(24 * 3600e9)), "end": rfc3339(future(26 * 3600e9))}}).
		problem(t, 409, carpool.ECONFLICT, "car_id")
	var active struct{ Items []map[string]any }
	e.do(t, call{method: "GET", path: "/api/v1/cars", token: bob.token}).want(t, 200).decode(t, &active)
	if len(active.Items) != 0 {
		t.Errorf("retired car still listed: %v", active.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/cars?include_retired=true", token: bob.token}).want(t, 200).decode(t, &active)
	if len(active.Items) != 1 {
		t.Errorf("include_retired: got %d cars, want 1", len(active.Items))
	}
}

// TestCarSeatsKeepRoomForItsRides: a car's seats cannot drop below what a ride on it
// offers besides the driver's, nor the car go to maintenance under an open ride; the
// refusal names the field and the ride, and nothing changes.
func TestCarSeatsKeepRoomForItsRides(t *testing.T) {
	e := newEnv(t, envOptions{})
	ann := e.member(t, "Ann Owner", carpool.RoleMember)
	ride := e.ride(t, ann, 3, "instant") // in a new car of 4 seats
	carID := str(ride["car_id"])
	got := e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + carID, token: ann.token, body: map[string]any{"seats": 3}}).
		problem(t, 409, carpool.ECONFLICT, "seats")
	if !strings.Contains(got.Detail, "Marienplatz") {
		t.Errorf("the refusal does not name the ride: %q", got.Detail)
	}
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + carID, token: ann.token, body: map[string]any{"status": "maintenance"}}).
		problem(t, 409, carpool.ECONFLICT, "status")
	if car := e.do(t, call{method: "GET", path: "/api/v1/cars/" + carID, token: ann.token}).want(t, 200).object(t); car["seats"] != float64(4) || car["status"] != "active" {
		t.Errorf("refused changes stored: %v", car)
	}
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + carID, token: ann.token, body: map[string]any{"seats": 6}}).want(t, 200)
}
