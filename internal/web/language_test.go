package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web"
	"carpool/internal/web/webtest"
)

// getIn fetches path with an Accept-Language header ("" sends none).
func (b *browser) getIn(path, acceptLanguage string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.app.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	return b.do(req)
}

// wantLanguage checks the page's lang attribute and that it carries the words of that
// language and not the other's.
func wantLanguage(t *testing.T, body, lang string, want, notWant []string) {
	t.Helper()
	if !strings.Contains(body, `<html lang="`+lang+`">`) {
		t.Errorf("want <html lang=%q>, page starts:\n%.300s", lang, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("want %q on the %s page", w, lang)
		}
	}
	for _, w := range notWant {
		if strings.Contains(body, w) {
			t.Errorf("want no %q on the %s page", w, lang)
		}
	}
}

func TestPageFollowsAcceptLanguage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	b := newBrowser(t, app)
	english := []string{"<title>Sign in · carpool</title>", "Skip to content"}
	german := []string{"<title>Anmelden · carpool</title>", "Zum Inhalt springen"}
	tests := []struct {
		name, accept, lang string
		want, notWant      []string
	}{
		{"no header", "", "en", english, german},
		{"German", "de", "de", german, english},
		{"German of Austria first", "de-AT,en;q=0.8", "de", german, english},
		{"English before German", "en-GB,de;q=0.5", "en", english, german},
		{"unsupported: the default", "fr-FR", "en", english, german},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := b.getIn("/signin", tt.accept)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("got %d", res.StatusCode)
			}
			wantLanguage(t, body, tt.lang, tt.want, tt.notWant)
		})
	}
}

func TestMemberLanguageBeatsAcceptLanguage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	setLang := func(m carpool.Member, lang string) {
		t.Helper()
		if _, err := storetest.NewFlows(app.Store).ChangeMember(ctx, m.ID, func(m *carpool.Member) error { m.Language = lang; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	de := app.AddMember(t, "de@example.com", "Dora", "", carpool.RoleMember)
	setLang(de, "de")
	en := app.AddMember(t, "en@example.com", "Emil", "", carpool.RoleMember)
	setLang(en, "en")
	auto := app.AddMember(t, "auto@example.com", "Alex", "", carpool.RoleMember)

	english := []string{"<title>Your profile · carpool</title>", ">Find a ride</a>"}
	german := []string{"<title>Ihr Profil · carpool</title>", ">Fahrt finden</a>"}
	tests := []struct {
		name   string
		m      carpool.Member
		accept string
		lang   string
	}{
		{"German setting, English browser", de, "en-US,en;q=0.9", "de"},
		{"English setting, German browser", en, "de-DE,de;q=0.9", "en"},
		{"no setting, German browser", auto, "de-DE", "de"},
		{"no setting, no header", auto, "", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, app)
			b.signInAs(tt.m)
			res, body := b.getIn("/profile", tt.accept)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("got %d", res.StatusCode)
			}
			if tt.lang == "de" {
				wantLanguage(t, body, "de", german, english)
			} else {
				wantLanguage(t, body, "en", english, german)
			}
		})
	}
}

