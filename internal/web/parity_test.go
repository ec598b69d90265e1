package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestParity refuses the same request on both edges of one server, the REST API and the
// web UI, and checks that they answer alike: the same status, and the web page shows the
// message the API puts in its problem document. Asked in German, the page says the
// message in German while the API's detail stays English.
func TestParity(t *testing.T) {
	ctx := context.Background()
	srv := webtest.Start(t, webtest.Options{Signup: carpool.SignupPolicy{Domains: []string{"example.com"}}, Location: time.UTC})
	member := srv.AddMember(t, "mia@example.com", "Mia Member", "+41 79 111 11 11", carpool.RoleMember)
	driver := srv.AddMember(t, "dan@example.com", "Dan Driver", "+41 79 222 22 22", carpool.RoleMember)
	fm := srv.AddMember(t, "fay@example.com", "Fay Fleet", "", carpool.RoleFleetManager)

	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 47.37, Lon: 8.54}
	mustDo(t, site.Validate())
	mustDo(t, srv.Store.CreateSite(ctx, site))
	pool := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "ZH PAR 1", Make: "VW", Model: "Golf", Seats: 5}
	mustDo(t, pool.Validate())
	mustDo(t, srv.Store.CreateCar(ctx, pool))
	private := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: driver.ID, Plate: "ZH PAR 2", Make: "Fiat", Model: "Panda", Seats: 2}
	mustDo(t, private.Validate())
	mustDo(t, srv.Store.CreateCar(ctx, private))

	day := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Hour)
	_, err := storetest.NewFlows(srv.Store).CreateReservation(ctx, pool.ID, fm, carpool.ReservationTrip, day, day.Add(2*time.Hour))
	mustDo(t, err)
	full, err := storetest.NewFlows(srv.Store).CreateRide(ctx, carpool.RideInput{CarID: private.ID, DepartAt: day, Seats: 1, BookingMode: carpool.BookingInstant,
		From: carpool.Place{Label: "Zurich", Lat: 47.37, Lon: 8.54}, To: carpool.Place{Label: "Bern", Lat: 46.94, Lon: 7.44}}, driver)
	mustDo(t, err)
	_, err = storetest.NewFlows(srv.Store).BookSeats(ctx, full.ID, fm, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	booking, err := storetest.NewFlows(srv.Store).BookSeats(ctx, full.ID, member, carpool.BookingRequest{Seats: 1, Waitlist: true})
	mustDo(t, err)

	newcomer := srv.AddMember(t, "nia@example.com", "Nia Newcomer", "", carpool.RoleMember) // no booking yet

	local := func(t time.Time) string { return t.Format("2006-01-02T15:04") }
	cases := []struct {
		name string
		as   *carpool.Member // nil: anonymous
		// The API request: method, path and JSON body.
		apiMethod, apiPath string
		apiBody            any
		// The web form: the page that carries its CSRF token, the path it posts to, and
		// its fields.
		page, form string
		fields     url.Values
		status     int
		// genericWeb: the web shows its own wording for this status (not found pages
		// do not echo what was not found); only the status is compared.
		genericWeb bool
		// de is the message a German page shows.
		de string
	}{
		{
			name:      "sign-up from a foreign domain",
			apiMethod: http.MethodPost, apiPath: "/api/v1/members",
			apiBody: map[string]string{"email": "eve@elsewhere.org", "name": "Eve", "password": webtest.Password},
			page:    "/signup", form: "/signup",
			fields: url.Values{"email": {"eve@elsewhere.org"}, "name": {"Eve"}, "password": {webtest.Password}},
			status: http.StatusForbidden,
			de:     "Adressen dieser E-Mail-Domain können sich hier nicht registrieren; bitten Sie einen Administrator um ein Konto",
		},
		{
			name: "sign-up with a short password", apiMethod: http.MethodPost, apiPath: "/api/v1/members",
			apiBody: map[string]string{"email": "sam@example.com", "name": "Sam", "password": "short"},
			page:    "/signup", form: "/signup",
			fields: url.Values{"email": {"sam@example.com"}, "name": {"Sam"}, "password": {"short"}},
			status: http.StatusUnprocessableEntity,
			de:     "Das Passwort muss mindestens 10 Zeichen haben",
		},
		{
			name: "a member creating a site", as: &member,
			apiMethod: http.MethodPost, apiPath: "/api/v1/sites",
			apiBody: map[string]any{"name": "Mine", "address": "Home 1", "lat": 47.1, "lon": 8.1},
			page:    "/", form: "/fleet/sites",
			fields: url.Values{"name": {"Mine"}, "address": {"Home 1"}, "location": {"at:47.1,8.1|Home 1"}},
			status: http.StatusForbidden,
			de:     "Nur Fuhrparkverwalter und Admins dürfen Standorte hinzufügen",
		},
		{
			name: "booking one's own ride", as: &driver,
			apiMethod: http.MethodPost, apiPath: "/api/v1/rides/" + full.ID + "/bookings",
			apiBody: map[string]any{"seats": 1},
			page:    "/rides/" + full.ID, form: "/rides/" + full.ID + "/book",
			fields: url.Values{"seats": {"1"}},
			status: http.StatusForbidden, // the driver books their own ride: refused before seats are counted
			de:     "Sie können keinen Platz auf Ihrer eigenen Fahrt buchen",
		},
		{
			name: "booking a ride one holds a booking of", as: &fm,
			apiMethod: http.MethodPost, apiPath: "/api/v1/rides/" + full.ID + "/bookings",
			apiBody: map[string]any{"seats": 1},
			page:    "/rides/" + full.ID, form: "/rides/" + full.ID + "/book",
			fields: url.Values{"seats": {"1"}},
			status: http.StatusConflict, // fm already holds a booking: the refusal is about that
			de:     "Sie haben auf dieser Fahrt bereits eine Buchung (bestätigt)",
		},
		{
			name: "booking a full ride without waitlist", as: &newcomer,
			apiMethod: http.MethodPost, apiPath: "/api/v1/rides/" + full.ID + "/bookings",
			apiBody: map[string]any{"seats": 1},
			page:    "/rides/" + full.ID, form: "/rides/" + full.ID + "/book",
			fields: url.Values{"seats": {"1"}},
			status: http.StatusConflict,
			de:     "Die Fahrt ist voll",
		},
		{
			name: "an invalid seat count", as: &newcomer,
			apiMethod: http.MethodPost, apiPath: "/api/v1/rides/" + full.ID + "/bookings",
			apiBody: map[string]any{"seats": 0},
			page:    "/rides/" + full.ID, form: "/rides/" + full.ID + "/book",
			fields: url.Values{"seats": {"0"}},
			status: http.StatusUnprocessableEntity,
			de:     "Die Zahl der Plätze muss zwischen 1 und 1 liegen",
		},
		{
			name: "a car with too many seats", as: &member,
			apiMethod: http.MethodPost, apiPath: "/api/v1/cars",
			apiBody: map[string]any{"kind": "private", "plate": "ZH PAR 9", "make": "VW", "model": "Bus", "seats": 12},
			page:    "/mycars", form: "/mycars",
			fields: url.Values{"plate": {"ZH PAR 9"}, "make": {"VW"}, "model": {"Bus"}, "seats": {"12"}},
			status: http.StatusUnprocessableEntity,
			de:     "Die Zahl der Sitze muss zwischen 1 und 8 liegen",
		},
		{
			name: "a car with a taken plate", as: &member,
			apiMethod: http.MethodPost, apiPath: "/api/v1/cars",
			apiBody: map[string]any{"kind": "private", "plate": pool.Plate, "make": "VW", "model": "Golf", "seats": 4},
			page:    "/mycars", form: "/mycars",
			fields: url.Values{"plate": {pool.Plate}, "make": {"VW"}, "model": {"Golf"}, "seats": {"4"}},
			status: http.StatusConflict,
			de:     "Ein Auto mit diesem Kennzeichen gibt es bereits",
		},
		{
			name: "reserving an overlapping window", as: &member,
			apiMethod: http.MethodPost, apiPath: "/api/v1/cars/" + pool.ID + "/reservations",
			apiBody: map[string]string{"start": day.Add(time.Hour).Format(time.RFC3339), "end": day.Add(3 * time.Hour).Format(time.RFC3339)},
			page:    "/cars/" + pool.ID, form: "/cars/" + pool.ID + "/reserve",
			fields: url.Values{"start": {local(day.Add(time.Hour))}, "end": {local(day.Add(3 * time.Hour))}},
			status: http.StatusConflict,
			de:     "Das Auto ist in dieser Zeit bereits reserviert",
		},
		{
			name: "reserving a window in the past", as: &member,
			apiMethod: http.MethodPost, apiPath: "/api/v1/cars/" + pool.ID + "/reservations",
			apiBody: map[string]string{"start": day.Add(-96 * time.Hour).Format(time.RFC3339), "end": day.Add(-95 * time.Hour).Format(time.RFC3339)},
			page:    "/cars/" + pool.ID, form: "/cars/" + pool.ID + "/reserve",
			fields: url.Values{"start": {local(day.Add(-96 * time.Hour))}, "end": {local(day.Add(-95 * time.Hour))}},
			status: http.StatusUnprocessableEntity,
			de:     "Der Beginn darf nicht in der Vergangenheit liegen",
		},
		{
			name: "a stranger cancelling someone's booking", as: &fm,
			apiMethod: http.MethodPost, apiPath: "/api/v1/bookings/" + booking.ID + "/cancel",
			page: "/", form: "/bookings/" + booking.ID + "/cancel",
			status: http.StatusNotFound, genericWeb: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var bearer string
			b := newBrowser(t, srv)
			if tc.as != nil {
				b.signInAs(*tc.as)
				bearer = apiToken(t, srv, *tc.as)
			}

			apiStatus, detail := apiRefusal(t, srv, tc.apiMethod, tc.apiPath, bearer, tc.apiBody)
			fields := url.Values{}
			for k, v := range tc.fields {
				fields[k] = v
			}
			fields.Set("csrf", b.csrf(tc.page))
			res, body := b.post(tc.form, fields, nil)

			if apiStatus != tc.status {
				t.Errorf("API status: got %d (%s), want %d", apiStatus, detail, tc.status)
			}
			if res.StatusCode != tc.status {
				t.Errorf("web status: got %d, want %d", res.StatusCode, tc.status)
			}
			if apiStatus/100 != res.StatusCode/100 {
				t.Errorf("status class: got API %d and web %d, want one class", apiStatus, res.StatusCode)
			}
			if detail == "" {
				t.Fatalf("API detail: got none, want the refusal's message")
			}
			if !tc.genericWeb && !strings.Contains(body, html.EscapeString(detail)) {
				t.Errorf("web page: got no %q, want the API's message on the page:\n%s", detail, mainOf(body))
			}

			german := http.Header{"Accept-Language": {"de"}}
			if _, deDetail := apiRefusalIn(t, srv, tc.apiMethod, tc.apiPath, bearer, tc.apiBody, german); deDetail != detail {
				t.Errorf("API detail in German: got %q, want the English %q", deDetail, detail)
			}
			fields.Set("csrf", b.csrf(tc.page))
			res, body = b.post(tc.form, fields, german)
			if res.StatusCode != tc.status {
				t.Errorf("German web status: got %d, want %d", res.StatusCode, tc.status)
			}
			if tc.genericWeb {
				return
			}
			if !strings.Contains(body, html.EscapeString(tc.de)) || tc.de == "" {
				t.Errorf("German web page: got no %q, want it for %q:\n%s", tc.de, detail, mainOf(body))
			}
			if strings.Contains(body, html.EscapeString(detail)) {
				t.Errorf("German web page: got the English %q", detail)
			}
		})
	}
}

