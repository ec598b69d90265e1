package partnerapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/partnerapi"
	"carpool/internal/pgtest"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// engines are the stores every test runs on.
var engines = []struct {
	name string
	open func(t *testing.T) carpool.Store
}{
	{"sqlite", func(t *testing.T) carpool.Store {
		db, err := sqlite.Open(context.Background(), sqlitetest.MigratedPath(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return db
	}},
	{"postgres", func(t *testing.T) carpool.Store {
		db, err := postgres.Open(context.Background(), postgrestest.MigratedDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return db
	}},
}

const publicURL = "https://carpool.example.com"

type fixture struct {
	t     *testing.T
	ctx   context.Context
	store carpool.Store
	app   *app.App
	admin carpool.Member
}

var seq atomic.Int64

func newFixture(t *testing.T, store carpool.Store) *fixture {
	f := &fixture{t: t, ctx: context.Background(), store: store, app: app.New(store, app.Options{Limits: &carpool.Limits{}})}
	f.admin = f.member("Ada Admin", "+49 30 5550100", carpool.RoleAdmin)
	return f
}

func (f *fixture) member(name, phone string, role carpool.Role) carpool.Member {
	n := seq.Add(1)
	m := carpool.Member{ID: carpool.NewID(), Email: fmt.Sprintf("%s.%d@example.com", strings.ToLower(strings.Fields(name)[0]), n),
		Name: name, Phone: phone, Role: role, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := f.store.CreateMember(f.ctx, m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) share(m carpool.Member, on bool) {
	if _, err := f.app.UpdateProfile(f.ctx, m, app.ProfilePatch{ShareWithPartners: &on}); err != nil {
		f.t.Fatal(err)
	}
}

var (
	zurich = carpool.Place{Label: "Zurich, Bahnhofstrasse 1", Lat: 47.37791, Lon: 8.54031}
	bern   = carpool.Place{Label: "Bern, Bundesplatz 3", Lat: 46.94904, Lon: 7.43912}
	depart = time.Now().Add(72 * time.Hour).Truncate(time.Minute)
)

func (f *fixture) ride(driver carpool.Member, seats int) carpool.Ride {
	carSeats := 5
	car, err := f.app.CreateCar(f.ctx, driver, app.CarInput{Kind: carpool.CarPrivate, Plate: fmt.Sprintf("ZH %d", seq.Add(1)), Make: "Skoda", Model: "Octavia", Seats: &carSeats})
	if err != nil {
		f.t.Fatal(err)
	}
	r, err := f.app.OfferRide(f.ctx, driver, carpool.RideInput{CarID: car.ID, From: zurich, To: bern, DepartAt: depart, Seats: seats, BookingMode: carpool.BookingInstant})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) partner(name string) (carpool.Partner, string) {
	p, key, err := f.app.CreatePartner(f.ctx, f.admin, name)
	if err != nil {
		f.t.Fatal(err)
	}
	return p, key
}

// replica is one carpool process serving the partner API over the fixture's store.
func (f *fixture) replica(opts partnerapi.Options) *httptest.Server {
	opts.PublicURL = publicURL
	srv := httptest.NewServer(partnerapi.NewServer(f.app, opts))
	f.t.Cleanup(srv.Close)
	return srv
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, srv *httptest.Server, path, key string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: res.StatusCode, header: res.Header, body: body}
	checkSpec(t, req, a)
	return a
}

// search is a driver_journeys query from near Zurich to near Bern around the rides'
// departure.
func search(extra string) string {
	q := url.Values{}
	q.Set("departureLat", "47.3785")
	q.Set("departureLng", "8.5400")
	q.Set("arrivalLat", "46.9485")
	q.Set("arrivalLng", "7.4395")
	q.Set("departureDate", fmt.Sprint(depart.Add(10*time.Minute).Unix()))
	q.Set("timeDelta", "1800")
	return "/standard-covoiturage/driver_journeys?" + q.Encode() + extra
}

func journeys(t *testing.T, a answer) []map[string]any {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("driver_journeys: %d %s", a.status, a.body)
	}
	var out []map[string]any
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("driver_journeys body %s: %v", a.body, err)
	}
	return out
}

func wantError(t *testing.T, a answer, status int) string {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d (%s), want %d", a.status, a.body, status)
	}
	var e map[string]any
	if err := json.Unmarshal(a.body, &e); err != nil || len(e) != 1 || e["error"] == "" {
		t.Fatalf("error body %s: want the standard's {\"error\": \"...\"}", a.body)
	}
	return e["error"].(string)
}

// TestDriverJourneysShowsSharedRidesOnly: a shared ride appears, in the standard's
// fields, with the driver under an alias, places rounded and a deep link; an unshared
// ride does not; and no name, phone or e-mail is in any answer.
func TestDriverJourneysShowsSharedRidesOnly(t *testing.T) {
	fields := loadFields(t, "driver_journey_fields.txt")
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := newFixture(t, eng.open(t))
			sharon := f.member("Sharon Sharewell", "+49 170 5550101", carpool.RoleMember)
			ulrich := f.member("Ulrich Unshared", "+49 170 5550102", carpool.RoleMember)
			f.share(sharon, true)
			shared, unshared := f.ride(sharon, 3), f.ride(ulrich, 3)
			p, key := f.partner("City journey planner")
			_, otherKey := f.partner("Regional network")
			srv := f.replica(partnerapi.Options{})

			got := journeys(t, get(t, srv, search(""), key))
			if len(got) != 1 || got[0]["id"] != shared.ID {
				t.Fatalf("journeys %v: want only the shared ride %s (not %s)", got, shared.ID, unshared.ID)
			}
			j := got[0]
			checkObject(t, fields, j)
			driver := j["driver"].(map[string]any)
			if driver["alias"] != p.DriverAlias(sharon.ID) || driver["id"] != driver["alias"] || strings.Contains(str(driver["alias"]), sharon.ID) {
				t.Errorf("driver %v: want the partner's alias, not the member id", driver)
			}
			if driver["operator"] != "carpool.example.com" {
				t.Errorf("operator %v", driver["operator"])
			}
			if j["webUrl"] != publicURL+"/rides/"+shared.ID || j["availableSeats"] != 3.0 || j["type"] != "PLANNED" ||
				j["passengerPickupDate"] != float64(depart.Unix()) {
				t.Errorf("journey %v: want the ride's deep link, free seats, type and departure", j)
			}
			for _, end := range []struct {
				lat, lng string
				place    carpool.Place
			}{{"passengerPickupLat", "passengerPickupLng", zurich}, {"passengerDropLat", "passengerDropLng", bern},
				{"driverDepartureLat", "driverDepartureLng", zurich}, {"driverArrivalLat", "driverArrivalLng", bern}} {
				pt := carpool.Point{Lat: j[end.lat].(float64), Lon: j[end.lng].(float64)}
				km := carpool.DistanceKM(pt, end.place.Point())
				if pt == end.place.Point() || km > 0.35 {
					t.Errorf("%s,%s = %v: want the place rounded to ~300 m, not exact (%.3f km off)", end.lat, end.lng, pt, km)
				}
			}

			// The alias is stable for a partner and different for another.
			again := journeys(t, get(t, srv, search(""), key))
			other := journeys(t, get(t, srv, search(""), otherKey))
			if again[0]["driver"].(map[string]any)["alias"] != driver["alias"] || other[0]["driver"].(map[string]any)["alias"] == driver["alias"] {
				t.Errorf("aliases: %v, %v, %v: want one per partner, stable", driver["alias"], again[0]["driver"], other[0]["driver"])
			}

			// Turning sharing off withdraws the ride at once.
			f.share(sharon, false)
			if got := journeys(t, get(t, srv, search(""), key)); len(got) != 0 {
				t.Errorf("after sharing was turned off: %v", got)
			}
			f.share(sharon, true)
			f.share(ulrich, true)
			if got := journeys(t, get(t, srv, search(""), key)); len(got) != 2 {
				t.Errorf("both sharing: %d journeys, want 2", len(got))
			}
			if got := journeys(t, get(t, srv, search("&count=1"), key)); len(got) != 1 {
				t.Errorf("count=1: %d journeys", len(got))
			}

			// No answer of any endpoint holds a name, phone or e-mail of anyone.
			var bodies []answer
			for _, path := range []string{search(""), search("&count=1"), "/standard-covoiturage/status", "/standard-covoiturage/driver_journeys"} {
				bodies = append(bodies, get(t, srv, path, key), get(t, srv, path, ""))
			}
			for _, a := range bodies {
				for _, m := range []carpool.Member{sharon, ulrich, f.admin} {
					if secret := secretIn(string(a.body), m); secret != "" {
						t.Errorf("answer %s holds %q", a.body, secret)
					}
				}
				for _, label := range []string{"Bahnhofstrasse", "Bundesplatz"} {
					if strings.Contains(string(a.body), label) {
						t.Errorf("answer %s holds the exact address %q", a.body, label)
					}
				}
			}
		})
	}
}

