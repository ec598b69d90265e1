package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/httpapi"
)

// TestIDsThatCannotExist: a path id holding a NUL byte, invalid UTF-8 or other bytes no
// id has is an unknown id (404) on every item route, decided before the database is
// asked, so every engine answers alike.
func TestIDsThatCannotExist(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
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
