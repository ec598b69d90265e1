package browser_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
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

// TestAccessibilityOfThePhonePages runs axe-core on the pages of a German member's week
// at a phone's and a laptop's width and fails on any violation of WCAG 2.2 A or AA.
func TestAccessibilityOfThePhonePages(t *testing.T) {
	w := startGermanWeek(t)
	p := w.annaBrowser.in(t)
	p.eventuallyOn("/notifications", `form[action$="/read"] button`)
	pages := []string{"/", "/rides", "/rides?seats=1&when=any", "/rides/" + w.ride.ID, "/notifications", "/notifications/preferences",
		"/commutes", "/commutes/new", "/places", "/profile", "/mycars", "/cars"}
	for _, width := range []int{phoneW, desktopW} {
		p.viewport(width, phoneH)
		for _, path := range pages {
			p.open(path)
			for _, v := range p.axeScan() {
				t.Errorf("%s at %d px: %s (%s) %s at %s", path, width, v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
			}
		}
	}
}

// TestAccessibilityOfTheFleetPages runs axe-core on a German fleet manager's pages, with a
// report of two weeks, at a phone's and a laptop's width.
func TestAccessibilityOfTheFleetPages(t *testing.T) {
	w := startGermanWeek(t)
	ctx := context.Background()
	fm := w.app.AddMember(t, "frida@example.com", "Frida Fuhrpark", "", carpool.RoleAdmin)
	if _, err := storetest.NewFlows(w.app.Store).ChangeMember(ctx, fm.ID, func(m *carpool.Member) error { m.Language = "de"; return nil }); err != nil {
		t.Fatal(err)
	}
	site := carpool.Site{ID: carpool.NewID(), Name: "Zentrale Potsdam", Address: "Bahnhofstraße 1", Lat: 52.391, Lon: 13.066, Version: 1}
	if err := w.app.Store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "P-CP 1", Make: "VW", Model: "ID.3", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	if err := w.app.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	p := newPerson(t, w.browser, w.app.URL, "Frida").in(t)
	p.signInDE(fm.Email)
	pages := []string{"/fleet", "/fleet/sites/" + site.ID, "/fleet/sites/" + site.ID + "/parking", "/fleet/cars/" + car.ID, "/fleet/utilisation", "/fleet/reports",
		"/admin/members", "/admin/audit", "/cars/" + car.ID}
	for _, width := range []int{phoneW, desktopW} {
		p.viewport(width, phoneH)
		for _, path := range pages {
			p.open(path)
			for _, v := range p.axeScan() {
				t.Errorf("%s at %d px: %s (%s) %s at %s", path, width, v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
			}
		}
	}
}