// TestProfileChoosesLanguage: the profile's select stores the member's language, which
// then decides every page whatever the browser asks for; "automatic" gives the choice
// back to the browser.
func TestProfileChoosesLanguage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	m := app.AddMember(t, "pia@example.com", "Pia", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(m)
	_, body := b.getIn("/profile", "")
	if !strings.Contains(body, `<select id="language" name="language"`) || !strings.Contains(body, `<option value="de" lang="de">Deutsch</option>`) {
		t.Fatalf("profile: want a language select offering Deutsch:\n%s", body)
	}
	save := func(lang string) {
		t.Helper()
		res, body := b.post("/profile", url.Values{"csrf": {b.csrf("/profile")}, "name": {"Pia"}, "phone": {""}, "language": {lang}}, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save language %q: got %d:\n%s", lang, res.StatusCode, body)
		}
	}
	save("de")
	res, body := b.getIn("/profile?done=profile", "en")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("got %d", res.StatusCode)
	}
	wantLanguage(t, body, "de", []string{"Profil gespeichert.", `<option value="de" lang="de" selected>Deutsch</option>`}, []string{"Profile saved."})
	got, err := app.Store.Member(context.Background(), m.ID)
	if err != nil || got.Language != "de" {
		t.Errorf("stored language: got %q %v, want de", got.Language, err)
	}
	if _, export := b.getIn("/profile/export", ""); !strings.Contains(export, `"language": "de"`) {
		t.Errorf("the personal-data export lacks the language setting:\n%s", export)
	}
	save("")
	_, body = b.getIn("/profile", "en")
	wantLanguage(t, body, "en", []string{"Your profile"}, []string{"Ihr Profil"})

	res, body = b.post("/profile", url.Values{"csrf": {b.csrf("/profile")}, "name": {"Pia"}, "language": {"klingon"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="language-error"`) {
		t.Errorf("unknown language: got %d, want 422 beside the select", res.StatusCode)
	}
}

// TestLanguageSwitch: a visitor who is not signed in picks a language with ?lang=,
// which a cookie keeps for the next pages even against the browser's header.
func TestLanguageSwitch(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	b := newBrowser(t, app)
	_, body := b.getIn("/signin", "en")
	if !strings.Contains(body, `href="/signin?lang=de" hreflang="de" lang="de">Deutsch</a>`) {
		t.Fatalf("sign-in page: want a switch to Deutsch:\n%s", body)
	}
	res, body := b.getIn("/signin?lang=de", "en")
	wantLanguage(t, body, "de", []string{"Anmelden"}, nil)
	var kept bool
	for _, c := range res.Cookies() {
		kept = kept || (c.Name == web.LanguageCookie && c.Value == "de")
	}
	if !kept {
		t.Errorf("?lang=de: want cookie %s=de, Set-Cookie: %q", web.LanguageCookie, res.Header.Values("Set-Cookie"))
	}
	_, body = b.getIn("/no-such-page", "en")
	wantLanguage(t, body, "de", []string{"Nicht gefunden", "Diese Seite haben wir nicht gefunden."}, []string{"Not Found"})
	_, body = b.getIn("/signin?lang=en", "de")
	wantLanguage(t, body, "en", []string{"<title>Sign in · carpool</title>"}, nil)
	_, body = b.getIn("/signin", "de")
	wantLanguage(t, body, "en", []string{"<title>Sign in · carpool</title>"}, nil)
	_, body = b.getIn("/signin?lang=xx", "")
	wantLanguage(t, body, "en", nil, nil)
}

func TestDefaultLanguage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{Language: language.German})
	b := newBrowser(t, app)
	_, body := b.getIn("/signin", "")
	wantLanguage(t, body, "de", []string{"Anmelden"}, nil)
	_, body = b.getIn("/signin", "fr, en;q=0.5")
	wantLanguage(t, body, "en", []string{"Sign in"}, nil)
}

// TestErrorPageFollowsMemberLanguage: a refusal shown as an error page says the domain's
// message in the member's own language, whatever the browser asks for.
func TestErrorPageFollowsMemberLanguage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	m := app.AddMember(t, "dora@example.com", "Dora", "", carpool.RoleMember)
	if _, err := storetest.NewFlows(app.Store).ChangeMember(context.Background(), m.ID, func(m *carpool.Member) error { m.Language = "de"; return nil }); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, app)
	b.signInAs(m)
	res, body := b.getIn("/fleet", "en-US")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("status: got %d, want %d", res.StatusCode, http.StatusForbidden)
	}
	wantLanguage(t, body, "de", []string{"Nur Fuhrparkverwalter und Admins dürfen den Fuhrpark verwalten"},
		[]string{"only fleet managers and admins can manage the fleet"})
}
