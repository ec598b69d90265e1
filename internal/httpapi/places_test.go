package httpapi_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/httpapi"
)

func TestSavedPlaces(t *testing.T) {
	e := newEnv(t, envOptions{})
	ann := e.member(t, "Ann", carpool.RoleMember)
	bob := e.member(t, "Bob", carpool.RoleMember)
	gym := e.do(t, call{method: "POST", path: "/api/v1/places", token: ann.token,
		body: map[string]any{"name": "Gym", "lat": 48.15, "lon": 11.56}}).want(t, 201).object(t)
	home := e.do(t, call{method: "POST", path: "/api/v1/places", token: ann.token,
		body: map[string]any{"name": "Home", "address": "Leopoldstr. 1", "lat": 48.16, "lon": 11.58}}).want(t, 201).object(t)

	var list struct{ Items []map[string]any }
	e.do(t, call{method: "GET", path: "/api/v1/places", token: ann.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 2 || list.Items[0]["id"] != home["id"] || list.Items[1]["id"] != gym["id"] {
		t.Fatalf("got %v, want Home then Gym", list.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/places", token: bob.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("got %v for another member, want none", list.Items)
	}

	homePath := "/api/v1/places/" + str(home["id"])
	e.do(t, call{method: "GET", path: homePath, token: ann.token}).want(t, 200)
	e.do(t, call{method: "GET", path: homePath, token: bob.token}).problem(t, 404, carpool.ENOTFOUND, "")
	moved := e.do(t, call{method: "PATCH", path: homePath, token: ann.token, header: map[string]string{"If-Match": `"v1"`},
		body: map[string]any{"lat": 48.17}}).want(t, 200).object(t)
	if moved["lat"] != 48.17 || moved["version"] != 2.0 {
		t.Fatalf("got %v", moved)
	}
	e.do(t, call{method: "PATCH", path: homePath, token: ann.token, header: map[string]string{"If-Match": `"v1"`},
		body: map[string]any{"lat": 48.18}}).problem(t, 409, carpool.ECONFLICT, "if_match")
	e.do(t, call{method: "POST", path: "/api/v1/places", token: ann.token,
		body: map[string]any{"name": "Gym", "lat": 48.0, "lon": 11.0}}).problem(t, 409, carpool.ECONFLICT, "name")
	e.do(t, call{method: "POST", path: "/api/v1/places", token: ann.token, invalid: true,
		body: map[string]any{"name": "Pool", "lat": 48.0, "lon": 200}}).problem(t, 422, carpool.EINVALID, "lon")
	e.do(t, call{method: "PATCH", path: homePath, token: ann.token, invalid: true,
		body: map[string]any{"lat": -95}}).problem(t, 422, carpool.EINVALID, "lat")
	// Strict bodies, as on every other PATCH.
	e.do(t, call{method: "PATCH", path: homePath, token: ann.token, raw: []byte(`{"bogus": true}`), invalid: true}).problem(t, 400, "malformed", "bogus")
	e.do(t, call{method: "PATCH", path: homePath, token: ann.token, raw: []byte(`{}`), ctype: "application/xml", invalid: true}).
		problem(t, 415, "unsupported_media_type", "")
	e.do(t, call{method: "PATCH", path: homePath, token: ann.token, raw: bytes.Repeat([]byte(" "), httpapi.DefaultMaxBodyBytes+1), invalid: true}).
		problem(t, 413, "too_large", "")
	e.do(t, call{method: "DELETE", path: homePath, token: bob.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "DELETE", path: homePath, token: ann.token}).want(t, 204)
	e.do(t, call{method: "DELETE", path: homePath, token: ann.token}).problem(t, 404, carpool.ENOTFOUND, "")
}

func TestRouteSearchAndPickupPoints(t *testing.T) {
	e := newEnv(t, envOptions{})
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	pia := e.member(t, "Pia Passenger", carpool.RoleMember)
	car := e.privateCar(t, dan, 4)
	body := rideBody(str(car["id"]), future(48*time.Hour), 3, "approval")
	body["max_detour_km"] = 4
	ride := e.do(t, call{method: "POST", path: "/api/v1/rides", token: dan.token, body: body}).want(t, 201).object(t)
	if ride["max_detour_km"] != 4.0 {
		t.Fatalf("max_detour_km: got %v, want 4", ride["max_detour_km"])
	}
	depart, _ := time.Parse(time.RFC3339, str(ride["depart_at"]))

	// Freimann and Garching lie on the way from Marienplatz to the airport, far from
	// both ends: only matching along the route finds the ride.
	q := url.Values{"from": {"48.1910,11.6130"}, "to": {"48.2490,11.6510"},
		"depart_after": {rfc3339(depart.Add(-time.Hour))}, "depart_before": {rfc3339(depart.Add(time.Hour))}}
	var found rideList
	e.do(t, call{method: "GET", path: "/api/v1/rides?" + q.Encode(), token: pia.token}).want(t, 200).decode(t, &found)
	if len(found.Items) != 0 {
		t.Fatalf("end search: got %v, want nothing (both ends are far off)", found.Items)
	}
	q.Set("match", "route")
	e.do(t, call{method: "GET", path: "/api/v1/rides?" + q.Encode(), token: pia.token}).want(t, 200).decode(t, &found)
	if len(found.Items) != 1 || found.Items[0]["id"] != ride["id"] {
		t.Fatalf("route search: got %v, want the ride", found.Items)
	}
	hit := found.Items[0]
	if km, ok := hit["detour_km"].(float64); !ok || km > 4 {
		t.Errorf("detour_km: got %v, want at most the budget", hit["detour_km"])
	}
	if pickup, err := time.Parse(time.RFC3339, str(hit["pickup_at"])); err != nil || !pickup.After(depart) {
		t.Errorf("pickup_at: got %v, want after the departure %v", hit["pickup_at"], depart)
	}
	for _, tt := range []struct{ query, field string }{
		{"match=route&from=48.19,11.61", "to"},
		{"match=route&from=48.19,11.61&to=48.19,11.61", "to"},
		{"match=somewhere", "match"},
	} {
		e.do(t, call{method: "GET", path: "/api/v1/rides?" + tt.query, token: pia.token, invalid: !strings.Contains(tt.query, "route")}).
			problem(t, 422, carpool.EINVALID, tt.field)
	}

	// The pickup and drop-off reach the driver once the booking is confirmed.
	booking := e.do(t, call{method: "POST", path: "/api/v1/rides/" + str(ride["id"]) + "/bookings", token: pia.token,
		body: map[string]any{"seats": 1,
			"pickup":  map[string]any{"label": "Freimann", "lat": 48.1910, "lon": 11.6130},
			"dropoff": map[string]any{"label": "Garching", "lat": 48.2490, "lon": 11.6510}}}).want(t, 201).object(t)
	if p, ok := booking["pickup"].(map[string]any); !ok || p["label"] != "Freimann" {
		t.Fatalf("passenger's booking: got pickup %v", booking["pickup"])
	}
	driverView := func() map[string]any {
		got := e.do(t, call{method: "GET", path: "/api/v1/rides/" + str(ride["id"]), token: dan.token}).want(t, 200).object(t)
		return got["bookings"].([]any)[0].(map[string]any)
	}
	if b := driverView(); b["pickup"] != nil {
		t.Fatalf("pending booking shows the driver %v, want no pickup yet", b["pickup"])
	}
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + str(booking["id"]) + "/confirm", token: dan.token}).want(t, 200)
	if b := driverView(); b["pickup"] == nil || b["dropoff"] == nil {
		t.Fatalf("confirmed booking shows the driver %v, want pickup and drop-off", b)
	}
	e.do(t, call{method: "POST", path: "/api/v1/rides/" + str(ride["id"]) + "/bookings", token: e.member(t, "Max", carpool.RoleMember).token,
		body: map[string]any{"seats": 1, "pickup": map[string]any{"label": "Freimann", "lat": 48.1910, "lon": 11.6130}}}).
		problem(t, 422, carpool.EINVALID, "dropoff")
	body["max_detour_km"] = 51
	e.do(t, call{method: "POST", path: "/api/v1/rides", token: dan.token, body: body, invalid: true}).problem(t, 422, carpool.EINVALID, "max_detour_km")

	// The driver may change the budget, but not take it back from a confirmed passenger.
	ridePath := "/api/v1/rides/" + str(ride["id"])
	patch := func(km float64, invalid bool) response {
		version := e.do(t, call{method: "GET", path: ridePath, token: dan.token}).want(t, 200).object(t)["version"].(float64)
		return e.do(t, call{method: "PATCH", path: ridePath, token: dan.token, invalid: invalid,
			header: map[string]string{"If-Match": fmt.Sprintf(`"v%d"`, int(version))}, body: map[string]any{"max_detour_km": km}})
	}
	patch(51, true).problem(t, 422, carpool.EINVALID, "max_detour_km")
	patch(0, false).problem(t, 409, carpool.ECONFLICT, "max_detour_km")
	if got := patch(12, false).want(t, 200).object(t); got["max_detour_km"] != 12.0 {
		t.Fatalf("max_detour_km after the change: got %v, want 12", got["max_detour_km"])
	}
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + str(booking["id"]) + "/cancel", token: pia.token}).want(t, 200)
	if got := patch(0, false).want(t, 200).object(t); got["max_detour_km"] != 0.0 {
		t.Fatalf("max_detour_km once the passenger left: got %v, want 0", got["max_detour_km"])
	}
	e.do(t, call{method: "GET", path: "/api/v1/rides?" + q.Encode(), token: pia.token}).want(t, 200).decode(t, &found)
	if len(found.Items) != 0 {
		t.Fatalf("route search with no detour budget: got %v, want nothing", found.Items)
	}
}
