package httpapi_test

import (
	"bytes"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/httpapi"
)

// operation is one method and path of openapi.yaml.
type operation struct {
	method, path string
	id           string
	secured      bool
	hasBody      bool
	hasPathID    bool
}

func operations(t *testing.T) []operation {
	doc := loadSpec(t)
	var ops []operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			secured := op.Security == nil || len(*op.Security) > 0
			ops = append(ops, operation{
				method: method, path: path, id: op.OperationID, secured: secured,
				hasBody: op.RequestBody != nil, hasPathID: strings.Contains(path, "{id}"),
			})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].method+ops[i].path < ops[j].method+ops[j].path })
	return ops
}

// validBody is a request body each operation accepts, for checks that are about
// something else (the caller, the id) and must not fail on the body.
var validBody = map[string]any{
	"signUp":            map[string]any{"email": "x@example.com", "name": "X", "password": testPassword},
	"createToken":       map[string]any{"email": "x@example.com", "password": testPassword},
	"createSite":        map[string]any{"name": "S", "address": "A", "lat": 1, "lon": 1},
	"patchSite":         map[string]any{"name": "S"},
	"createCar":         map[string]any{"kind": "private", "plate": "AB 1", "make": "M", "model": "M", "seats": 4},
	"patchCar":          map[string]any{"model": "M"},
	"createReservation": map[string]any{"start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"},
	"createRide":        rideBody("car", time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC), 1, "instant"),
	"patchRide":         map[string]any{"notes": "n"},
	"bookSeats":         map[string]any{"seats": 1},
	"postMessage":       map[string]any{"body": "I'm at gate 2"},
	"patchMe":           map[string]any{"name": "N"},
	"changePassword":    map[string]any{"current_password": testPassword, "new_password": "another long password"},
	"setRole":           map[string]any{"role": "fleet_manager"},
	"eraseMe":           map[string]any{"password": testPassword},
	"createPlace":       map[string]any{"name": "Home", "lat": 1, "lon": 1},
	"patchPlace":        map[string]any{"name": "Home"},
	"createCommute":     seriesBody("car"),
	"patchCommute":      map[string]any{"seats": 2},
	"skipCommuteDay":    map[string]any{"date": "2030-01-01"},
	"subscribe":         map[string]any{},
	"leaveCommuteDay":   map[string]any{"date": "2030-01-01"},

	"putNotificationPreferences": map[string]any{"email": []string{}},
	"createWebhook":              map[string]any{"url": "https://hooks.example.com/x"},
	"createPartner":              map[string]any{"name": "City planner"},
	"addParkingSpace":            map[string]any{"label": "P1"},
	"askRideHome":                map[string]any{"booking_id": "0000nope"},
	"approveRideHome":            map[string]any{"means": "taxi", "voucher": "T-1"},
	"declineRideHome":            map[string]any{"reason": "No car tonight"},
	"renameParkingSpace":         map[string]any{"label": "P1"},
	"checkIn":                    map[string]any{"lat": 1, "lon": 1},
}

// validQuery is the query an operation requires, for the same checks.
var validQuery = map[string]string{
	"searchAddress": "?q=Oranienplatz",
	"parkingList":   "?date=2030-01-01",
	"listProofs":    "?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z",
	"exportProofs":  "?from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z",
}

