package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestGermanPagesSpeakGerman walks every page a German member and a German visitor
// see, with data on each, and fails on any word of the English catalogue that the
// German catalogue does not use: a heading, a default, a code or a hint left in English.
func TestGermanPagesSpeakGerman(t *testing.T) {
	english := englishOnlyWords(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	a := webtest.Start(t, webtest.Options{Location: berlin})
	ctx := context.Background()
	german := func(email, name string, role carpool.Role) carpool.Member {
		m := a.AddMember(t, email, name, "+49 30 1234567", role)
		m, err := storetest.NewFlows(a.Store).ChangeMember(ctx, m.ID, func(m *carpool.Member) error { m.Language, m.TimeZone = "de", "Europe/Berlin"; return nil })
		mustDo(t, err)
		return m
	}
	admin := german("adelheid@example.com", "Adelheid Verwalterin", carpool.RoleAdmin)
	ben := german("bernd@example.com", "Bernd Mitfahrer", carpool.RoleMember)
	b := newBrowser(t, a)
	b.signInAs(admin)

	// A site made through the form, so the audit log has an entry of the fleet manager's.
	res, body := b.post("/fleet/sites", url.Values{"csrf": {b.csrf("/fleet")}, "name": {"Zentrale Potsdam"}, "address": {"Bahnhofstraße 1"},
		"location": {"at:52.391,13.066|Bahnhofstraße"}, "time_zone": {"Europe/Berlin"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("site: got %d:\n%s", res.StatusCode, body)
	}
	sites, _, err := a.Store.Sites(ctx, carpool.Page{})
	mustDo(t, err)
	site := sites[0]
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "P-CP 1", Make: "VW", Model: "ID.3", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, a.Store.CreateCar(ctx, car))
	start := time.Now().In(berlin).Add(26 * time.Hour).Truncate(time.Hour)
	reservation, err := storetest.NewFlows(a.Store).CreateReservation(ctx, car.ID, admin, carpool.ReservationTrip, start, start.Add(6*time.Hour))
	mustDo(t, err)
	ride, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, ReservationID: reservation.ID, DepartAt: start.Add(time.Hour), Seats: 3,
		BookingMode: carpool.BookingApproval, From: carpool.Place{Label: "Zentrale Potsdam", Lat: 52.391, Lon: 13.066},
		To: carpool.Place{Label: "Flughafen BER", Lat: 52.366, Lon: 13.503}}, admin)
	mustDo(t, err)
	_, err = storetest.NewFlows(a.Store).BookSeats(ctx, ride.ID, ben, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	own := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: admin.ID, Plate: "P-AV 2", Make: "Opel", Model: "Corsa", Seats: 4,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, a.Store.CreateCar(ctx, own))
	series, err := storetest.NewFlows(a.Store).CreateSeries(ctx, carpool.SeriesInput{CarID: own.ID, From: carpool.Place{Label: "Wohnung", Lat: 52.40, Lon: 13.05},
		To: carpool.Place{Label: "Zentrale Potsdam", Lat: 52.391, Lon: 13.066}, Weekdays: carpool.DaysOf(time.Monday, time.Wednesday, time.Friday),
		DepartTime: mustClock(t, "07:30"), TimeZone: "Europe/Berlin", Seats: 2, BookingMode: carpool.BookingInstant,
		StartsOn: carpool.DateOf(time.Now().In(berlin)).AddDays(1)}, admin)
	mustDo(t, err)
	_, err = storetest.NewFlows(a.Store).MaterialiseSeries(ctx, carpool.DefaultSeriesHorizon)
	mustDo(t, err)
	now := time.Now()
	mustDo(t, a.Store.CreatePlace(ctx, carpool.SavedPlace{ID: carpool.NewID(), MemberID: admin.ID, Name: "Wohnung", Lat: 52.40, Lon: 13.05,
		Version: 1, CreatedAt: now, UpdatedAt: now}))

	pages := []string{
		"/", "/rides", "/rides?seats=1&when=any", "/rides?seats=1&when=any&from=site:" + site.ID, "/rides/new", "/rides/new?source=res:" + reservation.ID,
		"/rides/" + ride.ID, "/cars", "/cars/" + car.ID, "/cars/" + car.ID + "?view=day", "/mycars", "/places",
		"/commutes", "/commutes/new", "/commutes/" + series.ID, "/commutes/week",
		"/fleet", "/fleet/sites/" + site.ID, "/fleet/cars/" + car.ID, "/fleet/utilisation", "/fleet/reports",
		"/profile", "/admin/members", "/admin/audit", "/notifications", "/notifications/preferences",
	}
	for _, path := range pages {
		t.Run(path, func(t *testing.T) {
			res, body := b.get(path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("got %d:\n%s", res.StatusCode, body)
			}
			checkGerman(t, body, english)
		})
	}
	t.Run("the week starts on Monday", func(t *testing.T) {
		_, body := b.get("/commutes/week?from=" + carpool.DateOf(time.Now().In(berlin)).String())
		m := regexp.MustCompile(`data-date="([0-9-]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no days on the week page:\n%s", body)
		}
		if d, err := carpool.ParseDate(m[1]); err != nil || d.Weekday() != time.Monday {
			t.Errorf("the week starts on %s (%v), want a Monday", m[1], d.Weekday())
		}
	})

	t.Run("deactivating names whose bookings go", func(t *testing.T) {
		res, body := b.post("/admin/members/"+ben.ID+"/deactivate", url.Values{"csrf": {b.csrf("/admin/members")}}, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("got %d:\n%s", res.StatusCode, body)
		}
		for _, want := range []string{"Die künftigen Buchungen und Poolauto-Reservierungen von Bernd Mitfahrer werden storniert",
			"Künftige Fahrten, die Bernd Mitfahrer fährt, werden abgesagt"} {
			if !strings.Contains(body, html.EscapeString(want)) {
				t.Errorf("confirmation: want %q", want)
			}
		}
		if strings.Contains(body, "Ihre künftigen") {
			t.Errorf("confirmation: the admin reads of their own bookings")
		}
		checkGerman(t, body, english)
	})

	visitor := newBrowser(t, a)
	for _, path := range []string{"/signin?lang=de", "/signup?lang=de", "/no-such-page?lang=de"} {
		t.Run(path, func(t *testing.T) {
			_, body := visitor.get(path)
			checkGerman(t, body, english)
		})
	}
}

func mustClock(t *testing.T, s string) carpool.Clock {
	t.Helper()
	c, err := carpool.ParseClock(s)
	mustDo(t, err)
	return c
}

var (
	scriptOrStyle = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`)
	readAttr      = regexp.MustCompile(`\b(?:aria-label|title|placeholder|alt)="([^"]*)"`)
	anyTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	templateCode  = regexp.MustCompile(`{{.*?}}`)
	isoDate       = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	// decimalPoint finds numbers like 52.391 or 4.5, not dates (08.12.2026). The data of
	// the walk holds no number above 999, which German would group as 1.234.
	decimalPoint = regexp.MustCompile(`(?:^|[^\d.])(\d{1,3}\.\d{3,}|\d{1,3}\.\d{1,2})(?:[^\d.]|$)`)
)

// checkGerman fails for each English-only word in what a reader of body sees or hears.
func checkGerman(t *testing.T, body string, english map[string]bool) {
	t.Helper()
	body = scriptOrStyle.ReplaceAllString(body, " ")
	var seen []string
	for _, m := range readAttr.FindAllStringSubmatch(body, -1) {
		seen = append(seen, m[1])
	}
	visible := anyTag.ReplaceAllString(body, " ")
	seen = append(seen, visible)
	if iso := isoDate.FindAllString(visible, -1); len(iso) > 0 {
		t.Errorf("ISO dates on a German page, want 24.03.2026: %v", iso)
	}
	if strings.Contains(visible, "CARPOOL_") {
		t.Errorf("a German page names a setting of the operator's")
	}
	if dot := decimalPoint.FindAllString(visible, -1); len(dot) > 0 {
		t.Errorf("decimal points on a German page, want commas: %v", dot)
	}
	var found []string
	for _, text := range seen {
		text = html.UnescapeString(text)
		for _, w := range words(text) {
			if english[w] {
				found = append(found, w)
			}
		}
	}
	if len(found) > 0 {
		sort.Strings(found)
		t.Errorf("English words on a German page: %v", slicesCompact(found))
	}
}

func slicesCompact(s []string) []string {
	out := s[:0]
	for i, w := range s {
		if i == 0 || w != s[i-1] {
			out = append(out, w)
		}
	}
	return out
}

// words splits text into lower-case words of letters (and inner dots, so "site.created"
// stays one code).
func words(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' && r != '_' }) {
		f = strings.Trim(f, "._")
		if len([]rune(f)) >= 3 {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

// englishOnlyWords are the words of the English catalogue that the German one does not
// use anywhere (so "Start", "Status" or "km" are allowed on German pages).
func englishOnlyWords(t *testing.T) map[string]bool {
	t.Helper()
	read := func(lang string) map[string]bool {
		b, err := os.ReadFile("../locale/catalog/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]any
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		add := func(s string) {
			for _, w := range words(templateCode.ReplaceAllString(s, " ")) {
				for _, part := range strings.Split(w, ".") {
					if len(part) >= 3 {
						out[part] = true
					}
				}
			}
		}
		for _, v := range cat {
			switch v := v.(type) {
			case string:
				add(v)
			case map[string]any:
				for _, s := range v {
					if s, ok := s.(string); ok {
						add(s)
					}
				}
			}
		}
		return out
	}
	en, de := read("en"), read("de")
	for w := range de {
		delete(en, w)
	}
	delete(en, "english") // the language switch names each language in itself
	// Codes such as "site.created" are no catalogue words but are English all the same.
	for _, code := range []string{"site.created", "site.changed", "car.created", "member.role_changed"} {
		en[code] = true
	}
	return en
}
