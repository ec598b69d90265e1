package browser_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web"
)

// axeViolation is one rule axe-core finds broken on a page, with where.
type axeViolation struct {
	ID      string
	Impact  string
	Help    string
	Targets []string
}

// axeScan injects the vendored axe-core (scripts/vendor-axe.sh) into the current page
// through DevTools (so the page's CSP does not apply) and returns the WCAG 2.x A and AA
// rules it finds broken.
func (p *person) axeScan() []axeViolation {
	p.t.Helper()
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		p.t.Fatalf("axe-core is not vendored (run scripts/vendor-axe.sh): %v", err)
	}
	if err := chromedp.Do(p.ctx, chromedpEval(string(src))); err != nil {
		p.t.Fatalf("%s: load axe-core: %v", p.name, err)
	}
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
	}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))})))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: run axe-core: %v", p.name, err)
	}
	return out
}

// TestAccessibilityOfEveryPage runs axe-core on every page the web router registers, at a
// phone's and a laptop's width, in German, and fails on any violation of WCAG 2.2 A or
// AA. The pages come from web.Routes, so a new page fails this test until it is visited
// here (or named as not being a page).
func TestAccessibilityOfEveryPage(t *testing.T) {
	w := startGermanWeek(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	fm := w.app.AddMember(t, "frida@example.com", "Frida Fuhrpark", "", carpool.RoleAdmin)
	_, err := storetest.NewFlows(w.app.Store).ChangeMember(ctx, fm.ID, func(m *carpool.Member) error { m.Language = "de"; return nil })
	must(err)
	site := carpool.Site{ID: carpool.NewID(), Name: "Zentrale Potsdam", Address: "Bahnhofstraße 1", Lat: 52.391, Lon: 13.066, Version: 1}
	must(w.app.Store.CreateSite(ctx, site))
	pool := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "P-CP 1", Make: "VW", Model: "ID.3", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	must(w.app.Store.CreateCar(ctx, pool))
	_, err = storetest.NewFlows(w.app.Store).AddParkingSpace(ctx, site.ID, "P1", fm)
	must(err)
	// A commute of Anna's, in a car of its own so its days meet no other ride, with Ben
	// riding along: the commute page then lists its days and a subscriber.
	commuteCar := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B AF 2", Make: "Skoda", Model: "Octavia", Seats: 5,
		OwnerID: w.anna.ID, Status: carpool.CarActive, Version: 1}
	must(w.app.Store.CreateCar(ctx, commuteCar))
	tomorrow := carpool.DateOf(time.Now().In(berlinZone(t))).AddDays(1)
	series, err := storetest.NewFlows(w.app.Store).CreateSeries(ctx, carpool.SeriesInput{CarID: commuteCar.ID,
		From: carpool.Place{Label: "Berlin Mitte", Lat: 52.52, Lon: 13.40}, To: carpool.Place{Label: "Potsdam", Lat: 52.39, Lon: 13.06},
		Weekdays: carpool.WorkWeek, DepartTime: carpool.Clock{Hour: 7, Minute: 30}, TimeZone: "Europe/Berlin", Seats: 3,
		StartsOn: tomorrow, EndsOn: tomorrow.AddDays(13)}, w.anna)
	must(err)
	_, err = storetest.NewFlows(w.app.Store).MaterialiseSeries(ctx, carpool.DefaultSeriesHorizon)
	must(err)
	_, _, err = storetest.NewFlows(w.app.Store).Subscribe(ctx, series.ID, w.ben, carpool.WorkWeek, 1)
	must(err)

	anna := w.annaBrowser.in(t)
	anna.eventuallyOn("/notifications", `form[action$="/read"] button`) // the inbox holds Ben's request
	frida := newPerson(t, w.browser, w.app.URL, "Frida").in(t)
	frida.signInDE(fm.Email)
	visitor := newPerson(t, w.browser, w.app.URL, "visitor").in(t)
	visitor.germanPhoneInBerlin()
	// The site's check-in code leads to the check-in page, as a phone's camera would.
	frida.open("/fleet/sites/" + site.ID + "/check-in-code")
	codeURL, err := url.Parse(strings.TrimSpace(frida.text(".code-url")))
	must(err)

	// notPages are the GET routes that answer something other than an HTML page.
	notPages := map[string]string{
		"GET /static/":                      "style sheets, scripts and images",
		"GET /auth/oidc/start":              "a redirect to the identity provider",
		"GET /auth/oidc/callback":           "a redirect back from it",
		"GET /profile/export":               "the member's data as JSON",
		"GET /fleet/reports/{table}":        "a CSV file",
		"GET /fleet/sites/{id}/parking.csv": "a CSV file",
		"GET /calendar/{file}":              "an iCalendar feed",
	}
	type visit struct {
		who   *person
		paths []string
	}
	pages := map[string]visit{
		"GET /signin":                         {visitor, []string{"/signin"}},
		"GET /signup":                         {visitor, []string{"/signup"}},
		"GET /password/forgot":                {visitor, []string{"/password/forgot"}},
		"GET /password/reset":                 {visitor, []string{"/password/reset?token=unknown"}},
		"GET /email/confirm":                  {visitor, []string{"/email/confirm?token=unknown"}},
		"GET /{$}":                            {anna, []string{"/"}},
		"GET /rides":                          {anna, []string{"/rides", "/rides?seats=1&when=any"}},
		"GET /rides/new":                      {anna, []string{"/rides/new"}},
		"GET /rides/{id}":                     {anna, []string{"/rides/" + w.ride.ID}},
		"GET /cars":                           {anna, []string{"/cars"}},
		"GET /cars/{id}":                      {anna, []string{"/cars/" + pool.ID, "/cars/" + pool.ID + "?view=day"}},
		"GET /places":                         {anna, []string{"/places"}},
		"GET /commutes":                       {anna, []string{"/commutes"}},
		"GET /commutes/new":                   {anna, []string{"/commutes/new"}},
		"GET /commutes/week":                  {anna, []string{"/commutes/week"}},
		"GET /commutes/{id}":                  {anna, []string{"/commutes/" + series.ID}},
		"GET /mycars":                         {anna, []string{"/mycars"}},
		"GET /profile":                        {anna, []string{"/profile"}},
		"GET /notifications":                  {anna, []string{"/notifications"}},
		"GET /notifications/preferences":      {anna, []string{"/notifications/preferences"}},
		"GET /admin/members":                  {frida, []string{"/admin/members"}},
		"GET /admin/audit":                    {frida, []string{"/admin/audit"}},
		"GET /admin/webhooks":                 {frida, []string{"/admin/webhooks"}},
		"GET /fleet":                          {frida, []string{"/fleet"}},
		"GET /fleet/sites/{id}":               {frida, []string{"/fleet/sites/" + site.ID}},
		"GET /fleet/sites/{id}/parking":       {frida, []string{"/fleet/sites/" + site.ID + "/parking"}},
		"GET /parking":                        {frida, []string{"/parking"}},
		"GET /fleet/cars/{id}":                {frida, []string{"/fleet/cars/" + pool.ID}},
		"GET /fleet/reports":                  {frida, []string{"/fleet/reports"}},
		"GET /fleet/utilisation":              {frida, []string{"/fleet/utilisation"}},
		"GET /fleet/no-shows":                 {frida, []string{"/fleet/no-shows"}},
		"GET /rides-home":                     {frida, []string{"/rides-home"}},
		"GET /profile/attestation":            {anna, []string{"/profile/attestation"}},
		"GET /check-in":                       {anna, []string{"/check-in?" + codeURL.RawQuery}},
		"GET /fleet/sites/{id}/check-in-code": {frida, []string{"/fleet/sites/" + site.ID + "/check-in-code"}},
		"/":                                   {anna, []string{"/no-such-page"}}, // the not-found page
	}
	var routes []string
	registered := map[string]bool{}
	for _, route := range web.Routes() {
		registered[route] = true
		if strings.HasPrefix(route, "POST ") {
			continue
		}
		if _, ok := notPages[route]; ok {
			continue
		}
		if _, ok := pages[route]; !ok {
			t.Errorf("page %q is not scanned: add it to this test's pages", route)
			continue
		}
		routes = append(routes, route)
	}
	for route := range pages {
		if !registered[route] {
			t.Errorf("the test visits %q, which the router no longer registers", route)
		}
	}
	sort.Strings(routes)
	scanned := 0
	for _, width := range []int{phoneW, desktopW} {
		for _, route := range routes {
			v := pages[route]
			v.who.viewport(width, phoneH)
			for _, path := range v.paths {
				// A page that fails would scan the error page instead of itself.
				want := http.StatusOK
				switch route {
				case "/":
					want = http.StatusNotFound
				case "GET /password/reset":
					want = http.StatusUnprocessableEntity // its form, saying the link is unknown
				}
				res, err := chromedp.RunResponse(v.who.ctx, chromedp.Navigate(w.app.URL+path))
				if err != nil {
					t.Fatalf("open %s: %v", path, err)
				}
				if int(res.Status) != want {
					t.Errorf("%s: got HTTP %d, want %d", path, res.Status, want)
				}
				v.who.do("wait for "+path, chromedp.WaitReady(chromedp.CSS("main")))
				scanned++
				if width == phoneW { // the same words at every width
					v.who.englishOnPage(path)
				}
				for _, f := range v.who.axeScan() {
					t.Errorf("%s at %d px: %s (%s) %s at %s", path, width, f.ID, f.Impact, f.Help, strings.Join(f.Targets, ", "))
				}
			}
		}
	}
	t.Logf("%d routes, %d scans", len(routes), scanned)
}
