package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
)

// lostRideFromSite is passenger's booking on a ride from the site at Marienplatz, leaving
// in six hours, which its driver has just declined.
func (e *env) lostRideFromSite(t *testing.T, passenger member) string {
	t.Helper()
	driver := e.quickMember(t, "Dora Declines "+plate())
	car := e.privateCar(t, driver, 4)
	ride := e.do(t, call{method: "POST", path: "/api/v1/rides", token: driver.token,
		body: rideBody(str(car["id"]), future(6*time.Hour), 3, "approval")}).want(t, 201).object(t)
	id := str(e.book(t, passenger, str(ride["id"]), 1, false).want(t, 201).object(t)["id"])
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + id + "/reject", token: driver.token}).want(t, 200)
	return id
}

// TestRideHome: a passenger whose ride from the site was declined asks for a ride home;
// colleagues cannot see the request, fleet managers can and approve it with a pool car
// reserved for the passenger, who is told at once; the yearly limit and the rules of a
// request hold on every path.
func TestRideHome(t *testing.T) {
	e := newEnv(t, envOptions{})
	fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	site := e.site(t, fleet)
	pool := e.poolCar(t, fleet, str(site["id"]), 5)
	rider, colleague := e.member(t, "Rita Rider", carpool.RoleMember), e.member(t, "Carl Colleague", carpool.RoleMember)

	// A booking still good is no reason; someone else's booking is not found.
	driver := e.quickMember(t, "Dirk Drives "+plate())
	car := e.privateCar(t, driver, 4)
	ride := e.do(t, call{method: "POST", path: "/api/v1/rides", token: driver.token,
		body: rideBody(str(car["id"]), future(6*time.Hour), 3, "instant")}).want(t, 201).object(t)
	good := str(e.book(t, rider, str(ride["id"]), 1, false).want(t, 201).object(t)["id"])
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token, body: map[string]any{"booking_id": good}}).want(t, 409)
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: colleague.token, body: map[string]any{"booking_id": good}}).want(t, 404)
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token, body: map[string]any{}, invalid: true}).problem(t, 422, "invalid", "booking_id")

	lost := e.lostRideFromSite(t, rider)
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token,
		body: map[string]any{"booking_id": lost, "note": "bad\u202etext"}}).problem(t, 422, "invalid", "note")
	q := e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token,
		body: map[string]any{"booking_id": lost, "note": "Late meeting, last bus gone"}}).want(t, 201).object(t)
	id := str(q["id"])
	if q["status"] != "requested" || q["site_id"] != site["id"] || q["note"] != "Late meeting, last bus gone" {
		t.Fatalf("request: got %v", q)
	}
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token, body: map[string]any{"booking_id": lost}}).want(t, 409)

	// Who sees it.
	e.do(t, call{method: "GET", path: "/api/v1/ride-home-requests/" + id, token: colleague.token}).want(t, 404)
	e.do(t, call{method: "GET", path: "/api/v1/ride-home-requests/" + id, token: rider.token}).want(t, 200)
	if items := e.do(t, call{method: "GET", path: "/api/v1/ride-home-requests", token: colleague.token}).want(t, 200).object(t)["items"].([]any); len(items) != 0 {
		t.Errorf("a colleague's list: got %v, want none", items)
	}
	pending := e.do(t, call{method: "GET", path: "/api/v1/ride-home-requests?status=requested", token: fleet.token}).want(t, 200).object(t)["items"].([]any)
	if len(pending) != 1 || pending[0].(map[string]any)["id"] != id {
		t.Errorf("fleet's pending list: got %v", pending)
	}
	e.do(t, call{method: "GET", path: "/api/v1/ride-home-requests?status=lost", token: fleet.token, invalid: true}).problem(t, 422, "invalid", "status")

	// Only fleet managers decide; a decision names every wrong field.
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + id + "/approve", token: rider.token,
		body: map[string]any{"means": "taxi", "voucher": "T-1"}}).want(t, 403)
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + id + "/approve", token: colleague.token,
		body: map[string]any{"means": "taxi", "voucher": "T-1"}}).want(t, 404)
	bad := e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + id + "/approve", token: fleet.token,
		body: map[string]any{"means": "bike", "until": "tomorrow"}, invalid: true}).problem(t, 422, "invalid", "until")
	if len(bad.Errors) != 2 || bad.Errors[1].Field != "means" {
		t.Errorf("a bad approval: got %+v, want until and means named", bad.Errors)
	}

	ok := e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + id + "/approve", token: fleet.token,
		body: map[string]any{"means": "pool_car", "car_id": pool["id"]}}).want(t, 200).object(t)
	if ok["status"] != "approved" || ok["means"] != "pool_car" || str(ok["reservation_id"]) == "" {
		t.Fatalf("approval: got %v", ok)
	}
	res := e.do(t, call{method: "GET", path: "/api/v1/reservations/" + str(ok["reservation_id"]), token: rider.token}).want(t, 200).object(t)
	if res["member_id"] != rider.ID || res["car_id"] != pool["id"] {
		t.Errorf("the reservation: got %v, want the pool car held by the rider", res)
	}
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + id + "/decline", token: fleet.token,
		body: map[string]any{"reason": "changed my mind"}}).want(t, 409)
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + id + "/approve", token: fleet.token,
		body: map[string]any{"means": "taxi", "voucher": "T-2"}}).want(t, 409)

	// The rider hears of it at once, the fleet manager heard of the request.
	if _, err := notify.New(e.store, notify.Options{}).FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	heard := func(who member, kind string) string {
		var page struct{ Items []struct{ Kind, Body string } }
		e.do(t, call{method: "GET", path: "/api/v1/notifications?limit=100", token: who.token}).want(t, 200).decode(t, &page)
		for _, it := range page.Items {
			if it.Kind == kind {
				return it.Body
			}
		}
		return ""
	}
	if body := heard(rider, carpool.EventRideHomeDecided); !strings.Contains(body, "pool car is reserved for you") {
		t.Errorf("the rider's notice of the approval: got %q", body)
	}
	if body := heard(fleet, carpool.EventRideHomeRequested); !strings.Contains(body, "Rita Rider") {
		t.Errorf("the fleet manager's notice of the request: got %q", body)
	}

	// A decline needs its reason; a declined request does not count against the limit.
	second := str(e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token,
		body: map[string]any{"booking_id": e.lostRideFromSite(t, rider)}}).want(t, 201).object(t)["id"])
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + second + "/decline", token: fleet.token,
		body: map[string]any{"reason": " "}}).problem(t, 422, "invalid", "reason")
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests/" + second + "/decline", token: fleet.token,
		body: map[string]any{"reason": "Pool cars are all out tonight"}}).want(t, 200)
	for range carpool.DefaultRideHomesPerYear - 1 {
		e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token,
			body: map[string]any{"booking_id": e.lostRideFromSite(t, rider)}}).want(t, 201)
	}
	e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: rider.token,
		body: map[string]any{"booking_id": e.lostRideFromSite(t, rider)}}).want(t, 409)
}
