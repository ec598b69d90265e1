package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin even on a machine without a zone database

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web"
	"carpool/internal/web/webtest"
)

// browser is an HTTP client with a cookie jar that does not follow redirects, so tests
// see each answer.
type browser struct {
	t      *testing.T
	app    *webtest.App
	client *http.Client
}

func newBrowser(t *testing.T, app *webtest.App) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *app.Server.Client() // a copy: the server's client is shared
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: t, app: app, client: &c}
}

// do sends a request and returns the response with its body read.
func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("read %s: %v", req.URL, err)
	}
	return res, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.app.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values, header http.Header) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return b.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token in the form of the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf field on %s:\n%s", path, body)
	}
	return m[1]
}

// signInAs gives the browser a session for m without the password check, for tests
// that are not about signing in.
func (b *browser) signInAs(m carpool.Member) {
	b.t.Helper()
	u, err := url.Parse(b.app.URL)
	if err != nil {
		b.t.Fatal(err)
	}
	b.client.Jar.SetCookies(u, []*http.Cookie{b.app.Session(b.t, m)})
}

func sessionCookie(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == web.SessionCookie && c.Value != "" {
			return c
		}
	}
	t.Fatalf("response sets no %s cookie; Set-Cookie: %q", web.SessionCookie, res.Header.Values("Set-Cookie"))
	return nil
}

func TestSecurityHeaders(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	b := newBrowser(t, app)
	for _, path := range []string{"/signin", "/static/style.css", "/no-such-page"} {
		t.Run(path, func(t *testing.T) {
			res, _ := b.get(path)
			csp := res.Header.Get("Content-Security-Policy")
			if want := web.MapCSP("https://tile.openstreetmap.org/{z}/{x}/{y}.png"); csp != want {
				t.Fatalf("Content-Security-Policy: got %q, want %q", csp, want)
			}
			for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("Content-Security-Policy %q allows inline code", csp)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options: got %q, want nosniff", got)
			}
		})
	}
}

// TestPages opens every page a fleet manager can reach and checks what the CSP and
// basic accessibility ask of each: no inline script or style, one h1, and a label for
// every visible input, select and textarea.
func TestPages(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	ctx := context.Background()
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5}
	mustDo(t, site.Validate())
	mustDo(t, app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M P 1", Make: "VW", Model: "Golf", Seats: 5}
	mustDo(t, car.Validate())
	mustDo(t, app.Store.CreateCar(ctx, car))
	start := time.Now().Add(24 * time.Hour)
	res, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, fm, carpool.ReservationTrip, start, start.Add(4*time.Hour))
	mustDo(t, err)
	ride, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{
		CarID: car.ID, ReservationID: res.ID, DepartAt: start.Add(time.Hour), Seats: 2, BookingMode: carpool.BookingApproval,
		From: carpool.Place{Label: "HQ", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "Airport", Lat: 48.35, Lon: 11.78},
	}, fm)
	mustDo(t, err)

	b := newBrowser(t, app)
	anonymous := []string{"/signin"}
	for _, path := range anonymous {
		_, body := b.get(path)
		checkPage(t, path, body)
	}
	b.signInAs(fm)
	for _, path := range []string{
		"/", "/rides", "/rides?seats=1&from=site:" + site.ID, "/rides/new", "/rides/new?source=res:" + res.ID,
		"/rides/" + ride.ID, "/cars", "/cars/" + car.ID, "/cars/" + car.ID + "?view=day", "/mycars",
		"/fleet", "/fleet/sites/" + site.ID, "/fleet/cars/" + car.ID, "/fleet/utilisation",
	} {
		res, body := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d, want 200:\n%s", path, res.StatusCode, body)
		}
		checkPage(t, path, body)
	}
}

