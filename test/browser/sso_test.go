package browser_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/sso"
	"carpool/internal/sso/ssotest"
	"carpool/internal/web"
	"carpool/internal/web/webtest"
)

const callbackPath = "/auth/oidc/callback"

// flows records, on carpool's side, where each single sign-on went: the provider URL that
// /auth/oidc/start sent the browser to (its state) and the callbacks that came back (their
// codes), so the test can replay and tamper with them as an attacker would.
type flows struct {
	mu        sync.Mutex
	starts    []*url.URL
	callbacks []*url.URL
}

func (f *flows) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == callbackPath {
			f.mu.Lock()
			f.callbacks = append(f.callbacks, r.URL)
			f.mu.Unlock()
		}
		next.ServeHTTP(w, r)
		if r.URL.Path == "/auth/oidc/start" {
			if loc, err := url.Parse(w.Header().Get("Location")); err == nil {
				f.mu.Lock()
				f.starts = append(f.starts, loc)
				f.mu.Unlock()
			}
		}
	})
}

func (f *flows) lastStart(t *testing.T) *url.URL {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.starts) == 0 {
		t.Fatal("no single sign-on was started")
	}
	return f.starts[len(f.starts)-1]
}

func (f *flows) lastCallback(t *testing.T) *url.URL {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.callbacks) == 0 {
		t.Fatal("the provider never sent a browser back")
	}
	return f.callbacks[len(f.callbacks)-1]
}

// ssoApp starts carpool with single sign-on through a provider of its own, configured by
// configure (which may alter the provider's client), and returns it with that provider.
func ssoApp(t *testing.T, rec *flows, configure func(op *ssotest.Provider, callback string, c *sso.Config)) (*webtest.App, *ssotest.Provider) {
	t.Helper()
	var op *ssotest.Provider
	a := webtest.Start(t, webtest.Options{
		SSOPolicy: app.SSOPolicy{Domains: carpool.SignupPolicy{Domains: []string{"example.com"}}},
		Wrap:      rec.wrap,
		SSO: func(base string) *web.SSO {
			op = ssotest.Start(t, base+callbackPath)
			c := sso.Config{Issuer: op.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, RedirectURL: base + callbackPath}
			if configure != nil {
				configure(op, base+callbackPath, &c)
			}
			return &web.SSO{Name: "Example ID", Provider: sso.New(c)}
		},
	})
	return a, op
}

// signInAtProvider clicks "Sign in with Example ID" and signs in as u on the provider's
// page; it returns the status of the page the browser lands on.
func (p *person) signInAtProvider(u ssotest.User) int {
	p.t.Helper()
	p.open("/signin")
	p.wantText("#sso", "Sign in with Example ID")
	p.do("click Sign in with Example ID", chromedpClick("#sso"), chromedp.WaitVisible(chromedp.CSS("#username")))
	p.fill("username", u.Username)
	p.fill("password", u.Password)
	return p.submit(`button[type="submit"]`)
}

