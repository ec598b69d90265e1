package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// hostileText is what the one text rule keeps out of every free-text input.
var hostileText = map[string]string{
	"right-to-left override": "Ann\u202egpj.exe",
	"bell":                   "Ann\a",
	"NUL":                    "Ann\x00",
}

// TestEveryTextInputFollowsTheTextRule posts a right-to-left override, a bell and a NUL
// into every free-text input of every form, on both engines: each form is shown again
// with 422 and the text rule's message, and nothing is stored.
func TestEveryTextInputFollowsTheTextRule(t *testing.T) {
	for _, engine := range []struct {
		name     string
		postgres bool
	}{{"sqlite", false}, {"postgres", true}} {
		t.Run(engine.name, func(t *testing.T) {
			a := webtest.Start(t, webtest.Options{Postgres: engine.postgres, Signup: carpool.SignupPolicy{Domains: []string{"example.com"}}})
			ctx := context.Background()
			admin := a.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin)
			ann := a.AddMember(t, "ann@example.com", "Ann Driver", "", carpool.RoleMember)
			site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5}
			mustDo(t, site.Validate())
			mustDo(t, a.Store.CreateSite(ctx, site))
			car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: ann.ID, Plate: "M C 1", Make: "VW", Model: "Golf", Seats: 5}
			mustDo(t, car.Validate())
			mustDo(t, a.Store.CreateCar(ctx, car))
			pool := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M P 1", Make: "VW", Model: "Passat", Seats: 5}
			mustDo(t, pool.Validate())
			mustDo(t, a.Store.CreateCar(ctx, pool))
			tomorrow := carpool.DateOf(time.Now().UTC()).AddDays(1)
			depart := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04")

			forms := []struct {
				as      *carpool.Member // nil: signed out
				page    string          // where the form's CSRF token is read
				action  string
				base    url.Values
				inputs  []string
				labeled []string // inputs holding "at:LAT,LON|LABEL", whose label is the text
			}{
				{nil, "/signup", "/signup", url.Values{"email": {"eve@example.com"}, "name": {"Eve"}, "password": {webtest.Password}}, []string{"name"}, nil},
				{&ann, "/profile", "/profile", url.Values{"name": {"Ann"}, "phone": {""}}, []string{"name"}, nil},
				{&ann, "/places", "/places", url.Values{"name": {"Gym"}, "place": {"at:48.16,11.58|Leopoldstr. 1"}}, []string{"name"}, []string{"place"}},
				{&ann, "/mycars", "/mycars", url.Values{"plate": {"M A 2"}, "make": {"VW"}, "model": {"Golf"}, "seats": {"5"}}, []string{"plate", "make", "model"}, nil},
				{&ann, "/rides/new", "/rides", url.Values{"source": {"car:" + car.ID}, "from": {"at:48.1,11.5|Home"}, "to": {"at:48.2,11.6|Office"},
					"depart": {depart}, "seats": {"2"}, "mode": {"instant"}, "notes": {"two bags"}}, []string{"notes"}, []string{"from", "to"}},
				{&ann, "/commutes/new", "/commutes", url.Values{"car_id": {car.ID}, "from": {"at:48.1,11.5|Home"}, "to": {"at:48.2,11.6|Office"},
					"weekdays": {"mon", "tue"}, "depart_time": {"07:30"}, "time_zone": {"UTC"}, "seats": {"2"}, "mode": {"instant"},
					"starts_on": {tomorrow.String()}, "notes": {"two bags"}}, []string{"notes"}, []string{"from", "to"}},
				{&admin, "/fleet", "/fleet/sites", url.Values{"name": {"Plant"}, "address": {"Side St 2"}, "location": {"at:48.2,11.6|Plant"}}, []string{"name", "address"}, nil},
				{&admin, "/fleet/sites/" + site.ID, "/fleet/sites/" + site.ID, url.Values{"name": {"HQ"}, "address": {"Main St 1"}, "location": {"at:48.1,11.5|HQ"}, "version": {"1"}}, []string{"name", "address"}, nil},
				{&admin, "/fleet", "/fleet/cars", url.Values{"site_id": {site.ID}, "plate": {"M P 2"}, "make": {"VW"}, "model": {"Passat"}, "seats": {"5"}}, []string{"plate", "make", "model"}, nil},
				{&admin, "/fleet/cars/" + pool.ID, "/fleet/cars/" + pool.ID, url.Values{"plate": {"M P 1"}, "make": {"VW"}, "model": {"Passat"}, "seats": {"5"}, "status": {"active"}, "version": {"1"}}, []string{"plate", "make", "model"}, nil},
				{&admin, "/admin/webhooks", "/admin/webhooks", url.Values{"url": {"https://hooks.example.com/carpool"}, "description": {"HR"}}, []string{"description"}, nil},
			}
			for _, f := range forms {
				b := newBrowser(t, a)
				if f.as != nil {
					b.signInAs(*f.as)
				}
				token := b.csrf(f.page)
				send := func(t *testing.T, input, value string) {
					t.Helper()
					v := url.Values{"csrf": {token}}
					for k, vs := range f.base {
						v[k] = vs
					}
					v.Set(input, value)
					res, body := b.post(f.action, v, nil)
					if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "must not contain") {
						t.Errorf("POST %s with %s = %q: got %d, want 422 with the text rule's message:\n%s", f.action, input, value, res.StatusCode, body)
					}
				}
				for what, bad := range hostileText {
					for _, input := range f.inputs {
						t.Run(f.action+" "+input+" "+what, func(t *testing.T) { send(t, input, bad) })
					}
					for _, input := range f.labeled {
						place, _, _ := strings.Cut(f.base.Get(input), "|")
						t.Run(f.action+" "+input+" label "+what, func(t *testing.T) { send(t, input, place+"|"+bad) })
					}
				}
			}

			b := newBrowser(t, a)
			b.signInAs(admin)
			for what, bad := range hostileText {
				res, body := b.get("/admin/members?q=" + url.QueryEscape(bad))
				if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("member search with a %s: got %d, want 400 or 422:\n%s", what, res.StatusCode, body)
				}
			}
		})
	}
}
