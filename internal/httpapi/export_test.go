package httpapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
)

// snakeCase is how every key of the API is spelled.
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestExportKeysAreSnakeCase fills every part of a member's export and walks the whole
// JSON document: every key at every depth must be snake_case, like the rest of the API.
func TestExportKeysAreSnakeCase(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	pat := e.member(t, "Pat Person", carpool.RoleMember)
	sam := e.member(t, "Sam Someone", carpool.RoleMember)

	// Pat drives a ride (and so owns a car) that Sam books, books Sam's ride, reserves a
	// pool car, saves a place, drives a commute and subscribes to Sam's.
	patRide := e.ride(t, pat, 2, "instant")
	e.book(t, sam, str(patRide["id"]), 1, false).want(t, 201)
	e.book(t, pat, str(e.ride(t, sam, 2, "instant")["id"]), 1, false).want(t, 201)
	pool := str(e.poolCar(t, fm, str(e.site(t, fm)["id"]), 5)["id"])
	start := future(24 * time.Hour)
	e.do(t, call{method: "POST", path: "/api/v1/cars/" + pool + "/reservations", token: pat.token,
		body: map[string]any{"start": rfc3339(start), "end": rfc3339(start.Add(time.Hour))}}).want(t, 201)
	e.do(t, call{method: "POST", path: "/api/v1/places", token: pat.token,
		body: map[string]any{"name": "Home", "address": "Leopoldstr. 1", "lat": 48.16, "lon": 11.58}}).want(t, 201)
	e.do(t, call{method: "POST", path: "/api/v1/commutes", token: pat.token, body: seriesBody(str(patRide["car_id"]))}).want(t, 201)
	samSeries := e.do(t, call{method: "POST", path: "/api/v1/commutes", token: sam.token,
		body: seriesBody(str(e.privateCar(t, sam, 4)["id"]))}).want(t, 201).object(t)
	e.do(t, call{method: "POST", path: "/api/v1/commutes/" + str(samSeries["id"]) + "/subscription", token: pat.token,
		body: map[string]any{"weekdays": []string{"mon"}}}).want(t, 201)
	// Pat lost a ride home from the site and asked for another way.
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: pat.token,
		body: map[string]any{"booking_id": e.lostRideFromSite(t, pat), "note": "last bus gone"}}).want(t, 201)
	// Sam's booking reaches Pat's inbox; the first export leaves an audit line about Pat.
	if _, err := notify.New(e.store, notify.Options{}).FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.do(t, call{method: "GET", path: "/api/v1/me/export", token: pat.token}).want(t, 200)

	res := e.do(t, call{method: "GET", path: "/api/v1/me/export", token: pat.token}).want(t, 200)
	var doc map[string]any
	if err := json.Unmarshal(res.body, &doc); err != nil {
		t.Fatalf("export: %v", err)
	}
	for _, list := range []string{"sessions", "cars", "reservations", "rides_driven", "bookings", "saved_places",
		"commutes_driven", "commute_subscriptions", "notifications", "rides_home", "audit_entries"} {
		if items, _ := doc[list].([]any); len(items) == 0 {
			t.Errorf("%s: got none, want at least one record to check the keys of", list)
		}
	}
	walkKeys(t, "", doc)
}

// walkKeys fails the test for every key under v that is not snake_case.
func walkKeys(t *testing.T, path string, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !snakeCase.MatchString(k) {
				t.Errorf("key %q at %s: want snake_case", k, path)
			}
			walkKeys(t, path+"."+k, x)
		}
	case []any:
		for _, x := range v {
			walkKeys(t, path+"[]", x)
		}
	}
}
