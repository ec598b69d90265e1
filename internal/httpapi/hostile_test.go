package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestIDsThatCannotExist: a path id holding a NUL byte, invalid UTF-8 or other bytes no
// id has is an unknown id (404) on every item route, decided before the database is
// asked, so every engine answers alike.
func TestIDsThatCannotExist(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) { idsThatCannotExist(t, eng.env(t, envOptions{})) })
	}
}

func idsThatCannotExist(t *testing.T, e *env) {
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	routes := []struct{ method, path string }{
		{"GET", "/api/v1/sites/%s"},
		{"PATCH", "/api/v1/sites/%s"},
		{"GET", "/api/v1/cars/%s"},
		{"PATCH", "/api/v1/cars/%s"},
		{"DELETE", "/api/v1/cars/%s"},
		{"GET", "/api/v1/cars/%s/reservations"},
		{"POST", "/api/v1/cars/%s/reservations"},
		{"GET", "/api/v1/reservations/%s"},
		{"POST", "/api/v1/reservations/%s/cancel"},
		{"GET", "/api/v1/rides/%s"},
		{"PATCH", "/api/v1/rides/%s"},
		{"POST", "/api/v1/rides/%s/cancel"},
		{"POST", "/api/v1/rides/%s/bookings"},
		{"GET", "/api/v1/bookings/%s"},
		{"POST", "/api/v1/bookings/%s/cancel"},
		{"POST", "/api/v1/bookings/%s/confirm"},
		{"POST", "/api/v1/bookings/%s/reject"},
	}
	bodies := map[string]any{
		"PATCH /api/v1/sites/%s":            map[string]any{"name": "X"},
		"PATCH /api/v1/cars/%s":             map[string]any{"model": "X"},
		"POST /api/v1/cars/%s/reservations": map[string]any{"start": rfc3339(future(48 * time.Hour)), "end": rfc3339(future(50 * time.Hour))},
		"PATCH /api/v1/rides/%s":            map[string]any{"notes": "X"},
		"POST /api/v1/rides/%s/bookings":    map[string]any{"seats": 1},
	}
	for _, cursor := range []string{"AA", "_w", "YQBi"} {
		for _, list := range []string{"/api/v1/sites", "/api/v1/cars", "/api/v1/reservations", "/api/v1/bookings", "/api/v1/rides?driver=me", "/api/v1/rides?from=48.1,11.5"} {
			sep := "?"
			if strings.Contains(list, "?") {
				sep = "&"
			}
			e.do(t, call{method: "GET", path: list + sep + "cursor=" + cursor, token: fm.token, invalid: true}).problem(t, 400, "malformed", "cursor")
		}
	}
	for _, id := range []string{"abc%00def", "%ff%fe", "abc%C0%80", "a%20b"} {
		for _, rt := range routes {
			path := strings.Replace(rt.path, "%s", id, 1)
			t.Run(rt.method+" "+path, func(t *testing.T) {
				e.do(t, call{method: rt.method, path: path, token: fm.token, body: bodies[rt.method+" "+rt.path], invalid: true}).
					problem(t, 404, carpool.ENOTFOUND, "")
			})
		}
	}
}

// TestBadText: NUL and other control characters, bidirectional overrides and names
// without a visible character are refused (422) wherever free text enters, the same on
// every engine because the domain decides before the database sees them.
func TestBadText(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			badText(t, eng.env(t, envOptions{Signup: carpool.SignupPolicy{Domains: []string{"example.com"}}}))
		})
	}
}

func badText(t *testing.T, e *env) {
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	for _, bad := range []string{"Eve\x00", "Eve\a", "Eve\nSmith", "\u200b", "Eve\u202egpj.exe"} {
		t.Run(bad, func(t *testing.T) {
			e.do(t, call{method: "POST", path: "/api/v1/members", invalid: true,
				body: map[string]any{"email": "eve" + plate()[4:] + "@example.com", "name": bad, "password": "correct horse battery"}}).
				problem(t, 422, carpool.EINVALID, "name")
			e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token, invalid: true,
				body: map[string]any{"name": bad, "address": "Somewhere 1", "lat": 48.1, "lon": 11.5}}).
				problem(t, 422, carpool.EINVALID, "name")
		})
	}
	e.do(t, call{method: "POST", path: "/api/v1/tokens", invalid: true,
		body: map[string]any{"email": "fiona\x00@example.com", "password": "correct horse battery"}}).problem(t, 401, "", "")
	// NFC: the same name typed decomposed is stored composed.
	site := e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token,
		body: map[string]any{"name": "Mu\u0308nchen", "address": "Marienplatz 1", "lat": 48.1, "lon": 11.5}}).want(t, 201).object(t)
	if got, want := site["name"], "M\u00fcnchen"; got != want {
		t.Fatalf("got name %q, want %q", got, want)
	}
}

// TestAllFieldErrors: a body with several wrong values names each of them, the first
// also as the problem's field.
func TestAllFieldErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	p := e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token, invalid: true,
		body: map[string]any{"name": " ", "address": "", "lat": 91, "lon": -181}}).problem(t, 422, carpool.EINVALID, "name")
	var got []string
	for _, f := range p.Errors {
		if f.Detail == "" {
			t.Errorf("field %s: got no detail", f.Field)
		}
		got = append(got, f.Field)
	}
	if want := []string{"name", "address", "lat", "lon"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got fields %v, want %v", got, want)
	}
	if p.Errors[0].Detail != p.Detail {
		t.Fatalf("got first detail %q, want the problem's %q", p.Errors[0].Detail, p.Detail)
	}
}

// TestRetireCarInUse: DELETE of a car that an open ride or an active reservation still
// depends on is refused with 409 naming what is open; once they are cancelled it retires.
func TestRetireCarInUse(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	ann := e.member(t, "Ann Driver", carpool.RoleMember)
	car := str(e.poolCar(t, fm, str(e.site(t, fm)["id"]), 5)["id"])
	res := e.do(t, call{method: "POST", path: "/api/v1/cars/" + car + "/reservations", token: ann.token,
		body: map[string]any{"start": rfc3339(future(20 * time.Hour)), "end": rfc3339(future(30 * time.Hour))}}).want(t, 201).object(t)
	p := e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + car, token: fm.token}).problem(t, 409, carpool.ECONFLICT, "status")
	if !strings.Contains(p.Detail, "1 active reservation") {
		t.Fatalf("got detail %q, want it to name the active reservation", p.Detail)
	}
	e.do(t, call{method: "POST", path: "/api/v1/reservations/" + str(res["id"]) + "/cancel", token: ann.token}).want(t, 200)
	e.do(t, call{method: "DELETE", path: "/api/v1/cars/" + car, token: fm.token}).want(t, 204)
}
