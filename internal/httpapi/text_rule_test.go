package httpapi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"carpool/internal/carpool"
)

// hostileText is what the one text rule keeps out of every free-text field.
var hostileText = map[string]string{
	"right-to-left override": "Ann\u202egpj.exe",
	"bell":                   "Ann\a",
	"NUL":                    "Ann\x00",
}

// textInput is one free-text field of one operation, with a body that is valid but for
// the field's value.
type textInput struct {
	op    string // "METHOD /path/template" as openapi.yaml writes it
	field string // the field as the problem names it ("from.label")
	path  string // the path with its ids filled in
	as    member
	body  func(bad string) map[string]any
}

// TestEveryTextInputFollowsTheTextRule sends a right-to-left override, a bell and a NUL
// to every free-text field of every operation, on both engines: each answers 422 naming
// the field. The operations' free-text fields are read from openapi.yaml, so a new one
// without a row here fails the test.
func TestEveryTextInputFollowsTheTextRule(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{Signup: carpool.SignupPolicy{Domains: []string{"example.com"}}})
			inputs := textInputs(t, e)
			covered := map[string]bool{}
			for _, in := range inputs {
				covered[in.op+" "+in.field] = true
			}
			spec := specTextFields(t)
			for _, want := range spec {
				if !covered[want] {
					t.Errorf("%s: a free-text field of openapi.yaml that this test does not feed", want)
				}
			}
			for field := range covered {
				if !slices.Contains(spec, field) {
					t.Errorf("%s: fed by this test but not a free-text field of openapi.yaml", field)
				}
			}
			for _, in := range inputs {
				method, _, _ := strings.Cut(in.op, " ")
				for what, bad := range hostileText {
					res := e.do(t, call{method: method, path: in.path, token: in.as.token, body: in.body(bad), invalid: true})
					if res.status != 422 {
						t.Errorf("%s %s with a %s: got %d %s, want 422", in.op, in.field, what, res.status, res.body)
						continue
					}
					if fields := problemFields(t, res); !slices.Contains(fields, in.field) {
						t.Errorf("%s %s with a %s: the problem names %v, not %s", in.op, in.field, what, fields, in.field)
					}
				}
			}
		})
	}
}

