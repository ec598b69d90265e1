package httpapi_test

import (
	"net/url"
	"testing"
	"time"

	"carpool/internal/carpool"
)

type rideList struct {
	Items      []map[string]any `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

func TestRideSearchAndContactVisibility(t *testing.T) {
	e := newEnv(t, envOptions{})
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	pia := e.member(t, "Pia Passenger", carpool.RoleMember)
	sam := e.member(t, "Sam Searcher", carpool.RoleMember)
	ride := e.ride(t, dan, 3, "instant")
	id := str(ride["id"])
	if ride["free_seats"] != 3.0 || ride["seats"] != 3.0 || ride["status"] != "open" || ride["booking_mode"] != "instant" {
		t.Errorf("new ride: got %v", ride)
	}
	if d := ride["driver"].(map[string]any); d["id"] != dan.ID || d["name"] != "Dan Driver" || d["email"] != dan.Email {
		t.Errorf("driver sees own contact: got %v", d)
	}

	depart, _ := time.Parse(time.RFC3339, str(ride["depart_at"]))
	q := url.Values{
		"from": {"48.14,11.58"}, "to": {"48.35,11.78"}, "radius_km": {"3"},
		"depart_after": {rfc3339(depart.Add(-2 * time.Hour))}, "depart_before": {rfc3339(depart.Add(2 * time.Hour))}, "seats": {"2"},
	}
	var found rideList
	e.do(t, call{method: "GET", path: "/api/v1/rides?" + q.Encode(), token: sam.token}).want(t, 200).decode(t, &found)
	if len(found.Items) != 1 || found.Items[0]["id"] != id {
		t.Fatalf("search: got %v", found.Items)
	}
	hit := found.Items[0]
	if km, ok := hit["from_km"].(float64); !ok || km > 1 {
		t.Errorf("from_km: got %v", hit["from_km"])
	}
	if d := hit["driver"].(map[string]any); d["name"] != "Dan Driver" || d["email"] != nil || d["phone"] != nil {
		t.Errorf("searcher sees driver contact: %v", d)
	}
	for name, query := range map[string]url.Values{
		"too far":        {"from": {"48.50,11.58"}, "radius_km": {"3"}},
		"too many seats": {"seats": {"4"}},
		"too late":       {"depart_after": {rfc3339(depart.Add(time.Hour))}},
	} {
		var none rideList
		e.do(t, call{method: "GET", path: "/api/v1/rides?" + query.Encode(), token: sam.token}).want(t, 200).decode(t, &none)
		if len(none.Items) != 0 {
			t.Errorf("search %s: got %d rides, want none", name, len(none.Items))
		}
	}
	for _, tt := range []struct{ query, status, field string }{
		{"from=north", "400", "from"},
		{"radius_km=500", "422", "radius_km"},
		{"seats=x", "400", "seats"},
		{"depart_after=soon", "422", "depart_after"},
		{"driver=you", "422", "driver"},
		{"driver=me&seats=2", "422", "seats"},
	} {
		res := e.do(t, call{method: "GET", path: "/api/v1/rides?" + tt.query, token: sam.token, invalid: true})
		if tt.status == "400" {
			res.problem(t, 400, "malformed", tt.field)
		} else {
			res.problem(t, 422, carpool.EINVALID, tt.field)
		}
	}

	// Before a confirmed booking nobody sees the other's contact.
	got := e.do(t, call{method: "GET", path: "/api/v1/rides/" + id, token: pia.token}).want(t, 200).object(t)
	if d := got["driver"].(map[string]any); d["email"] != nil || d["phone"] != nil {
		t.Errorf("contact before booking: %v", d)
	}
	if _, ok := got["bookings"]; ok {
		t.Errorf("a passenger sees the ride's bookings")
	}
	booking := e.book(t, pia, id, 2, false).want(t, 201).object(t)
	if booking["status"] != "confirmed" || booking["seats"] != 2.0 || booking["passenger_id"] != pia.ID || booking["driver_id"] != dan.ID {
		t.Errorf("booking: got %v", booking)
	}
	// Confirmed: the passenger sees the driver's contact, the driver the passenger's.
	got = e.do(t, call{method: "GET", path: "/api/v1/rides/" + id, token: pia.token}).want(t, 200).object(t)
	if d := got["driver"].(map[string]any); d["email"] != dan.Email || d["phone"] != dan.Phone {
		t.Errorf("passenger's view of driver: %v", d)
	}
	if got["free_seats"] != 1.0 || got["seats_taken"] != 2.0 {
		t.Errorf("seats after booking: free %v taken %v", got["free_seats"], got["seats_taken"])
	}
	got = e.do(t, call{method: "GET", path: "/api/v1/rides/" + id, token: sam.token}).want(t, 200).object(t)
	if d := got["driver"].(map[string]any); d["email"] != nil {
		t.Errorf("bystander sees driver contact: %v", d)
	}
	driverView := e.do(t, call{method: "GET", path: "/api/v1/rides/" + id, token: dan.token}).want(t, 200).object(t)
	bookings, _ := driverView["bookings"].([]any)
	if len(bookings) != 1 {
		t.Fatalf("driver's bookings: got %v", driverView["bookings"])
	}
	if p := bookings[0].(map[string]any)["passenger"].(map[string]any); p["id"] != pia.ID || p["email"] != pia.Email || p["phone"] != pia.Phone {
		t.Errorf("driver's view of confirmed passenger: %v", p)
	}

	// Search keeps showing the contact to the confirmed passenger, and no longer finds
	// the ride for two seats.
	e.do(t, call{method: "GET", path: "/api/v1/rides?seats=1", token: pia.token}).want(t, 200).decode(t, &found)
	if len(found.Items) != 1 || found.Items[0]["driver"].(map[string]any)["email"] != dan.Email {
		t.Errorf("passenger's search result: %v", found.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/rides?seats=2", token: sam.token}).want(t, 200).decode(t, &found)
	if len(found.Items) != 0 {
		t.Errorf("full-enough ride still found for 2 seats")
	}
}

func TestRideUpdatesAndCancel(t *testing.T) {
	e := newEnv(t, envOptions{})
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	pia := e.member(t, "Pia Passenger", carpool.RoleMember)
	ride := e.ride(t, dan, 3, "instant")
	id := str(ride["id"])
	path := "/api/v1/rides/" + id

	get := e.do(t, call{method: "GET", path: path, token: pia.token}).want(t, 200)
	if get.header.Get("ETag") != `"v1"` {
		t.Errorf("ETag: got %q", get.header.Get("ETag"))
	}
	e.do(t, call{method: "PATCH", path: path, token: pia.token, body: map[string]any{"notes": "mine now"}}).problem(t, 403, carpool.EFORBIDDEN, "")
	res := e.do(t, call{method: "PATCH", path: path, token: dan.token, header: map[string]string{"If-Match": `"v1"`},
		body: map[string]any{"notes": "no smoking", "booking_mode": "approval"}}).want(t, 200)
	if got := res.object(t); got["notes"] != "no smoking" || got["booking_mode"] != "approval" || res.header.Get("ETag") != `"v2"` {
		t.Errorf("patched: %v, ETag %q", got, res.header.Get("ETag"))
	}
	e.do(t, call{method: "PATCH", path: path, token: dan.token, header: map[string]string{"If-Match": `"v1"`},
		body: map[string]any{"notes": "stale"}}).problem(t, 409, carpool.ECONFLICT, "if_match")
	e.do(t, call{method: "PATCH", path: path, token: dan.token, invalid: true, body: map[string]any{"booking_mode": "lottery"}}).
		problem(t, 422, carpool.EINVALID, "booking_mode")
	e.do(t, call{method: "PATCH", path: path, token: dan.token, body: map[string]any{"depart_at": rfc3339(time.Now().Add(-time.Hour))}}).
		problem(t, 422, carpool.EINVALID, "depart_at")

	// Approval mode now: the booking waits; the driver sees it without contact details.
	b := e.book(t, pia, id, 2, false).want(t, 201).object(t)
	if b["status"] != "pending" {
		t.Fatalf("booking on approval ride: got %v", b)
	}
	view := e.do(t, call{method: "GET", path: path, token: dan.token}).want(t, 200).object(t)
	bs := view["bookings"].([]any)
	if p := bs[0].(map[string]any)["passenger"].(map[string]any); len(bs) != 1 || p["email"] != nil || p["name"] != "Pia Passenger" {
		t.Errorf("driver's view of pending booking: %v", bs)
	}
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + str(b["id"]) + "/confirm", token: dan.token}).want(t, 200)
	e.do(t, call{method: "PATCH", path: path, token: dan.token, body: map[string]any{"seats": 1}}).problem(t, 409, carpool.ECONFLICT, "seats")

	var mine rideList
	e.do(t, call{method: "GET", path: "/api/v1/rides?driver=me", token: dan.token}).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0]["id"] != id {
		t.Errorf("driver=me: got %v", mine.Items)
	}

	e.do(t, call{method: "POST", path: path + "/cancel", token: pia.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	cancelled := e.do(t, call{method: "POST", path: path + "/cancel", token: dan.token}).want(t, 200).object(t)
	if cancelled["status"] != "cancelled" {
		t.Errorf("cancelled ride: %v", cancelled)
	}
	if got := e.do(t, call{method: "GET", path: "/api/v1/bookings/" + str(b["id"]), token: pia.token}).want(t, 200).object(t); got["status"] != "cancelled" || got["cancelled_by"] != dan.ID {
		t.Errorf("booking after ride cancel: %v", got)
	}
	e.do(t, call{method: "POST", path: path + "/cancel", token: dan.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.book(t, pia, id, 1, false).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "PATCH", path: path, token: dan.token, body: map[string]any{"notes": "too late"}}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "GET", path: "/api/v1/rides?driver=me", token: dan.token}).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("cancelled ride listed without include_cancelled")
	}
	e.do(t, call{method: "GET", path: "/api/v1/rides?driver=me&include_cancelled=true", token: dan.token}).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 1 {
		t.Errorf("include_cancelled: got %d rides", len(mine.Items))
	}
}

func TestRideCreateInvalid(t *testing.T) {
	e := newEnv(t, envOptions{})
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	eve := e.member(t, "Eve Else", carpool.RoleMember)
	car := str(e.privateCar(t, dan, 5)["id"])
	depart := future(24 * time.Hour)
	with := func(k string, v any) map[string]any {
		b := rideBody(car, depart, 3, "instant")
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
		return b
	}
	tests := []struct {
		name   string
		who    member
		body   map[string]any
		status int
		field  string
	}{
		{"no car", dan, with("car_id", nil), 422, "car_id"},
		{"unknown car", dan, with("car_id", "nope"), 422, "car_id"},
		{"someone else's car", eve, rideBody(car, depart, 3, "instant"), 422, "car_id"},
		{"no origin", dan, with("from", nil), 422, "from"},
		{"origin without lat", dan, with("from", map[string]any{"label": "X", "lon": 1}), 422, "from.lat"},
		{"origin lat out of range", dan, with("from", map[string]any{"label": "X", "lat": 95, "lon": 1}), 422, "from.lat"},
		{"destination without label", dan, with("to", map[string]any{"label": "", "lat": 1, "lon": 1}), 422, "to.label"},
		{"past departure", dan, with("depart_at", rfc3339(time.Now().Add(-time.Hour))), 422, "depart_at"},
		{"too many seats", dan, with("seats", 5), 422, "seats"},
		{"no seats", dan, with("seats", nil), 422, "seats"},
		{"unknown mode", dan, with("booking_mode", "auction"), 422, "booking_mode"},
		{"seats as text", dan, with("seats", "three"), 400, "seats"},
		{"lat as text", dan, with("from", map[string]any{"label": "X", "lat": "north", "lon": 1}), 400, "from.lat"},
		{"unknown nested field", dan, with("to", map[string]any{"label": "X", "lat": 1, "lon": 1, "alt": 500}), 400, "alt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := carpool.EINVALID
			if tt.status == 400 {
				code = "malformed"
			}
			e.do(t, call{method: "POST", path: "/api/v1/rides", token: tt.who.token, body: tt.body, invalid: true}).
				problem(t, tt.status, code, tt.field)
		})
	}
}

func TestSearchPagination(t *testing.T) {
	e := newEnv(t, envOptions{})
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	sam := e.member(t, "Sam Searcher", carpool.RoleMember)
	want := map[string]bool{}
	for range 5 {
		want[str(e.ride(t, dan, 2, "instant")["id"])] = true
	}
	seen := map[string]bool{}
	path := "/api/v1/rides?limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("search pagination does not end")
		}
		var page rideList
		e.do(t, call{method: "GET", path: path, token: sam.token}).want(t, 200).decode(t, &page)
		for _, r := range page.Items {
			if seen[str(r["id"])] {
				t.Errorf("ride %v on two pages", r["id"])
			}
			seen[str(r["id"])] = true
		}
		if page.NextCursor == "" {
			if pages != 2 {
				t.Errorf("pages: got %d, want 3", pages+1)
			}
			break
		}
		path = "/api/v1/rides?limit=2&cursor=" + page.NextCursor
	}
	if len(seen) != len(want) {
		t.Errorf("search pages: saw %d rides, want %d", len(seen), len(want))
	}
}