// TestSingleSignOn signs in through a real OpenID provider in the browser, then tries
// what an attacker would with the answers it saw: a tampered state, a replayed code and a
// correctly signed ID token issued to another client.
func TestSingleSignOn(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	rec := &flows{}
	site, op := ssoApp(t, rec, nil)

	t.Run("sign in with the provider", func(t *testing.T) {
		ann := newPerson(t, browser, site.URL, "Ann").in(t)
		if status := ann.signInAtProvider(ssotest.Ann); status != http.StatusOK {
			t.Fatalf("landed with HTTP %d: %s", status, ann.text("main"))
		}
		ann.wantText("h1", "Hello")
		ann.do("open the menu", chromedpClick(".menu summary"))
		ann.wantText(".who", "Ann Provider")
		if got := ann.url(); got != site.URL+"/" {
			t.Errorf("landed on %s, want %s/", got, site.URL)
		}
		m, err := site.Store.MemberByEmail(t.Context(), ssotest.Ann.Email)
		if err != nil || m.Role != carpool.RoleMember || m.PasswordHash != "" {
			t.Errorf("member created just in time: got %+v, %v; want a member without a password", m, err)
		}
	})

	t.Run("replayed code", func(t *testing.T) {
		used := rec.lastCallback(t).Query().Get("code")
		eve := newPerson(t, browser, site.URL, "Eve").in(t)
		// Eve starts a sign-in of her own, so her browser holds a matching state, and
		// brings back the code Ann's browser already redeemed.
		eve.open("/signin")
		eve.do("click Sign in with Example ID", chromedpClick("#sso"), chromedp.WaitVisible(chromedp.CSS("#username")))
		state := rec.lastStart(t).Query().Get("state")
		eve.open(callbackPath + "?" + url.Values{"code": {used}, "state": {state}}.Encode())
		eve.wantText(".error", "could not be verified")
		eve.open("/")
		eve.wantText("h1", "Sign in")
	})

	t.Run("tampered state", func(t *testing.T) {
		mallory := newPerson(t, browser, site.URL, "Mallory").in(t)
		mallory.open("/signin")
		mallory.do("click Sign in with Example ID", chromedpClick("#sso"), chromedp.WaitVisible(chromedp.CSS("#username")))
		start := rec.lastStart(t)
		// A good code for this very sign-in, obtained at the provider, but the state
		// changed on the way back: refused before the code is even redeemed.
		code := op.Code(t, ssotest.ClientID, start.Query().Get("redirect_uri"), ssotest.Ann, start.Query())
		tampered := start.Query().Get("state") + "x"
		mallory.open(callbackPath + "?" + url.Values{"code": {code}, "state": {tampered}}.Encode())
		mallory.wantText(".error", "not the one your browser started")
		mallory.open("/")
		mallory.wantText("h1", "Sign in")
	})

	t.Run("address the provider has not verified", func(t *testing.T) {
		una := newPerson(t, browser, site.URL, "Una").in(t)
		una.signInAtProvider(ssotest.Unverified)
		una.wantText(".error", "did not confirm your e-mail address")
	})

	t.Run("domain not allowed", func(t *testing.T) {
		otto := newPerson(t, browser, site.URL, "Otto").in(t)
		otto.signInAtProvider(ssotest.Outsider)
		otto.wantText(".error", "cannot sign in here")
	})

	t.Run("ID token issued to another client", func(t *testing.T) {
		other := &flows{}
		confused, _ := ssoApp(t, other, func(op *ssotest.Provider, callback string, c *sso.Config) {
			token := op.IDToken(t, ssotest.OtherClient, callback, op.Code(t, ssotest.OtherClient, callback, ssotest.Ann, nil))
			c.HTTPClient = ssotest.SwapIDToken(token)
		})
		ann := newPerson(t, browser, confused.URL, "Ann at the confused site").in(t)
		ann.signInAtProvider(ssotest.Ann)
		ann.wantText(".error", "could not be verified")
		if strings.HasSuffix(ann.url(), "/") && ann.has(".who") {
			t.Error("signed in with an ID token meant for another client")
		}
	})
}

// tab opens another tab in p's browser context: the same cookies, as when a person
// middle-clicks a link.
func (p *person) tab(name string) *person {
	p.t.Helper()
	ctx, cancel := chromedp.NewContext(p.ctx)
	p.t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 800)); err != nil {
		p.t.Fatalf("%s: open a tab: %v", name, err)
	}
	return &person{t: p.t, name: name, ctx: ctx, base: p.base}
}

// TestSingleSignOnInTwoTabs: a person who starts single sign-on in one tab, then in a
// second before finishing the first, is signed in from both tabs: each attempt keeps its
// own state, nonce and verifier.
func TestSingleSignOnInTwoTabs(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	rec := &flows{}
	site, _ := ssoApp(t, rec, nil)
	first := newPerson(t, browser, site.URL, "Ann, first tab")
	second := first.tab("Ann, second tab")

	for _, tab := range []*person{first, second} {
		tab.open("/signin")
		tab.do("click Sign in with Example ID", chromedpClick("#sso"), chromedp.WaitVisible(chromedp.CSS("#username")))
	}
	rec.mu.Lock()
	started := len(rec.starts)
	rec.mu.Unlock()
	if started != 2 {
		t.Fatalf("started %d sign-ins, want 2", started)
	}
	// The first tab finishes first: its attempt must not have been replaced by the second.
	for _, tab := range []*person{first, second} {
		tab.fill("username", ssotest.Ann.Username)
		tab.fill("password", ssotest.Ann.Password)
		if status := tab.submit(`button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("%s: landed with HTTP %d: %s", tab.name, status, tab.text("main"))
		}
		tab.wantText("h1", "Hello")
		tab.do("open the menu", chromedpClick(".menu summary"))
		tab.wantText(".who", "Ann Provider")
	}
}
