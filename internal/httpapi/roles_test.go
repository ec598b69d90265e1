package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// roles are the columns of the role matrix: who calls.
var roles = []string{"anonymous", "member", "owner", "fleet", "admin", "deactivated"}

// world is one set of people for the role matrix; each row makes its own resources,
// owned by owner, so that one cell's change cannot decide another's answer.
type world struct {
	e                                 *env
	owner, member, fleet, admin, gone member
	token                             map[string]string
}

func newWorld(t *testing.T) *world {
	// No fair-use limits: the owner holds a fixture in every row.
	e := newEnv(t, envOptions{Limits: &carpool.Limits{}})
	w := &world{e: e}
	w.owner = e.quickMember(t, "Olga Owner")
	w.member = e.quickMember(t, "Max Member")
	w.fleet = e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	w.admin = e.member(t, "Ada Admin", carpool.RoleAdmin)
	w.gone = e.quickMember(t, "Dee Parted")
	if _, err := e.store.DeactivateMember(context.Background(), w.gone.ID, w.admin.Member); err != nil {
		t.Fatal(err)
	}
	w.token = map[string]string{"anonymous": "", "member": w.member.token, "owner": w.owner.token,
		"fleet": w.fleet.token, "admin": w.admin.token, "deactivated": w.gone.token}
	return w
}

