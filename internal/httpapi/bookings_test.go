package httpapi_test

import (
	"testing"

	"carpool/internal/carpool"
)

func TestBookings(t *testing.T) {
	e := newEnv(t, envOptions{})
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	pia := e.member(t, "Pia Passenger", carpool.RoleMember)
	quinn := e.member(t, "Quinn Queue", carpool.RoleMember)
	sam := e.member(t, "Sam Stranger", carpool.RoleMember)
	ride := e.ride(t, dan, 2, "approval")
	rideID := str(ride["id"])

	e.book(t, dan, rideID, 1, false).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: "/api/v1/rides/" + rideID + "/bookings", token: pia.token, invalid: true,
		body: map[string]any{"seats": 0}}).problem(t, 422, carpool.EINVALID, "seats")
	e.do(t, call{method: "POST", path: "/api/v1/rides/" + rideID + "/bookings", token: pia.token, invalid: true,
		body: map[string]any{"waitlist": true}}).problem(t, 422, carpool.EINVALID, "seats")

	res := e.book(t, pia, rideID, 2, false).want(t, 201)
	pending := res.object(t)
	bid := str(pending["id"])
	if pending["status"] != "pending" || res.header.Get("Location") != "/api/v1/bookings/"+bid {
		t.Errorf("approval booking: %v, Location %q", pending, res.header.Get("Location"))
	}
	e.book(t, pia, rideID, 1, false).problem(t, 409, carpool.ECONFLICT, "")

	// Only the two parties see the booking; only the driver decides on it.
	e.do(t, call{method: "GET", path: "/api/v1/bookings/" + bid, token: sam.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/confirm", token: sam.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/cancel", token: sam.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/confirm", token: pia.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/reject", token: pia.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: "/api/v1/bookings/" + bid, token: dan.token}).want(t, 200)

	confirmed := e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/confirm", token: dan.token}).want(t, 200).object(t)
	if confirmed["status"] != "confirmed" {
		t.Errorf("confirmed: %v", confirmed)
	}
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/confirm", token: dan.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/reject", token: dan.token}).problem(t, 409, carpool.ECONFLICT, "")

	// Full: 409 without the waitlist, waitlisted with it, a request when seats free up.
	e.book(t, quinn, rideID, 1, false).problem(t, 409, carpool.ECONFLICT, "seats")
	w := e.book(t, quinn, rideID, 1, true).want(t, 201).object(t)
	if w["status"] != "waitlisted" {
		t.Fatalf("waitlist booking: %v", w)
	}
	var mine struct{ Items []map[string]any }
	e.do(t, call{method: "GET", path: "/api/v1/bookings", token: quinn.token}).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0]["id"] != w["id"] {
		t.Errorf("quinn's bookings: %v", mine.Items)
	}
	cancelled := e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/cancel", token: pia.token}).want(t, 200).object(t)
	if cancelled["status"] != "cancelled" || cancelled["cancelled_by"] != pia.ID {
		t.Errorf("cancelled: %v", cancelled)
	}
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + bid + "/cancel", token: pia.token}).problem(t, 409, carpool.ECONFLICT, "")
	// An approval ride confirms nobody by itself: the freed seat makes quinn a request.
	if got := e.do(t, call{method: "GET", path: "/api/v1/bookings/" + str(w["id"]), token: quinn.token}).want(t, 200).object(t); got["status"] != "pending" {
		t.Errorf("waitlisted booking after a seat freed: got %v, want pending", got["status"])
	}
	if got := e.do(t, call{method: "POST", path: "/api/v1/bookings/" + str(w["id"]) + "/confirm", token: dan.token}).want(t, 200).object(t); got["status"] != "confirmed" {
		t.Errorf("driver confirms the moved-up request: got %v, want confirmed", got["status"])
	}
	e.do(t, call{method: "GET", path: "/api/v1/bookings", token: pia.token}).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("pia's active bookings after cancel: %v", mine.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/bookings?include_inactive=true", token: pia.token}).want(t, 200).decode(t, &mine)
	if len(mine.Items) != 1 {
		t.Errorf("include_inactive: got %d", len(mine.Items))
	}

	// Reject: a new pending booking turned down by the driver.
	sb := e.book(t, sam, rideID, 1, false).want(t, 201).object(t)
	rejected := e.do(t, call{method: "POST", path: "/api/v1/bookings/" + str(sb["id"]) + "/reject", token: dan.token}).want(t, 200).object(t)
	if rejected["status"] != "rejected" {
		t.Errorf("rejected: %v", rejected)
	}
	// The driver may cancel a passenger's booking too.
	byDriver := e.do(t, call{method: "POST", path: "/api/v1/bookings/" + str(w["id"]) + "/cancel", token: dan.token}).want(t, 200).object(t)
	if byDriver["cancelled_by"] != dan.ID {
		t.Errorf("cancelled by driver: %v", byDriver)
	}
}
