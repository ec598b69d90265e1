package browser_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestSignUpInTheBrowsersZone: a visitor whose browser runs in Berlin, reading German,
// signs up on an installation whose default zone is UTC; the page's script sends the
// browser's zone, so the new member reads times in Europe/Berlin and in German from the
// first page on.
func TestSignUpInTheBrowsersZone(t *testing.T) {
	browser := startBrowser(t, 2*time.Minute)
	app := webtest.Start(t, webtest.Options{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	p := newPerson(t, browser, app.URL, "Nina").in(t)
	p.do("run in Berlin", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Berlin"})
		return err
	}))
	p.open("/signup?lang=de")
	p.fill("email", "nina@example.com")
	p.fill("name", "Nina Neu")
	p.fill("password", webtest.Password)
	p.submitOK(`form[action="/signup"] button[type="submit"]`)
	m, err := app.Store.MemberByEmail(context.Background(), "nina@example.com")
	if err != nil {
		t.Fatalf("no member after sign-up: %v; page says %s", err, p.text("main"))
	}
	if m.TimeZone != "Europe/Berlin" || m.Language != "de" {
		t.Fatalf("new member: got zone %q language %q, want Europe/Berlin and de", m.TimeZone, m.Language)
	}
	p.signInDE("nina@example.com")
	p.wantText("footer", "Europe/Berlin")
}

// TestPinLabelInTheMembersLanguage: a German member taps the map; the pin is named in
// German with decimal commas, not "Pin at 52.3991, 13.0999".
func TestPinLabelInTheMembersLanguage(t *testing.T) {
	browser := startBrowser(t, 2*time.Minute)
	tiles, _ := tileServer(t)
	app := webtest.Start(t, webtest.Options{MapTilesURL: tiles.URL + "/{z}/{x}/{y}.png"})
	m := app.AddMember(t, "greta@example.com", "Greta", "", carpool.RoleMember)
	if _, err := storetest.NewFlows(app.Store).ChangeMember(context.Background(), m.ID, func(m *carpool.Member) error { m.Language = "de"; return nil }); err != nil {
		t.Fatal(err)
	}
	p := newPerson(t, browser, app.URL, "Greta").in(t)
	p.signInDE(m.Email)
	p.open("/places")
	p.do("wait for the map", chromedp.WaitVisible(chromedp.CSS("#place-map")))
	p.do("tap the map", chromedpClick("#place-map"))
	_, label, _ := strings.Cut(p.value("#place"), "|")
	if !strings.HasPrefix(label, "Markierung bei ") || !strings.Contains(label, ",") || strings.Contains(label, ".") {
		t.Fatalf("pin label: got %q, want German with decimal commas", label)
	}
}