// TestPartnerKeys: no key, a wrong key and a revoked key are refused with 401 in the
// standard's error form; a revocation stops the key at once on every replica.
func TestPartnerKeys(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := newFixture(t, eng.open(t))
			p, key := f.partner("City journey planner")
			one, two := f.replica(partnerapi.Options{}), f.replica(partnerapi.Options{})
			for _, path := range []string{"/standard-covoiturage/status", search("")} {
				for _, srv := range []*httptest.Server{one, two} {
					if a := get(t, srv, path, key); a.status != 200 {
						t.Fatalf("%s with the key: %d %s", path, a.status, a.body)
					}
					wantError(t, get(t, srv, path, ""), 401)
					wantError(t, get(t, srv, path, key+"x"), 401)
					wantError(t, get(t, srv, path, carpool.PartnerKeyPrefix+"forged"), 401)
				}
			}
			if a := get(t, one, "/standard-covoiturage/status", ""); a.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if _, err := f.app.RevokePartner(f.ctx, f.admin, p.ID); err != nil {
				t.Fatal(err)
			}
			for _, srv := range []*httptest.Server{one, two} {
				wantError(t, get(t, srv, "/standard-covoiturage/status", key), 401)
				wantError(t, get(t, srv, search(""), key), 401)
			}
			// A member cannot register or revoke partners.
			m := f.member("Max Member", "", carpool.RoleMember)
			if _, _, err := f.app.CreatePartner(f.ctx, m, "Mine"); carpool.ErrorCode(err) != carpool.EFORBIDDEN {
				t.Errorf("member registers a partner: %v", err)
			}
		})
	}
}

