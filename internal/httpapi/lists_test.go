package httpapi_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestListParameters checks that every list refuses bad paging and filter parameters,
// naming the parameter.
func TestListParameters(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	car := str(e.poolCar(t, fm, str(e.site(t, fm)["id"]), 5)["id"])
	lists := []string{"/api/v1/sites", "/api/v1/cars", "/api/v1/cars/" + car + "/reservations", "/api/v1/reservations", "/api/v1/rides", "/api/v1/bookings"}
	for _, path := range lists {
		t.Run(path, func(t *testing.T) {
			e.do(t, call{method: "GET", path: path + "?limit=ten", token: fm.token, invalid: true}).problem(t, 400, "malformed", "limit")
			e.do(t, call{method: "GET", path: path + "?limit=101", token: fm.token, invalid: true}).problem(t, 422, carpool.EINVALID, "limit")
			for _, cursor := range []string{"%25%25", "AA", "_w", "YQBi", "!!"} {
				e.do(t, call{method: "GET", path: path + "?cursor=" + cursor, token: fm.token, invalid: true}).problem(t, 400, "malformed", "cursor")
			}
			e.do(t, call{method: "GET", path: path + "?limit=1", token: fm.token}).want(t, 200)
		})
	}
	for _, tt := range []struct{ path, field string }{
		{"/api/v1/cars?include_retired=maybe", "include_retired"},
		{"/api/v1/reservations?include_cancelled=maybe", "include_cancelled"},
		{"/api/v1/bookings?include_inactive=maybe", "include_inactive"},
		{"/api/v1/rides?driver=me&include_cancelled=maybe", "include_cancelled"},
	} {
		e.do(t, call{method: "GET", path: tt.path, token: fm.token, invalid: true}).problem(t, 400, "malformed", tt.field)
	}
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + car + "/reservations?start=" + rfc3339(future(2*time.Hour)) + "&end=" + rfc3339(future(time.Hour)),
		token: fm.token}).problem(t, 422, carpool.EINVALID, "end")
}

func TestRetireStale(t *testing.T) {
	e := newEnv(t, envOptions{})
	ann := e.member(t, "Ann Owner", carpool.RoleMember)
	car := str(e.privateCar(t, ann, 5)["id"])
	e.do(t, call{method: "PATCH", path: "/api/v1/cars/" + car, token: ann.token, body: map[string]any{"model": "Kombi"}}).want(t, 200)
	e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + car, token: ann.token, header: map[string]string{"If-Match": `"v1"`}}).
		problem(t, 409, carpool.ECONFLICT, "if_match")
	e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + car, token: ann.token, header: map[string]string{"If-Match": `"v2"`}}).want(t, 204)
}

// TestAdminRideInOthersCar: an admin sees every private car but may offer rides only in
// their own.
func TestAdminRideInOthersCar(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	ann := e.member(t, "Ann Owner", carpool.RoleMember)
	car := str(e.privateCar(t, ann, 5)["id"])
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + car, token: admin.token}).want(t, 200)
	e.do(t, call{method: "POST", path: "/api/v1/rides", token: admin.token, body: rideBody(car, future(24*time.Hour), 2, "instant")}).
		problem(t, 403, carpool.EFORBIDDEN, "car_id")
}
