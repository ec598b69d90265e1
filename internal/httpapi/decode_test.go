package httpapi_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestStrictFieldNames: field names match exactly and no key may come twice, so a
// proxy and this server can never read different values from one body.
func TestStrictFieldNames(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	dan := e.member(t, "Dan Driver", carpool.RoleMember)
	pia := e.member(t, "Pia Passenger", carpool.RoleMember)
	rideID := str(e.ride(t, dan, 3, "instant")["id"])
	car := str(e.privateCar(t, dan, 5)["id"])
	depart := rfc3339(future(30 * time.Hour))
	cases := []struct {
		name, method, path, body string
		token                    string
		field                    string
	}{
		{"upper-case name", "POST", "/api/v1/rides/" + rideID + "/bookings", `{"SEATS":1}`, pia.token, "SEATS"},
		{"mixed-case name", "POST", "/api/v1/rides/" + rideID + "/bookings", `{"Seats":1}`, pia.token, "Seats"},
		{"duplicate key", "POST", "/api/v1/rides/" + rideID + "/bookings", `{"seats":1,"seats":3}`, pia.token, "seats"},
		{"duplicate after others", "POST", "/api/v1/rides/" + rideID + "/bookings", `{"seats":1,"waitlist":false,"seats":1}`, pia.token, "seats"},
		{"duplicate site name", "POST", "/api/v1/sites", `{"name":"A","address":"B","lat":1,"lon":2,"name":"C"}`, fm.token, "name"},
		{"nested case", "POST", "/api/v1/rides", `{"car_id":"` + car + `","from":{"label":"A","LAT":48.1,"lon":11.5},"to":{"label":"B","lat":48.3,"lon":11.7},"depart_at":"` + depart + `","seats":1}`, dan.token, "from.LAT"},
		{"nested duplicate", "POST", "/api/v1/rides", `{"car_id":"` + car + `","from":{"label":"A","lat":48.1,"lon":11.5,"lat":0},"to":{"label":"B","lat":48.3,"lon":11.7},"depart_at":"` + depart + `","seats":1}`, dan.token, "from.lat"},
		{"duplicate patch", "PATCH", "/api/v1/rides/" + rideID, `{"notes":"a","notes":"b"}`, dan.token, "notes"},
		{"duplicate sign-in", "POST", "/api/v1/tokens", `{"email":"a@example.com","password":"x","email":"b@example.com"}`, "", "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.do(t, call{method: tc.method, path: tc.path, token: tc.token, raw: []byte(tc.body), invalid: true}).
				problem(t, 400, "malformed", tc.field)
		})
	}
	// The exact names still work, and nothing was booked above.
	b := e.do(t, call{method: "POST", path: "/api/v1/rides/" + rideID + "/bookings", token: pia.token, raw: []byte(`{"seats":1}`)}).want(t, 201).object(t)
	if b["seats"] != 1.0 {
		t.Fatalf("got seats %v, want 1", b["seats"])
	}
}