// TestPartnerRate: past its rate a partner gets 429 with Retry-After, however its
// requests are spread over replicas (the count is the database's); another partner is
// not held back by it; the next minute opens again.
func TestPartnerRate(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := newFixture(t, eng.open(t))
			_, key := f.partner("Busy planner")
			_, calm := f.partner("Calm planner")
			now := time.Date(2031, 3, 3, 8, 0, 15, 0, time.UTC)
			clock := func() time.Time { return now }
			one := f.replica(partnerapi.Options{Rate: 2, Now: clock})
			two := f.replica(partnerapi.Options{Rate: 2, Now: clock})
			if a := get(t, one, "/standard-covoiturage/status", key); a.status != 200 {
				t.Fatalf("first request: %d", a.status)
			}
			if a := get(t, two, "/standard-covoiturage/status", key); a.status != 200 {
				t.Fatalf("second request, other replica: %d", a.status)
			}
			for _, srv := range []*httptest.Server{one, two} {
				a := get(t, srv, search(""), key)
				wantError(t, a, 429)
				if a.header.Get("Retry-After") != "45" {
					t.Errorf("Retry-After %q, want 45 (the rest of the minute)", a.header.Get("Retry-After"))
				}
			}
			if a := get(t, one, "/standard-covoiturage/status", calm); a.status != 200 {
				t.Errorf("another partner: %d", a.status)
			}
			now = now.Add(time.Minute)
			if a := get(t, two, "/standard-covoiturage/status", key); a.status != 200 {
				t.Errorf("next window: %d", a.status)
			}
		})
	}
}

// TestDriverJourneysBadParameters: 400 in the standard's form, naming every parameter
// at fault.
func TestDriverJourneysBadParameters(t *testing.T) {
	f := newFixture(t, engines[0].open(t))
	_, key := f.partner("City journey planner")
	srv := f.replica(partnerapi.Options{})
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"departureLat", "arrivalLat"}},
		{"?departureLat=x&departureLng=8&arrivalLat=46.9&arrivalLng=7.4&count=0&timeDelta=-5", []string{"departureLat", "count", "timeDelta"}},
		{"?departureLat=95&departureLng=8&arrivalLat=46.9&arrivalLng=7.4&departureRadius=-1&arrivalRadius=abc", []string{"departureLat", "departureRadius", "arrivalRadius"}},
		{"?departureLat=47&departureLng=8&arrivalLat=46.9&arrivalLng=7.4&departureDate=soon", []string{"departureDate"}},
	} {
		msg := wantError(t, get(t, srv, "/standard-covoiturage/driver_journeys"+c.query, key), 400)
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%q: error %q does not name %s", c.query, msg, w)
			}
		}
	}
	wantError(t, get(t, srv, "/standard-covoiturage/bookings", key), 404)
}

func str(v any) string { s, _ := v.(string); return s }
