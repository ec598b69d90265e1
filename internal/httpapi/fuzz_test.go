package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// fuzzEnv is one server with a fleet manager, a driver, a site, a car and a ride that
// the fuzz inputs aim at; built once per fuzzing process.
type fuzzEnv struct {
	*env
	fm, driver member
	site, car  string
	ride       string
}

func newFuzzEnv(f *testing.F) *fuzzEnv {
	e := newEnv(f, envOptions{})
	fe := &fuzzEnv{env: e}
	fe.fm = e.member(f, "Fiona Fleet", carpool.RoleFleetManager)
	fe.driver = e.member(f, "Dan Driver", carpool.RoleMember)
	fe.site = str(e.site(f, fe.fm)["id"])
	fe.car = str(e.poolCar(f, fe.fm, fe.site, 5)["id"])
	fe.ride = str(e.ride(f, fe.driver, 3, "approval")["id"])
	return fe
}

// wantHandled fails on an answer that means the server did not handle the input: a 5xx
// status (the API tests' client already checks the answer against openapi.yaml).
func wantHandled(t *testing.T, c call, r response) {
	t.Helper()
	if r.status == 0 || r.status >= 500 {
		t.Fatalf("%s %s: got %d %s, want a 2xx or 4xx answer", c.method, c.path, r.status, r.body)
	}
}

// printableHeader reports whether a client can send v as a header value at all.
func printableHeader(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// FuzzRequestBody sends arbitrary bodies to the operations that decode JSON.
func FuzzRequestBody(f *testing.F) {
	fe := newFuzzEnv(f)
	depart := rfc3339(future(30 * time.Hour))
	for _, seed := range []struct {
		op   uint8
		body string
	}{
		{0, `{"name":"HQ","address":"Main 1","lat":48.1,"lon":11.5}`},
		{0, `{"name":"HQ","name":"X","address":"Main 1","lat":48.1,"lon":11.5}`},
		{0, `{"NAME":"HQ"}`},
		{1, `{"kind":"pool","plate":"M X 1","make":"VW","model":"Up","seats":4,"site_id":"` + fe.site + `"}`},
		{2, `{"car_id":"` + fe.car + `","from":{"label":"A","lat":48.1,"lon":11.5},"to":{"label":"B","lat":48.3,"lon":11.7},"depart_at":"` + depart + `","seats":2}`},
		{3, `{"seats":1,"waitlist":true}`},
		{3, `{"seats":1e400}`},
		{4, `{"notes":"a\u0000b","seats":2}`},
		{5, `{"start":"` + depart + `","end":"` + rfc3339(future(32*time.Hour)) + `"}`},
		{6, `{"email":"a@example.com","password":"x"}`},
		{0, `[]`}, {0, `"x"`}, {0, `{"lat":"48"}`}, {0, `{}{}`}, {0, "{\"name\":\"\xff\"}"},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	ops := []struct{ method, path, token string }{
		{"POST", "/api/v1/sites", fe.fm.token},
		{"POST", "/api/v1/cars", fe.fm.token},
		{"POST", "/api/v1/rides", fe.driver.token},
		{"POST", "/api/v1/rides/" + fe.ride + "/bookings", fe.fm.token},
		{"PATCH", "/api/v1/rides/" + fe.ride, fe.driver.token},
		{"POST", "/api/v1/cars/" + fe.car + "/reservations", fe.fm.token},
		{"POST", "/api/v1/tokens", ""},
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		o := ops[int(op)%len(ops)]
		c := call{method: o.method, path: o.path, token: o.token, raw: append([]byte{}, body...), invalid: true}
		wantHandled(t, c, fe.do(t, c))
	})
}

// FuzzQuery sends arbitrary query strings (filters, points, times, limits and cursors)
// to the lists and the search.
func FuzzQuery(f *testing.F) {
	fe := newFuzzEnv(f)
	for _, q := range []string{
		"limit=2&cursor=AA", "cursor=%25%25", "cursor=" + carpool.CursorAfter("offset:5"), "limit=-1", "limit=1e9",
		"from=48.1,11.5&to=48.3,11.7&radius_km=5&seats=1", "from=91,0", "from=NaN,NaN", "radius_km=Inf",
		"depart_after=2030-01-01T00:00:00Z&depart_before=2029-01-01T00:00:00Z", "driver=me&include_cancelled=true",
		"site_id=%00", "kind=pool&include_retired=1", "start=x&end=y",
	} {
		f.Add(uint8(0), q)
		f.Add(uint8(1), q)
	}
	paths := []string{"/api/v1/rides", "/api/v1/sites", "/api/v1/cars", "/api/v1/bookings", "/api/v1/reservations",
		"/api/v1/cars/" + fe.car + "/reservations"}
	f.Fuzz(func(t *testing.T, p uint8, query string) {
		if strings.ContainsAny(query, "# \t\r\n") || !printableHeader(query) {
			return // not a query a client can send in a request line
		}
		c := call{method: "GET", path: paths[int(p)%len(paths)] + "?" + query, token: fe.fm.token, invalid: true}
		wantHandled(t, c, fe.do(t, c))
	})
}

// FuzzHeaders sends arbitrary If-Match and Idempotency-Key values.
func FuzzHeaders(f *testing.F) {
	fe := newFuzzEnv(f)
	for _, v := range []string{`"v1"`, `W/"v1"`, `*`, `"v99999999999999999999"`, `"v-1"`, `v1`, `"v1", "v2"`, "", "key-1", "\xff\xfe", strings.Repeat("k", 300)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !printableHeader(v) {
			return // net/http refuses to send it
		}
		patch := call{method: "PATCH", path: "/api/v1/sites/" + fe.site, token: fe.fm.token, invalid: true,
			body: map[string]any{"address": "Main 2"}, header: map[string]string{"If-Match": v}}
		wantHandled(t, patch, fe.do(t, patch))
		create := call{method: "POST", path: "/api/v1/sites", token: fe.fm.token, invalid: true,
			body:   map[string]any{"name": "HQ", "address": "Main 1", "lat": 48.1, "lon": 11.5},
			header: map[string]string{"Idempotency-Key": v}}
		wantHandled(t, create, fe.do(t, create))
	})
}