// problemFields returns the fields a problem names, its own and its list's.
func problemFields(tb testing.TB, r response) []string {
	tb.Helper()
	var p problem
	r.decode(tb, &p)
	out := []string{p.Field}
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

// textInputs makes the fixtures each operation needs and returns every free-text input.
func textInputs(t *testing.T, e *env) []textInput {
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	ann := e.member(t, "Ann Driver", carpool.RoleMember)
	pia := e.member(t, "Pia Passenger", carpool.RoleMember)
	siteID := str(e.site(t, fm)["id"])
	poolCarID := str(e.poolCar(t, fm, siteID, 5)["id"])
	carID := str(e.privateCar(t, ann, 4)["id"])
	ride := e.do(t, call{method: "POST", path: "/api/v1/rides", token: ann.token,
		body: rideBody(carID, future(48*time.Hour), 3, "instant")}).want(t, 201).object(t)
	rideID := str(ride["id"])
	place := e.do(t, call{method: "POST", path: "/api/v1/places", token: ann.token,
		body: map[string]any{"name": "Gym", "address": "Leopoldstr. 1", "lat": 48.16, "lon": 11.58}}).want(t, 201).object(t)
	placeID := str(place["id"])

	with := func(base map[string]any, path string, bad string) map[string]any {
		out := map[string]any{}
		for k, v := range base {
			out[k] = v
		}
		key, sub, nested := strings.Cut(path, ".")
		if !nested {
			out[key] = bad
			return out
		}
		inner := map[string]any{}
		for k, v := range base[key].(map[string]any) {
			inner[k] = v
		}
		inner[sub] = bad
		out[key] = inner
		return out
	}
	var inputs []textInput
	add := func(op, path string, as member, base func() map[string]any, fields ...string) {
		for _, f := range fields {
			inputs = append(inputs, textInput{op: op, field: f, path: path, as: as,
				body: func(bad string) map[string]any { return with(base(), f, bad) }})
		}
	}
	add("POST /api/v1/members", "/api/v1/members", member{}, func() map[string]any {
		return map[string]any{"email": "eve" + strings.ReplaceAll(plate(), " ", "") + "@example.com", "name": "Eve", "password": testPassword}
	}, "name")
	add("PATCH /api/v1/me", "/api/v1/me", pia, func() map[string]any { return map[string]any{"name": "Pia"} }, "name")
	site := func() map[string]any {
		return map[string]any{"name": "HQ 2", "address": "Leopoldstr. 2", "lat": 48.16, "lon": 11.58}
	}
	add("POST /api/v1/sites", "/api/v1/sites", fm, site, "name", "address")
	add("PATCH /api/v1/sites/{id}", "/api/v1/sites/"+siteID, fm, func() map[string]any { return map[string]any{} }, "name", "address")
	spaceID := str(e.do(t, call{method: "POST", path: "/api/v1/sites/" + siteID + "/parking-spaces", token: fm.token,
		body: map[string]any{"label": "P1"}}).want(t, 201).object(t)["id"])
	add("POST /api/v1/sites/{id}/parking-spaces", "/api/v1/sites/"+siteID+"/parking-spaces", fm,
		func() map[string]any { return map[string]any{} }, "label")
	lost := e.lostRideFromSite(t, pia)
	add("POST /api/v1/ride-home-requests", "/api/v1/ride-home-requests", pia, func() map[string]any {
		return map[string]any{"booking_id": lost}
	}, "note")
	rideHome := str(e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: pia.token,
		body: map[string]any{"booking_id": e.lostRideFromSite(t, pia)}}).want(t, 201).object(t)["id"])
	add("POST /api/v1/ride-home-requests/{id}/approve", "/api/v1/ride-home-requests/"+rideHome+"/approve", fm,
		func() map[string]any { return map[string]any{"means": "taxi"} }, "voucher")
	add("POST /api/v1/ride-home-requests/{id}/decline", "/api/v1/ride-home-requests/"+rideHome+"/decline", fm,
		func() map[string]any { return map[string]any{} }, "reason")
	add("PATCH /api/v1/parking-spaces/{id}", "/api/v1/parking-spaces/"+spaceID, fm, func() map[string]any { return map[string]any{} }, "label")
	add("POST /api/v1/rides/{id}/check-ins", "/api/v1/rides/"+rideID+"/check-ins", pia, func() map[string]any { return map[string]any{} }, "code")
	add("POST /api/v1/cars", "/api/v1/cars", ann, func() map[string]any {
		return map[string]any{"kind": "private", "plate": plate(), "make": "VW", "model": "Golf", "seats": 5}
	}, "plate", "make", "model")
	add("PATCH /api/v1/cars/{id}", "/api/v1/cars/"+poolCarID, fm, func() map[string]any { return map[string]any{} }, "plate", "make", "model")
	add("POST /api/v1/rides", "/api/v1/rides", ann, func() map[string]any {
		return rideBody(carID, future(72*time.Hour), 3, "instant")
	}, "from.label", "to.label", "notes")
	add("PATCH /api/v1/rides/{id}", "/api/v1/rides/"+rideID, ann, func() map[string]any { return map[string]any{} }, "notes")
	add("POST /api/v1/rides/{id}/messages", "/api/v1/rides/"+rideID+"/messages", ann, func() map[string]any { return map[string]any{} }, "body")
	add("POST /api/v1/rides/{id}/bookings", "/api/v1/rides/"+rideID+"/bookings", pia, func() map[string]any {
		return map[string]any{"seats": 1,
			"pickup":  map[string]any{"label": "Marienplatz", "lat": 48.1372, "lon": 11.5756},
			"dropoff": map[string]any{"label": "Airport", "lat": 48.3538, "lon": 11.7861}}
	}, "pickup.label", "dropoff.label")
	add("POST /api/v1/places", "/api/v1/places", ann, func() map[string]any {
		return map[string]any{"name": "Home", "address": "Pasing 1", "lat": 48.15, "lon": 11.46}
	}, "name", "address")
	add("PATCH /api/v1/places/{id}", "/api/v1/places/"+placeID, ann, func() map[string]any { return map[string]any{} }, "name", "address")
	add("POST /api/v1/commutes", "/api/v1/commutes", ann, func() map[string]any { return seriesBody(carID) }, "from.label", "to.label", "notes")
	add("POST /api/v1/webhooks", "/api/v1/webhooks", admin, func() map[string]any {
		return map[string]any{"url": "https://hooks.example.com/carpool", "description": "HR system"}
	}, "description")
	add("POST /api/v1/partners", "/api/v1/partners", admin, func() map[string]any {
		return map[string]any{"name": "City journey planner"}
	}, "name")
	return inputs
}