// TestEveryOperation checks what every operation of the description shares: credentials,
// strict bodies and unknown ids.
func TestEveryOperation(t *testing.T) {
	e := newEnv(t, envOptions{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	ops := operations(t)
	if len(ops) < 29 {
		t.Fatalf("operations in openapi.yaml: got %d", len(ops))
	}
	for _, op := range ops {
		path := strings.ReplaceAll(op.path, "{id}", "0000nope") + validQuery[op.id]
		t.Run(op.method+" "+op.path, func(t *testing.T) {
			if op.secured {
				t.Run("no credentials", func(t *testing.T) {
					res := e.do(t, call{method: op.method, path: path, body: validBody[op.id], invalid: true})
					res.problem(t, 401, carpool.EUNAUTHORIZED, "")
					if !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
						t.Errorf("WWW-Authenticate: got %q", res.header.Get("WWW-Authenticate"))
					}
				})
				t.Run("bad token", func(t *testing.T) {
					e.do(t, call{method: op.method, path: path, token: carpool.TokenPrefix + "forged", body: validBody[op.id]}).
						problem(t, 401, carpool.EUNAUTHORIZED, "")
				})
			}
			if op.hasPathID {
				t.Run("unknown id", func(t *testing.T) {
					e.do(t, call{method: op.method, path: path, token: admin.token, body: validBody[op.id]}).
						problem(t, 404, carpool.ENOTFOUND, "")
				})
			}
			if !op.hasBody || op.hasPathID {
				return
			}
			bodies := []struct {
				name   string
				raw    string
				ctype  string
				status int
				code   string
				field  string
			}{
				{"malformed JSON", `{"name": `, "", 400, "malformed", ""},
				{"syntax error", `{"name" "x"}`, "", 400, "malformed", ""},
				{"unknown field", `{"bogus": 1}`, "", 400, "malformed", "bogus"},
				{"trailing data", `{} {}`, "", 400, "malformed", ""},
				{"not an object", `[1, 2]`, "", 400, "malformed", ""},
				{"empty", ``, "", 400, "malformed", ""},
				{"wrong content type", `{}`, "text/plain", 415, "unsupported_media_type", ""},
				{"too large", `{"name": "` + strings.Repeat("x", httpapi.DefaultMaxBodyBytes) + `"}`, "", 413, "too_large", ""},
			}
			for _, b := range bodies {
				t.Run(b.name, func(t *testing.T) {
					raw := []byte(b.raw)
					if b.raw == "" {
						raw = []byte{}
					}
					e.do(t, call{method: op.method, path: path, token: admin.token, raw: raw, ctype: b.ctype, invalid: true}).
						problem(t, b.status, b.code, b.field)
				})
			}
		})
	}
}

// TestBodyErrorsOnPathOperations runs the strict-body checks where an id is in the path,
// against resources that exist.
func TestBodyErrorsOnPathOperations(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	site := str(e.site(t, admin)["id"])
	car := str(e.poolCar(t, admin, site, 5)["id"])
	ride := str(e.ride(t, admin, 2, "instant")["id"])
	space := str(e.do(t, call{method: "POST", path: "/api/v1/sites/" + site + "/parking-spaces", token: admin.token,
		body: map[string]any{"label": "P1"}}).want(t, 201).object(t)["id"])
	for _, path := range []string{
		"PATCH /api/v1/sites/" + site, "PATCH /api/v1/cars/" + car, "POST /api/v1/cars/" + car + "/reservations",
		"PATCH /api/v1/rides/" + ride, "POST /api/v1/rides/" + ride + "/bookings", "POST /api/v1/rides/" + ride + "/messages",
		"POST /api/v1/sites/" + site + "/parking-spaces", "PATCH /api/v1/parking-spaces/" + space,
		"POST /api/v1/rides/" + ride + "/check-ins",
		// the request's body is read before the request is looked up
		"POST /api/v1/ride-home-requests/" + ride + "/approve", "POST /api/v1/ride-home-requests/" + ride + "/decline",
	} {
		method, p, _ := strings.Cut(path, " ")
		t.Run(path, func(t *testing.T) {
			e.do(t, call{method: method, path: p, token: admin.token, raw: []byte(`{"bogus": true}`), invalid: true}).problem(t, 400, "malformed", "bogus")
			e.do(t, call{method: method, path: p, token: admin.token, raw: []byte(`{"seats": "many"`), invalid: true}).problem(t, 400, "malformed", "")
			e.do(t, call{method: method, path: p, token: admin.token, raw: []byte(`{}`), ctype: "application/xml", invalid: true}).
				problem(t, 415, "unsupported_media_type", "")
			e.do(t, call{method: method, path: p, token: admin.token, raw: bytes.Repeat([]byte(" "), httpapi.DefaultMaxBodyBytes+1), invalid: true}).
				problem(t, 413, "too_large", "")
		})
	}
	t.Run("wrong type names the field", func(t *testing.T) {
		e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + site, token: admin.token, body: map[string]any{"lat": "north"}, invalid: true}).
			problem(t, 400, "malformed", "lat")
	})
	t.Run("oversize with an idempotency key", func(t *testing.T) {
		e.do(t, call{method: "POST", path: "/api/v1/sites", token: admin.token, header: map[string]string{"Idempotency-Key": "big"},
			raw: bytes.Repeat([]byte(" "), httpapi.DefaultMaxBodyBytes+1), invalid: true}).problem(t, 413, "too_large", "")
	})
}

func TestUnroutedRequests(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	res := e.do(t, call{method: "GET", path: "/api/v1/nothing-here", token: admin.token, invalid: true})
	res.problem(t, 404, carpool.ENOTFOUND, "")
	res = e.do(t, call{method: "PUT", path: "/api/v1/sites", token: admin.token, invalid: true, body: map[string]any{}})
	res.problem(t, 405, "method_not_allowed", "")
	if allow := res.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("Allow: got %q", allow)
	}
	if res.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("405 Content-Type: %q", res.header.Get("Content-Type"))
	}
	head, err := http.Head(e.srv.URL + "/api/openapi.yaml")
	if err != nil || head.StatusCode != 200 {
		t.Errorf("HEAD openapi.yaml: %v %v", head, err)
	}
}