var (
	inlineCode = regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]|\son[a-z]+="|\sstyle="|<style`)
	controlID  = regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"`)
	hiddenType = regexp.MustCompile(`<input\b[^>]*type="hidden"`)
	anyControl = regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*>`)
)

func checkPage(t *testing.T, path, body string) {
	t.Helper()
	if loc := inlineCode.FindStringIndex(body); loc != nil {
		t.Errorf("GET %s has inline script or style: %q", path, body[loc[0]:min(loc[1]+40, len(body))])
	}
	if n := strings.Count(body, "<h1"); n != 1 {
		t.Errorf("GET %s has %d h1 headings, want 1", path, n)
	}
	for _, tag := range anyControl.FindAllString(body, -1) {
		if hiddenType.MatchString(tag) {
			continue
		}
		m := controlID.FindStringSubmatch(tag)
		if m == nil {
			t.Errorf("GET %s: control without an id cannot have a label: %s", path, tag)
			continue
		}
		if !strings.Contains(body, `for="`+m[1]+`"`) {
			t.Errorf("GET %s: no label for #%s", path, m[1])
		}
	}
}

func TestSignIn(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)

	cases := []struct {
		name      string
		email     string
		password  string
		csrf      bool
		wantCode  int
		wantError string
	}{
		{"wrong password", "ann@example.com", "not the password", true, http.StatusUnauthorized, "Email or password is wrong."},
		{"unknown email", "nobody@example.com", webtest.Password, true, http.StatusUnauthorized, "Email or password is wrong."},
		{"empty", "", "", true, http.StatusUnauthorized, "Email or password is wrong."},
		{"no csrf token", "ann@example.com", webtest.Password, false, http.StatusForbidden, "security token"},
		{"good", "ANN@example.com ", webtest.Password, true, http.StatusSeeOther, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, app)
			form := url.Values{"email": {tc.email}, "password": {tc.password}}
			if tc.csrf {
				form.Set("csrf", b.csrf("/signin"))
			}
			res, body := b.post("/signin", form, nil)
			if res.StatusCode != tc.wantCode {
				t.Fatalf("got %d, want %d:\n%s", res.StatusCode, tc.wantCode, body)
			}
			if tc.wantError != "" && !strings.Contains(body, tc.wantError) {
				t.Errorf("page lacks %q:\n%s", tc.wantError, body)
			}
			if tc.wantCode == http.StatusUnauthorized {
				if !strings.Contains(body, `id="password-error"`) {
					t.Errorf("error is not beside the password field:\n%s", body)
				}
				if tc.email != "" && !strings.Contains(body, `value="`+tc.email+`"`) {
					t.Errorf("typed email %q was not kept", tc.email)
				}
				for _, c := range res.Cookies() {
					if c.Name == web.SessionCookie && c.Value != "" {
						t.Errorf("failed sign-in set a session cookie")
					}
				}
			}
			if tc.wantCode == http.StatusSeeOther {
				if got := res.Header.Get("Location"); got != "/" {
					t.Errorf("redirect: got %q, want /", got)
				}
				sessionCookie(t, res)
			}
		})
	}
}

func TestSignInRedirectsBack(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, app)
	res, _ := b.get("/cars")
	if got, want := res.Header.Get("Location"), "/signin?next=%2Fcars"; res.StatusCode != http.StatusSeeOther || got != want {
		t.Fatalf("anonymous GET /cars: got %d %q, want 303 %q", res.StatusCode, got, want)
	}
	token := b.csrf("/signin?next=%2Fcars")
	for _, tc := range []struct{ next, want string }{
		{"/cars", "/cars"}, {"/rides?seats=1", "/rides?seats=1"},
		{"//evil.example/", "/"}, {"https://evil.example/", "/"},
		// Browsers drop tabs and newlines and read a backslash as a slash.
		{"/\t/evil.example", "/"}, {"/\n/evil.example", "/"}, {"/\\evil.example", "/"}, {"/\\/evil.example", "/"},
		{"javascript:alert(1)", "/"}, {"", "/"},
	} {
		b := newBrowser(t, app)
		token = b.csrf("/signin")
		res, _ := b.post("/signin", url.Values{"csrf": {token}, "email": {"ann@example.com"}, "password": {webtest.Password}, "next": {tc.next}}, nil)
		if got := res.Header.Get("Location"); got != tc.want {
			t.Errorf("next=%q: redirect got %q, want %q", tc.next, got, tc.want)
		}
	}
}

func TestSessionCookieFlags(t *testing.T) {
	cases := []struct {
		name       string
		tls        bool
		header     http.Header
		wantSecure bool
	}{
		{"plain http", false, nil, false},
		{"behind a TLS proxy", false, http.Header{"X-Forwarded-Proto": {"https"}}, true},
		{"direct TLS", true, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := webtest.Start(t, webtest.Options{TLS: tc.tls})
			app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
			b := newBrowser(t, app)
			token := b.csrf("/signin")
			res, body := b.post("/signin", url.Values{"csrf": {token}, "email": {"ann@example.com"}, "password": {webtest.Password}}, tc.header)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in: got %d, want 303:\n%s", res.StatusCode, body)
			}
			c := sessionCookie(t, res)
			if !c.HttpOnly {
				t.Errorf("HttpOnly: got false, want true")
			}
			if c.SameSite != http.SameSiteLaxMode {
				t.Errorf("SameSite: got %v, want Lax", c.SameSite)
			}
			if c.Secure != tc.wantSecure {
				t.Errorf("Secure: got %v, want %v", c.Secure, tc.wantSecure)
			}
			if c.Path != "/" {
				t.Errorf("Path: got %q, want /", c.Path)
			}
			if !strings.HasPrefix(c.Value, carpool.TokenPrefix) {
				t.Errorf("cookie value %q is not an API token", c.Value)
			}
		})
	}
}

func TestCSRF(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ann := app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(ann)
	token := b.csrf("/mycars")
	other := newBrowser(t, app)
	other.signInAs(ann)
	otherToken := other.csrf("/mycars")
	if otherToken == token {
		t.Fatalf("two sessions got the same CSRF token")
	}

	car := func(plate string) url.Values {
		return url.Values{"plate": {plate}, "make": {"VW"}, "model": {"Golf"}, "seats": {"5"}}
	}
	with := func(v url.Values, token string) url.Values { v.Set("csrf", token); return v }
	cases := []struct {
		name   string
		form   url.Values
		header http.Header
		want   int
	}{
		{"no token", car("M A 1"), nil, http.StatusForbidden},
		{"wrong token", with(car("M A 2"), "bogus"), nil, http.StatusForbidden},
		{"another session's token", with(car("M A 3"), otherToken), nil, http.StatusForbidden},
		{"cross-site request with a valid token", with(car("M A 4"), token), http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"foreign origin with a valid token", with(car("M A 5"), token), http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"valid token", with(car("M A 6"), token), nil, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.post("/mycars", tc.form, tc.header)
			if res.StatusCode != tc.want {
				t.Fatalf("got %d, want %d:\n%s", res.StatusCode, tc.want, body)
			}
		})
	}
	cars, _, err := app.Store.Cars(context.Background(), carpool.CarFilter{Kind: carpool.CarPrivate}, carpool.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cars) != 1 || cars[0].Plate != "M A 6" {
		t.Errorf("stored cars: got %+v, want only M A 6", cars)
	}
}

func TestSignOutDeletesToken(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, app)
	token := b.csrf("/signin")
	res, _ := b.post("/signin", url.Values{"csrf": {token}, "email": {"ann@example.com"}, "password": {webtest.Password}}, nil)
	secret := sessionCookie(t, res).Value

	res, body := b.post("/signout", url.Values{"csrf": {b.csrf("/")}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: got %d, want 303:\n%s", res.StatusCode, body)
	}
	if _, _, err := app.Store.MemberByToken(context.Background(), carpool.HashToken(secret), time.Now()); carpool.ErrorCode(err) != carpool.EUNAUTHORIZED {
		t.Errorf("token after sign-out: got err %v, want unauthorized", err)
	}
	// A copy of the old cookie opens nothing, in the UI or the API.
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
	res, _ = newBrowser(t, app).do(req)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Errorf("GET / with the old cookie: got %d %q, want a redirect to /signin", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ = http.NewRequest(http.MethodGet, app.URL+"/api/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
	res, _ = newBrowser(t, app).do(req)
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me with the old cookie: got %d, want 401", res.StatusCode)
	}
}

func TestSessionCookieWorksForAPI(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ann := app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(ann)
	res, body := b.get("/api/v1/me")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "ann@example.com") {
		t.Errorf("GET /api/v1/me with the web session: got %d %s, want 200 with the member", res.StatusCode, body)
	}
}

func TestSignUp(t *testing.T) {
	t.Run("closed", func(t *testing.T) {
		app := webtest.Start(t, webtest.Options{})
		res, _ := newBrowser(t, app).get("/signup")
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /signup with sign-up closed: got %d, want 404", res.StatusCode)
		}
	})
	app := webtest.Start(t, webtest.Options{Signup: carpool.SignupPolicy{Domains: []string{"example.com"}}})
	cases := []struct {
		name      string
		email     string
		password  string
		want      int
		wantField string
	}{
		// The same statuses as the API's for the same refusal (internal/app.HTTPStatus).
		{"foreign domain", "eve@evil.example", "long enough password", http.StatusForbidden, "email"},
		{"short password", "bob@example.com", "short", http.StatusUnprocessableEntity, "password"},
		{"bad email", "bob@", "long enough password", http.StatusUnprocessableEntity, "email"},
		// A taken address gets the page a new one gets (see app.SignUp), and neither
		// signs anyone in.
		{"good", "bob@example.com", "long enough password", http.StatusOK, ""},
		{"taken", "bob@example.com", "long enough password", http.StatusOK, ""},
	}
	var answers []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, app)
			form := url.Values{"csrf": {b.csrf("/signup")}, "email": {tc.email}, "name": {"Bob"}, "password": {tc.password}}
			res, body := b.post("/signup", form, nil)
			if res.StatusCode != tc.want {
				t.Fatalf("got %d, want %d:\n%s", res.StatusCode, tc.want, body)
			}
			if tc.wantField != "" && !strings.Contains(body, `id="`+tc.wantField+`-error"`) {
				t.Errorf("no error beside %s:\n%s", tc.wantField, body)
			}
			if tc.want == http.StatusOK {
				for _, c := range res.Cookies() {
					if c.Name == web.SessionCookie && c.Value != "" {
						t.Errorf("sign-up set a session cookie")
					}
				}
				answers = append(answers, body)
			}
		})
	}
	if len(answers) != 2 || answers[0] != answers[1] || !strings.Contains(answers[0], `id="signup-done"`) {
		t.Errorf("the answers to a new and a taken address differ or say nothing:\n%v", answers)
	}
}

func TestFleetPagesNeedFleetManager(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ann := app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(ann)
	for _, path := range []string{"/fleet", "/fleet/utilisation"} {
		if res, _ := b.get(path); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as a member: got %d, want 403", path, res.StatusCode)
		}
	}
	token := b.csrf("/")
	res, _ := b.post("/fleet/sites", url.Values{"csrf": {token}, "name": {"HQ"}, "address": {"Main St 1"}, "location": {"at:48.1,11.5|HQ"}}, nil)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /fleet/sites as a member: got %d, want 403", res.StatusCode)
	}
}

// TestTimesInConfiguredZone offers a ride at a wall-clock time in Europe/Berlin and
// checks the store got the UTC instant and the page shows the Berlin time again.
func TestTimesInConfiguredZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("time zone: %v", err)
	}
	app := webtest.Start(t, webtest.Options{Location: berlin})
	ann := app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(ann)
	token := b.csrf("/mycars")
	if res, body := b.post("/mycars", url.Values{"csrf": {token}, "plate": {"B AN 1"}, "make": {"VW"}, "model": {"Up"}, "seats": {"4"}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add car: got %d:\n%s", res.StatusCode, body)
	}
	cars, _, err := app.Store.Cars(context.Background(), carpool.CarFilter{OwnerID: ann.ID}, carpool.Page{})
	if err != nil || len(cars) != 1 {
		t.Fatalf("cars: %v %v", cars, err)
	}
	year := time.Now().Year() + 1
	local := time.Date(year, time.July, 1, 8, 30, 0, 0, berlin)
	form := url.Values{
		"csrf": {token}, "source": {"car:" + cars[0].ID},
		"from": {"at:48.1,11.5|Home"}, "to": {"at:48.2,11.6|Office"},
		"depart": {local.Format("2006-01-02T15:04")}, "seats": {"2"}, "mode": {"instant"},
	}
	res, body := b.post("/rides", form, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer ride: got %d, want 303:\n%s", res.StatusCode, body)
	}
	rides, _, err := app.Store.Rides(context.Background(), carpool.RideFilter{DriverID: ann.ID}, carpool.Page{})
	if err != nil || len(rides) != 1 {
		t.Fatalf("rides: %v %v", rides, err)
	}
	if got, want := rides[0].DepartAt, local.UTC(); !got.Equal(want) {
		t.Errorf("stored departure: got %v, want %v", got, want)
	}
	_, body = b.get("/rides/" + rides[0].ID)
	if want := "08:30"; !strings.Contains(body, want) {
		t.Errorf("ride page does not show the Berlin time %s:\n%s", want, body)
	}
}

// TestFormShowsEveryWrongField: a form with several wrong inputs marks each of them in one
// answer, not only the first.
func TestFormShowsEveryWrongField(t *testing.T) {
	app := webtest.Start(t, webtest.Options{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	b := newBrowser(t, app)
	form := url.Values{"csrf": {b.csrf("/signup")}, "email": {"not-an-address"}, "name": {"  "}, "phone": {"call me"}, "password": {"short"}}
	res, body := b.post("/signup", form, nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("got %d, want 422:\n%s", res.StatusCode, body)
	}
	for _, field := range []string{"email", "name", "phone", "password"} {
		if !strings.Contains(body, `id="`+field+`-error"`) {
			t.Errorf("no error beside %s:\n%s", field, body)
		}
	}
}