// notText are the string fields of request bodies that are not free text: each has a
// rule of its own (an address, a secret, an id, a clock, a zone).
var notText = []string{"email", "password", "current_password", "new_password", "phone", "token", "url",
	"depart_time", "reserve_from", "reserve_until", "time_zone"}

// specTextFields lists "METHOD /path field" for every free-text string in a request
// body of openapi.yaml: a string without format or enum that is not an id nor one of
// notText.
func specTextFields(tb testing.TB) []string {
	doc := loadSpec(tb)
	var out []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
				continue
			}
			var walk func(prefix string, s *openapi3.Schema)
			walk = func(prefix string, s *openapi3.Schema) {
				// A description beside a $ref is written as allOf around it: the
				// fields are those of every part.
				for _, part := range s.AllOf {
					walk(prefix, part.Value)
				}
				for name, ref := range s.Properties {
					p := ref.Value
					switch {
					case p.Type.Includes("object") || len(p.AllOf) > 0:
						walk(prefix+name+".", p)
					case p.Type.Includes("string") && p.Format == "" && len(p.Enum) == 0 &&
						!strings.HasSuffix(name, "_id") && !slices.Contains(notText, name):
						out = append(out, method+" "+path+" "+prefix+name)
					}
				}
			}
			walk("", op.RequestBody.Value.Content.Get("application/json").Schema.Value)
		}
	}
	slices.Sort(out)
	return out
}

// TestDatesAndPortsWithinRange: both engines refuse a commute starting in 9999, a day
// skipped in 2999 and a webhook on port 99999, before either stores them.
func TestDatesAndPortsWithinRange(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
			ann := e.member(t, "Ann Driver", carpool.RoleMember)
			carID := str(e.privateCar(t, ann, 4)["id"])
			body := seriesBody(carID)
			body["starts_on"], body["ends_on"] = "9999-12-27", nil
			e.do(t, call{method: "POST", path: "/api/v1/commutes", token: ann.token, body: body, invalid: true}).
				problem(t, 422, carpool.EINVALID, "starts_on")
			body = seriesBody(carID)
			delete(body, "ends_on")
			id := str(e.do(t, call{method: "POST", path: "/api/v1/commutes", token: ann.token, body: body}).want(t, 201).object(t)["id"])
			e.do(t, call{method: "POST", path: "/api/v1/commutes/" + id + "/skip", token: ann.token, body: map[string]any{"date": "2999-12-02"}}).
				problem(t, 422, carpool.EINVALID, "date")
			e.do(t, call{method: "POST", path: "/api/v1/webhooks", token: admin.token, invalid: true,
				body: map[string]any{"url": "https://hooks.example.com:99999/carpool"}}).problem(t, 422, carpool.EINVALID, "url")
		})
	}
}