// apiToken stores a new API token for m and returns its secret.
func apiToken(t *testing.T, srv *webtest.App, m carpool.Member) string {
	t.Helper()
	tok, secret, err := carpool.NewToken(m.ID, time.Now())
	mustDo(t, err)
	mustDo(t, srv.Store.CreateToken(context.Background(), tok))
	return secret
}

// apiRefusal sends a JSON request to the API and returns the status and the problem's
// detail.
func apiRefusal(t *testing.T, srv *webtest.App, method, path, bearer string, body any) (int, string) {
	t.Helper()
	return apiRefusalIn(t, srv, method, path, bearer, body, nil)
}

// apiRefusalIn is apiRefusal with more request headers.
func apiRefusalIn(t *testing.T, srv *webtest.App, method, path, bearer string, body any, header http.Header) (int, string) {
	t.Helper()
	var r io.Reader = http.NoBody
	if body != nil {
		buf, err := json.Marshal(body)
		mustDo(t, err)
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	mustDo(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := srv.Server.Client().Do(req)
	mustDo(t, err)
	defer res.Body.Close()
	var p struct {
		Detail string `json:"detail"`
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("API answer to %s %s: got %d %s, want a problem document", method, path, res.StatusCode, ct)
	}
	mustDo(t, json.NewDecoder(res.Body).Decode(&p))
	return res.StatusCode, p.Detail
}

// mainOf returns the <main> of a page, or all of it, for failure messages.
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
		if j := strings.Index(body, "</main>"); j >= 0 {
			body = body[:j]
		}
	}
	return body
}