// TestRoleMatrix: every API operation, called by each kind of caller, answers the status
// in its row. "owner" is the member the resource belongs to (the driver of the ride, the
// passenger of the booking, the holder of the reservation, the owner of the car, the
// member themselves); a deactivated member's token no longer works anywhere.
func TestRoleMatrix(t *testing.T) {
	w := newWorld(t)
	e := w.e
	site := e.site(t, w.fleet)
	pool := e.poolCar(t, w.fleet, str(site["id"]), 5)
	day := 0
	window := func() (string, string) { // a fresh hour for each reservation
		day++
		s := future(time.Duration(24*day) * time.Hour)
		return rfc3339(s), rfc3339(s.Add(time.Hour))
	}
	reservation := func(t *testing.T) string {
		s, en := window()
		return str(e.do(t, call{method: "POST", path: "/api/v1/cars/" + str(pool["id"]) + "/reservations", token: w.owner.token,
			body: map[string]any{"start": s, "end": en}}).want(t, 201).object(t)["id"])
	}
	ownerRide := func(t *testing.T) string { return str(e.ride(t, w.owner, 3, "approval")["id"]) }
	ownerBooking := func(t *testing.T) string {
		ride := e.ride(t, w.member, 3, "approval")
		return str(e.book(t, w.owner, str(ride["id"]), 1, false).want(t, 201).object(t)["id"])
	}
	ownerCar := func(t *testing.T) string { return str(e.privateCar(t, w.owner, 4)["id"]) }
	from, to := rfc3339(future(-24*time.Hour)), rfc3339(future(24*time.Hour))

	rows := []struct {
		method, path string
		setup        func(t *testing.T) string // the id for %s in path
		body         any
		want         [6]int // anonymous, member, owner, fleet, admin, deactivated
	}{
		{"GET", "/api/v1/me", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"PATCH", "/api/v1/me", nil, map[string]any{"phone": "+49 30 1"}, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/me/sessions", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/me/export", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/members", nil, nil, [6]int{401, 403, 403, 403, 200, 401}},
		{"GET", "/api/v1/members/%s", func(*testing.T) string { return w.owner.ID }, nil, [6]int{401, 404, 200, 404, 200, 401}},
		{"POST", "/api/v1/members/%s/role", func(t *testing.T) string { return e.quickMember(t, "Rita Role "+plate()).ID },
			map[string]any{"role": "fleet_manager"}, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/members/%s/deactivate", func(t *testing.T) string { return e.quickMember(t, "Dan Deact "+plate()).ID },
			nil, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/members/%s/reactivate", func(*testing.T) string { return w.gone.ID }, nil, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/members/%s/erase", func(t *testing.T) string { return e.quickMember(t, "Erin Erase "+plate()).ID },
			nil, [6]int{401, 403, 403, 403, 204, 401}},
		{"GET", "/api/v1/audit", nil, nil, [6]int{401, 403, 403, 403, 200, 401}},
		{"GET", "/api/v1/reports?from=" + from + "&to=" + to, nil, nil, [6]int{401, 403, 403, 200, 200, 401}},
		{"GET", "/api/v1/sites", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/sites", nil, map[string]any{"name": "S", "address": "A", "lat": 1, "lon": 1}, [6]int{401, 403, 403, 201, 201, 401}},
		{"GET", "/api/v1/sites/%s", func(*testing.T) string { return str(site["id"]) }, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"PATCH", "/api/v1/sites/%s", func(*testing.T) string { return str(site["id"]) }, map[string]any{"address": "B"}, [6]int{401, 403, 403, 200, 200, 401}},
		{"GET", "/api/v1/cars", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/cars", nil, func() any {
			return map[string]any{"kind": "private", "plate": plate(), "make": "M", "model": "M", "seats": 4}
		}, [6]int{401, 201, 201, 201, 201, 401}},
		{"GET", "/api/v1/cars/%s", ownerCar, nil, [6]int{401, 404, 200, 404, 200, 401}},
		{"PATCH", "/api/v1/cars/%s", ownerCar, map[string]any{"model": "X"}, [6]int{401, 404, 200, 404, 403, 401}},
		{"DELETE", "/api/v1/cars/%s", ownerCar, nil, [6]int{401, 404, 204, 404, 403, 401}},
		{"GET", "/api/v1/cars/%s/reservations", func(*testing.T) string { return str(pool["id"]) }, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/cars/%s/reservations", func(*testing.T) string { return str(pool["id"]) }, func() any {
			s, en := window()
			return map[string]any{"start": s, "end": en}
		}, [6]int{401, 201, 201, 201, 201, 401}},
		{"GET", "/api/v1/reservations", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/reservations/%s", reservation, nil, [6]int{401, 404, 200, 200, 200, 401}},
		{"POST", "/api/v1/reservations/%s/cancel", reservation, nil, [6]int{401, 404, 200, 200, 200, 401}},
		{"GET", "/api/v1/rides?seats=1", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/rides/%s", ownerRide, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"PATCH", "/api/v1/rides/%s", ownerRide, map[string]any{"notes": "n"}, [6]int{401, 403, 200, 403, 403, 401}},
		{"POST", "/api/v1/rides/%s/cancel", ownerRide, nil, [6]int{401, 403, 200, 403, 200, 401}},
		{"POST", "/api/v1/rides/%s/bookings", ownerRide, map[string]any{"seats": 1}, [6]int{401, 201, 403, 201, 201, 401}},
		{"GET", "/api/v1/bookings", nil, nil, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/bookings/%s", ownerBooking, nil, [6]int{401, 200, 200, 404, 404, 401}},
		{"POST", "/api/v1/bookings/%s/cancel", ownerBooking, nil, [6]int{401, 200, 200, 404, 404, 401}},
		{"DELETE", "/api/v1/tokens/current", nil, nil, [6]int{401, 204, 204, 204, 204, 401}},
	}
	for _, row := range rows {
		t.Run(row.method+" "+row.path, func(t *testing.T) {
			for i, role := range roles {
				path := row.path
				if row.setup != nil {
					path = fmt.Sprintf(path, row.setup(t))
				}
				body := row.body
				if f, ok := body.(func() any); ok {
					body = f()
				}
				token := w.token[role]
				if row.path == "/api/v1/tokens/current" && token != "" && role != "deactivated" {
					token = e.freshToken(t, w, role) // signing out must not end the matrix's own sessions
				}
				got := e.do(t, call{method: row.method, path: path, token: token, body: body, invalid: true}).status
				if got != row.want[i] {
					t.Errorf("%s: got %d, want %d", role, got, row.want[i])
				}
			}
		})
	}
}

// freshToken mints another token for the member playing role.
func (e *env) freshToken(t *testing.T, w *world, role string) string {
	m := map[string]member{"member": w.member, "owner": w.owner, "fleet": w.fleet, "admin": w.admin}[role]
	tok, secret, err := carpool.NewToken(m.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	return secret
}
