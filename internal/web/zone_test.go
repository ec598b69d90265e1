package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestSignUpTakesLanguageAndZone: a sign-up stores the browser's language and the zone
// the page's script found; a zone the database does not know, or none (no JavaScript),
// leaves the default.
func TestSignUpTakesLanguageAndZone(t *testing.T) {
	a := webtest.Start(t, webtest.Options{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	for _, tc := range []struct {
		name, accept, zone string
		lang, want         string
	}{
		{"German browser in Berlin", "de-DE,de;q=0.9", "Europe/Berlin", "de", "Europe/Berlin"},
		{"no script", "en-GB", "", "en", ""},
		{"a zone the database lacks", "fr-FR", "Mars/Olympus", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, a)
			email := carpool.NewID() + "@example.com"
			form := url.Values{"csrf": {b.csrf("/signup")}, "email": {email}, "name": {"Nina"}, "password": {webtest.Password}, "time_zone": {tc.zone}}
			res, body := b.post("/signup", form, http.Header{"Accept-Language": {tc.accept}})
			if res.StatusCode >= 400 {
				t.Fatalf("sign-up: got %d:\n%s", res.StatusCode, body)
			}
			m, err := a.Store.MemberByEmail(context.Background(), email)
			if err != nil {
				t.Fatal(err)
			}
			// Without a mailer nothing is mailed, so the page does not send them to their mail.
			if tc.lang == "de" && !strings.Contains(body, "<h1>Ihr Konto ist bereit</h1>") {
				t.Errorf("sign-up answer without mail: want the account ready:\n%s", body)
			}
			if m.Language != tc.lang || m.TimeZone != tc.want {
				t.Fatalf("member: got language %q zone %q, want %q %q", m.Language, m.TimeZone, tc.lang, tc.want)
			}
		})
	}
	_, page := newBrowser(t, a).get("/signup")
	if !strings.Contains(page, `name="time_zone" value="" data-browser-zone`) {
		t.Errorf("sign-up form: want the hidden zone field the script fills:\n%s", page)
	}
}

// TestPagesShowTheReadersZone: the same ride shows at the reader's own local time, the
// footer names the reader's zone, and only a member who chose UTC reads "UTC"; the
// profile changes the zone and refuses one that is none; the commute form offers the
// member's zone.
func TestPagesShowTheReadersZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	a := webtest.Start(t, webtest.Options{Location: berlin})
	ctx := context.Background()
	ann := a.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B A 1", Make: "VW", Model: "Golf", Seats: 5, OwnerID: ann.ID,
		Status: carpool.CarActive, Version: 1}
	if err := a.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	// 07:30 in Berlin in winter is 06:30 UTC and 01:30 in New York.
	depart := time.Date(time.Now().Year()+1, 1, 12, 7, 30, 0, 0, berlin)
	ride, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: depart, Seats: 3,
		From: carpool.Place{Label: "Berlin", Lat: 52.52, Lon: 13.40}, To: carpool.Place{Label: "Potsdam", Lat: 52.39, Lon: 13.06}}, ann)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		zone, clock, footer string
	}{
		{"", "07:30", "Europe/Berlin"},
		{"America/New_York", "01:30", "America/New_York"},
		{"UTC", "06:30", "UTC"},
	} {
		t.Run("zone "+tc.zone, func(t *testing.T) {
			m := a.AddMember(t, carpool.NewID()+"@example.com", "Reader", "", carpool.RoleMember)
			if _, err := storetest.NewFlows(a.Store).ChangeMember(ctx, m.ID, func(m *carpool.Member) error { m.TimeZone = tc.zone; return nil }); err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t, a)
			b.signInAs(m)
			_, body := b.get("/rides/" + ride.ID)
			if !strings.Contains(body, tc.clock) {
				t.Errorf("ride page: want the departure at %s", tc.clock)
			}
			if !strings.Contains(body, "Times are shown in "+tc.footer+".") {
				t.Errorf("footer: want times in %s", tc.footer)
			}
			if tc.zone != "UTC" && strings.Contains(body, "UTC") {
				t.Errorf("a member who did not choose UTC reads UTC")
			}
		})
	}

	b := newBrowser(t, a)
	b.signInAs(ann)
	save := func(zone string) (*http.Response, string) {
		return b.post("/profile", url.Values{"csrf": {b.csrf("/profile")}, "name": {"Ann"}, "phone": {""}, "language": {""}, "time_zone": {zone}}, nil)
	}
	if res, body := save("Mars/Olympus"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="time_zone-error"`) {
		t.Fatalf("profile with a zone that is none: got %d, want 422 beside the zone:\n%s", res.StatusCode, body)
	}
	if res, body := save("Asia/Tokyo"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile: got %d:\n%s", res.StatusCode, body)
	}
	if m, _ := a.Store.Member(ctx, ann.ID); m.TimeZone != "Asia/Tokyo" {
		t.Fatalf("saved zone: got %q, want Asia/Tokyo", m.TimeZone)
	}
	if _, body := b.get("/profile"); !strings.Contains(body, `value="Asia/Tokyo"`) || !strings.Contains(body, `<datalist id="zones">`) {
		t.Errorf("profile: want the saved zone in the zone field with its suggestions")
	}
	if _, body := b.get("/rides/" + ride.ID); !strings.Contains(body, "15:30") {
		t.Errorf("ride page after the change: want 15:30 in Tokyo")
	}
	_, form := b.get("/commutes/new")
	if want := `name="time_zone" type="text" value="Asia/Tokyo" autocomplete="off" list="zones"`; !strings.Contains(form, want) {
		t.Errorf("commute form: want the zone picker at the member's zone: %s", want)
	}
}

// TestSiteZone: the site form asks for the site's zone, the installation's by default;
// a zone that is none is refused beside the field, a good one is stored and shown again.
func TestSiteZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	a := webtest.Start(t, webtest.Options{Location: berlin})
	fm := a.AddMember(t, "fm@example.com", "Fran", "", carpool.RoleFleetManager)
	b := newBrowser(t, a)
	b.signInAs(fm)
	_, page := b.get("/fleet")
	if !strings.Contains(page, `name="time_zone" type="text" value="Europe/Berlin"`) {
		t.Errorf("site form: want the default zone Europe/Berlin offered")
	}
	post := func(zone string) (*http.Response, string) {
		return b.post("/fleet/sites", url.Values{"csrf": {b.csrf("/fleet")}, "name": {"Zurich office"}, "address": {"Bahnhofplatz 1"},
			"location": {"at:47.378,8.540|Zurich"}, "time_zone": {zone}}, nil)
	}
	if res, body := post("Zurich"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="time_zone-error"`) {
		t.Fatalf("a zone that is none: got %d, want 422 beside the zone:\n%s", res.StatusCode, body)
	}
	if res, body := post("Europe/Zurich"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("site: got %d:\n%s", res.StatusCode, body)
	}
	sites, _, err := a.Store.Sites(context.Background(), carpool.Page{})
	if err != nil || len(sites) != 1 || sites[0].TimeZone != "Europe/Zurich" {
		t.Fatalf("sites: got %+v %v, want one in Europe/Zurich", sites, err)
	}
	if _, body := b.get("/fleet/sites/" + sites[0].ID); !strings.Contains(body, `value="Europe/Zurich"`) {
		t.Errorf("site edit form: want the stored zone")
	}
}
