package httpapi_test

import (
	"slices"
	"strings"
	"testing"

	"carpool/internal/carpool"
)

// TestMissingFieldsReportedWithTheOthers: a body that lacks a required field and has
// other wrong values names all of them in one problem, on both engines.
func TestMissingFieldsReportedWithTheOthers(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
			cases := []struct {
				method, path string
				body         map[string]any
				want         []string
			}{
				{"POST", "/api/v1/sites", map[string]any{"name": "", "lat": 100}, []string{"name", "address", "lat", "lon"}},
				{"POST", "/api/v1/cars", map[string]any{"kind": "private", "plate": "?", "make": "", "model": "Golf"}, []string{"seats", "plate", "make"}},
				{"POST", "/api/v1/places", map[string]any{"name": " ", "address": "Ann\a"}, []string{"name", "address", "lat", "lon"}},
				{"POST", "/api/v1/rides", map[string]any{"from": map[string]any{"label": "Home"}, "depart_at": "tomorrow"},
					[]string{"car_id", "from.lat", "from.lon", "to", "depart_at", "seats"}},
				{"POST", "/api/v1/commutes", map[string]any{"weekdays": []string{"someday"}, "depart_time": "25:00", "starts_on": "soon"},
					[]string{"car_id", "from", "to", "weekdays", "depart_time", "seats", "starts_on"}},
				{"PATCH", "/api/v1/me", map[string]any{"name": " ", "phone": "call me", "email": "nobody"},
					[]string{"name", "phone", "email"}},
			}
			for _, tc := range cases {
				res := e.do(t, call{method: tc.method, path: tc.path, token: fm.token, body: tc.body, invalid: true})
				if res.status != 422 {
					t.Errorf("%s %s: got %d, want 422: %s", tc.method, tc.path, res.status, res.body)
					continue
				}
				got := problemFields(t, res)[1:] // the list; its first is also the problem's field
				slices.Sort(got)
				want := slices.Clone(tc.want)
				slices.Sort(want)
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%s %s: the problem names %v, want %v", tc.method, tc.path, got, want)
				}
			}
		})
	}
}
