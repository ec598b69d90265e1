package web_test

import (
	"carpool/internal/storetest"
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// fakeGeocoder answers address searches from a table, or fails when down.
type fakeGeocoder struct{ down bool }

func (g fakeGeocoder) Search(_ context.Context, q string) ([]carpool.Place, error) {
	if g.down {
		return nil, errors.New("connection refused")
	}
	if strings.Contains(strings.ToLower(q), "oranienplatz") {
		return []carpool.Place{{Label: "Oranienplatz, Kreuzberg, Berlin", Lat: 52.5018, Lon: 13.4178}}, nil
	}
	return nil, nil
}

var _ app.AddressSearch = fakeGeocoder{}

func TestPlaceFields(t *testing.T) {
	a := webtest.Start(t, webtest.Options{Geocoder: fakeGeocoder{}})
	ann := a.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	ctx := context.Background()
	site := carpool.Site{ID: carpool.NewID(), Name: "Berlin HQ", Address: "Alexanderplatz 1", Lat: 52.5219, Lon: 13.4132}
	if err := a.Store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.signInAs(ann)
	token := b.csrf("/places")

	t.Run("save Home from an address search", func(t *testing.T) {
		res, body := b.post("/places", url.Values{"csrf": {token}, "name": {"Home"}, "place_address": {"Oranienplatz Berlin"}, "lookup": {"place"}}, nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Oranienplatz, Kreuzberg, Berlin") {
			t.Fatalf("address search: got %d:\n%s", res.StatusCode, body)
		}
		res, body = b.post("/places", url.Values{"csrf": {token}, "name": {"Home"}, "place": {"at:52.5018,13.4178|Oranienplatz, Kreuzberg, Berlin"}}, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: got %d:\n%s", res.StatusCode, body)
		}
		_, body = b.get("/places")
		if !strings.Contains(body, "Oranienplatz, Kreuzberg, Berlin") || !strings.Contains(body, "Delete Home") {
			t.Fatalf("places page lacks Home:\n%s", body)
		}
	})
	places, err := a.Store.Places(ctx, ann.ID)
	if err != nil || len(places) != 1 {
		t.Fatalf("places: %v %v", places, err)
	}
	home := places[0]

	t.Run("the offer form lists saved places, then sites", func(t *testing.T) {
		_, body := b.get("/rides/new")
		_ = body // Ann has no car yet: the form asks for one first
		if res, body := b.post("/mycars", url.Values{"csrf": {token}, "plate": {"B AN 1"}, "make": {"VW"}, "model": {"Up"}, "seats": {"4"}}, nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add car: got %d:\n%s", res.StatusCode, body)
		}
		_, body = b.get("/rides/new")
		iHome, iSite := strings.Index(body, `value="place:`+home.ID+`"`), strings.Index(body, `value="site:`+site.ID+`"`)
		if iHome < 0 || iSite < 0 || iHome > iSite {
			t.Fatalf("offer form: Home at %d, site at %d; want both, Home first", iHome, iSite)
		}
		if strings.Contains(body, "latitude,longitude") {
			t.Fatalf("offer form still asks for typed coordinates")
		}
	})
	cars, _, err := a.Store.Cars(ctx, carpool.CarFilter{OwnerID: ann.ID}, carpool.Page{})
	if err != nil || len(cars) != 1 {
		t.Fatalf("cars: %v %v", cars, err)
	}
	depart := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04")
	offer := func(edit func(url.Values)) (*http.Response, string) {
		v := url.Values{"csrf": {token}, "source": {"car:" + cars[0].ID}, "from": {"place:" + home.ID}, "to": {"site:" + site.ID},
			"depart": {depart}, "seats": {"2"}, "mode": {"instant"}, "detour": {"5"}}
		if edit != nil {
			edit(v)
		}
		return b.post("/rides", v, nil)
	}

	for _, tc := range []struct {
		name, field, want string
		edit              func(url.Values)
	}{
		{"pin out of range", "from", "outside the map", func(v url.Values) { v.Set("from", "at:95,13.4|Somewhere") }},
		{"identical from and to", "to", "different places", func(v url.Values) { v.Set("to", "place:"+home.ID) }},
		{"budget below 0", "detour", "between 0 and 50", func(v url.Values) { v.Set("detour", "-1") }},
		{"budget above the maximum", "detour", "between 0 and 50", func(v url.Values) { v.Set("detour", "51") }},
		{"no place", "to", "Choose where the ride goes", func(v url.Values) { v.Set("to", "") }},
		{"someone else's place", "from", "choose a place from the list", func(v url.Values) { v.Set("from", "place:nope") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := offer(tc.edit)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422:\n%s", res.StatusCode, body)
			}
			if !strings.Contains(body, `id="`+tc.field+`-error"`) || !strings.Contains(body, tc.want) {
				t.Fatalf("want an error beside %s saying %q:\n%s", tc.field, tc.want, body)
			}
		})
	}

	t.Run("offer from Home to the site with a pin-free form", func(t *testing.T) {
		res, body := offer(nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("offer: got %d:\n%s", res.StatusCode, body)
		}
		rides, _, err := a.Store.Rides(ctx, carpool.RideFilter{DriverID: ann.ID}, carpool.Page{})
		if err != nil || len(rides) != 1 || rides[0].From.Lat != home.Lat || rides[0].To.Label != "Berlin HQ" || rides[0].DetourKM != 5 {
			t.Fatalf("rides: %+v %v", rides, err)
		}
	})

	t.Run("search along the way from a pin", func(t *testing.T) {
		bob := a.AddMember(t, "bob@example.com", "Bob", "", carpool.RoleMember)
		bb := newBrowser(t, a)
		bb.signInAs(bob)
		// Moritzplatz lies on Ann's way from Oranienplatz to Alexanderplatz.
		q := url.Values{"from": {"at:52.5036,13.4109|Moritzplatz"}, "to": {"site:" + site.ID}, "seats": {"1"}, "match": {"route"},
			"after": {time.Now().UTC().Format("2006-01-02T15:04")}, "before": {time.Now().Add(72 * time.Hour).UTC().Format("2006-01-02T15:04")}}
		res, body := bb.get("/rides?" + q.Encode())
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Oranienplatz, Kreuzberg, Berlin → Berlin HQ") || !strings.Contains(body, "detour") {
			t.Fatalf("search: got %d:\n%s", res.StatusCode, body)
		}
		if !strings.Contains(body, "pickup=at") {
			t.Fatalf("result links do not carry the pickup:\n%s", body)
		}
	})

	t.Run("change the detour, not below a confirmed passenger's", func(t *testing.T) {
		rides, _, err := a.Store.Rides(ctx, carpool.RideFilter{DriverID: ann.ID}, carpool.Page{})
		if err != nil || len(rides) != 1 {
			t.Fatalf("rides: %+v %v", rides, err)
		}
		ride := rides[0]
		path := "/rides/" + ride.ID
		detour := func(km string) (*http.Response, string) {
			_, page := b.get(path)
			version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)
			if version == nil {
				t.Fatalf("the driver's ride page has no detour form:\n%s", page)
			}
			return b.post(path+"/detour", url.Values{"csrf": {token}, "version": {version[1]}, "detour": {km}}, nil)
		}
		if res, body := detour("51"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="detour-error"`) {
			t.Fatalf("51 km: got %d, want 422 with an error beside the detour:\n%s", res.StatusCode, body)
		}
		if res, body := detour("12"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("12 km: got %d:\n%s", res.StatusCode, body)
		}
		if got := storedRide(t, a, ride.ID).DetourKM; got != 12 {
			t.Fatalf("stored budget: got %v, want 12", got)
		}
		cleo := a.AddMember(t, "cleo@example.com", "Cleo", "", carpool.RoleMember)
		pickup := &carpool.Place{Label: "Kottbusser Tor", Lat: 52.4991, Lon: 13.4181}
		dropoff := &carpool.Place{Label: "Rosenthaler Platz", Lat: 52.5297, Lon: 13.4014}
		p, q := pickup.Point(), dropoff.Point()
		if need := ride.Insert(&p, &q).DetourKM; need < 0.5 || need > 12 {
			t.Fatalf("fixture: Cleo needs a detour of %.2f km, want some within 12", need)
		}
		if _, err := storetest.NewFlows(a.Store).BookSeats(ctx, ride.ID, cleo, carpool.BookingRequest{Seats: 1, Pickup: pickup, Dropoff: dropoff}); err != nil {
			t.Fatal(err)
		}
		res, body := detour("0")
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `id="detour-error"`) || !strings.Contains(body, "confirmed passenger") {
			t.Fatalf("0 km with Cleo aboard: got %d, want 409 with the reason beside the detour:\n%s", res.StatusCode, body)
		}
		if got := storedRide(t, a, ride.ID).DetourKM; got != 12 {
			t.Fatalf("stored budget after the refusal: got %v, want 12", got)
		}
	})
}

// storedRide reads a ride from the store.
func storedRide(t *testing.T, a *webtest.App, id string) carpool.Ride {
	t.Helper()
	r, err := a.Store.Ride(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAddressSearchUnavailable(t *testing.T) {
	a := webtest.Start(t, webtest.Options{Geocoder: fakeGeocoder{down: true}})
	ann := a.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, a)
	b.signInAs(ann)
	res, body := b.get("/rides?lookup=from&from_address=Oranienplatz&seats=1")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "address search unavailable") {
		t.Fatalf("got %d, want the form with the search marked unavailable:\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, `name="to"`) || !strings.Contains(body, `<button type="submit">Search</button>`) {
		t.Fatalf("the rest of the form is missing:\n%s", body)
	}
}

func TestAddressSearchOffByDefault(t *testing.T) {
	a := webtest.Start(t, webtest.Options{})
	ann := a.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, a)
	b.signInAs(ann)
	_, body := b.get("/rides")
	if strings.Contains(body, "Search an address") {
		t.Fatalf("address search offered without a geocoder")
	}
}

func TestMapTilesInCSP(t *testing.T) {
	a := webtest.Start(t, webtest.Options{MapTilesURL: "https://tiles.example.com:8443/osm/{z}/{x}/{y}.png"})
	b := newBrowser(t, a)
	res, body := b.get("/signin")
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data: https://tiles.example.com:8443;") || strings.Contains(csp, "openstreetmap") {
		t.Fatalf("Content-Security-Policy %q: want images from the tile host and nowhere else", csp)
	}
	if !strings.Contains(body, `data-tiles="https://tiles.example.com:8443/osm/{z}/{x}/{y}.png"`) {
		t.Fatalf("page does not hand the tile URL to the map script:\n%s", body)
	}
}
