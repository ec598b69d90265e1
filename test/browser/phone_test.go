package browser_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/mail"
	"carpool/internal/mail/mailtest"
	"carpool/internal/notify"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// A phone the issue was tried on (an iPhone 12-15 in CSS pixels) and a laptop.
const (
	phoneW, phoneH     = 390, 844
	desktopW, desktopH = 1280, 900
)

// cssHelpers adds to the page what the layout checks measure: WCAG's contrast ratio of
// two computed colours, and the colour an element is seen against (the first ancestor
// with an opaque background).
const cssHelpers = `
window.__lum = function (c) {
  const p = c.match(/rgba?\(([^)]+)\)/)[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
  const [r, g, b] = p.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
window.__alpha = function (c) {
  const p = c.match(/rgba?\(([^)]+)\)/)[1].split(/[ ,\/]+/).filter(Boolean);
  return p.length > 3 ? Number(p[3]) : 1;
};
window.__bg = function (el) {
  for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (__alpha(c) > 0.5) return c;
  }
  return "rgb(255, 255, 255)";
};
window.__contrast = function (a, b) {
  const x = __lum(a), y = __lum(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};
`

// germanWeek is a German driver with an approval ride that a passenger asked a seat on,
// so the driver's inbox holds a notification with its buttons.
type germanWeek struct {
	app         *webtest.App
	anna, ben   carpool.Member
	cleo        carpool.Member // has booked nothing yet
	ride        carpool.Ride
	browser     context.Context
	annaBrowser *person
}

func startGermanWeek(t *testing.T) *germanWeek {
	t.Helper()
	// The accessibility scan of every page runs in this budget too, on a machine that
	// may be busy building: a bound against a hung browser, not a speed test.
	browser := startBrowser(t, 6*time.Minute)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// The week runs as a deployment with mail and open sign-up does: account mails and
	// notification mails go to a real SMTP server, and the settings offer e-mail.
	mailpit := mailtest.Start(t)
	sender := func(base string) *mail.Sender {
		s, err := mail.New(mail.Config{URL: mailpit.SMTPURL(), From: "Carpool <carpool@example.com>", BaseURL: base})
		if err != nil {
			t.Fatalf("mail sender: %v", err)
		}
		return s
	}
	app := webtest.Start(t, webtest.Options{Location: berlin, Signup: carpool.SignupPolicy{Domains: []string{"*"}}, Mailer: func(base string) app.Mailer { return notify.NewAccountMailer(sender(base)) }})
	ctx, cancel := context.WithCancel(context.Background())
	relayDone := make(chan struct{})
	go func() {
		notify.New(app.Store, notify.Options{Poll: 50 * time.Millisecond,
			Senders: map[string]notify.Sender{carpool.ChannelEmail: sender(app.URL)}}).Run(ctx)
		close(relayDone)
	}()
	t.Cleanup(func() { cancel(); <-relayDone })

	w := &germanWeek{app: app, browser: browser}
	w.anna = app.AddMember(t, "anna@example.com", "Anna Fahrerin", "+49 170 1111111", carpool.RoleMember)
	w.ben = app.AddMember(t, "ben@example.com", "Ben Mitfahrer", "+49 170 2222222", carpool.RoleMember)
	w.cleo = app.AddMember(t, "cleo@example.com", "Cleo Pendlerin", "+49 170 3333333", carpool.RoleMember)
	for _, m := range []carpool.Member{w.anna, w.ben, w.cleo} {
		if _, err := storetest.NewFlows(app.Store).ChangeMember(ctx, m.ID, func(m *carpool.Member) error { m.Language = "de"; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	now := carpool.Timestamp(time.Now())
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B AF 1", Make: "VW", Model: "Golf",
		Seats: 5, OwnerID: w.anna.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := app.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	w.ride, err = storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID,
		From: carpool.Place{Label: "Berlin Mitte", Lat: 52.52, Lon: 13.40}, To: carpool.Place{Label: "Potsdam", Lat: 52.39, Lon: 13.06},
		DepartAt: now.Add(30 * time.Hour), Seats: 3, BookingMode: carpool.BookingApproval}, w.anna)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(app.Store).BookSeats(ctx, w.ride.ID, w.ben, carpool.BookingRequest{Seats: 1}); err != nil {
		t.Fatal(err)
	}
	w.annaBrowser = newPerson(t, browser, app.URL, "Anna")
	w.annaBrowser.in(t).signInDE(w.anna.Email)
	return w
}

// signInDE signs a German member in.
func (p *person) signInDE(email string) {
	p.t.Helper()
	p.open("/signin")
	p.fill("email", email)
	p.fill("password", webtest.Password)
	p.submitOK(`form[action="/signin"] button[type="submit"]`)
	p.wantText("h1", "Hallo")
}

// viewport sets the person's viewport.
func (p *person) viewport(w, h int) {
	p.t.Helper()
	p.do(fmt.Sprintf("viewport %dx%d", w, h), chromedp.EmulateViewport(int64(w), int64(h)))
}

// eval runs js (with cssHelpers defined) and returns its value.
func eval[T any](p *person, js string) T {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedpEval(cssHelpers)); err != nil {
		p.t.Fatalf("%s: helpers: %v", p.name, err)
	}
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: evaluate %s: %v", p.name, js, err)
	}
	return v
}

// TestPhoneHeader: at a phone's width the header is at most 64 px high and the four main
// destinations stay on screen in a bar; the rest is one tap away in the menu. At a
// laptop's width the header is one line too.
func TestPhoneHeader(t *testing.T) {
	w := startGermanWeek(t)
	p := w.annaBrowser.in(t)
	for _, size := range [][2]int{{phoneW, phoneH}, {desktopW, desktopH}} {
		t.Run(fmt.Sprintf("%dpx", size[0]), func(t *testing.T) {
			p := p.in(t)
			p.viewport(size[0], size[1])
			p.open("/")
			if h := eval[float64](p, `document.querySelector("header.top").getBoundingClientRect().height`); h > 64 {
				t.Errorf("header: got %.0f px high, want at most 64", h)
			}
			// Each main destination is on screen and not covered by anything.
			type link struct {
				Href    string
				Visible bool
			}
			links := eval[[]link](p, `[...document.querySelectorAll("nav.primary a")].map(a => {
				const r = a.getBoundingClientRect();
				const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
				const hit = document.elementFromPoint(x, y);
				return {href: a.getAttribute("href"), visible: r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && !!hit && a.contains(hit)};
			})`)
			want := []string{"/", "/rides", "/rides/new", "/commutes"}
			if len(links) != len(want) {
				t.Fatalf("main destinations: got %v, want %v", links, want)
			}
			for i, l := range links {
				if l.Href != want[i] || !l.Visible {
					t.Errorf("main destination %d: got %+v, want %s visible on screen", i, l, want[i])
				}
			}
			if !eval[bool](p, `(() => { const r = document.querySelector("header a.inbox").getBoundingClientRect(); return r.width > 0 && r.bottom <= 64; })()`) {
				t.Errorf("the inbox link is not in the header")
			}
			// The menu opens with a tap and leads to the other pages.
			if eval[bool](p, `document.querySelector('.menu a[href="/profile"]').checkVisibility()`) {
				t.Errorf("the menu is open before it is tapped")
			}
			p.do("open the menu", chromedpClick(".menu summary"))
			p.follow(`.menu a[href="/profile"]`)
			p.wantText("h1", "Profil")
		})
	}
	p.viewport(phoneW, phoneH)
	p.open("/")
	p.screenshotAt(screenDir(t), "phone-header-home-390", phoneW)
}

// TestInboxButtonsAreVisible: the inbox's "Öffnen" and "Als gelesen markieren" are in a
// colour readable on their background (at least 4.5:1), not white on white.
func TestInboxButtonsAreVisible(t *testing.T) {
	w := startGermanWeek(t)
	p := w.annaBrowser.in(t)
	p.viewport(phoneW, phoneH)
	p.eventuallyOn("/notifications", `form[action$="/read"] button`)
	type button struct {
		Text     string
		Contrast float64
	}
	buttons := eval[[]button](p, `[...document.querySelectorAll("main button")].map(b => ({text: b.textContent.trim(), contrast: __contrast(getComputedStyle(b).color, __bg(b))}))`)
	seen := map[string]bool{}
	for _, b := range buttons {
		seen[b.Text] = true
		if b.Contrast < 4.5 {
			t.Errorf("button %q: contrast %.2f:1 with its background, want at least 4.5:1", b.Text, b.Contrast)
		}
	}
	for _, want := range []string{"Öffnen", "Als gelesen markieren"} {
		if !seen[want] {
			t.Errorf("inbox: no button %q among %v", want, buttons)
		}
	}
}

// TestCheckboxesBesideTheirLabels: a checkbox keeps its own small size next to its
// label (commute weekdays, notification settings), instead of a full-width box with the
// label floating below.
func TestCheckboxesBesideTheirLabels(t *testing.T) {
	w := startGermanWeek(t)
	p := w.annaBrowser.in(t)
	p.viewport(phoneW, phoneH)
	type box struct {
		ID         string
		Width, Gap float64
		DY         float64
	}
	for _, path := range []string{"/commutes/new", "/notifications/preferences"} {
		p.open(path)
		boxes := eval[[]box](p, `[...document.querySelectorAll("main input[type=checkbox]")].map(b => {
			const l = document.querySelector('label[for="' + b.id + '"]');
			const r = b.getBoundingClientRect(), q = l.getBoundingClientRect();
			return {id: b.id, width: r.width, gap: q.left - r.right, dy: Math.abs((q.top + q.bottom) / 2 - (r.top + r.bottom) / 2)};
		})`)
		if len(boxes) == 0 {
			t.Fatalf("%s: no checkboxes", path)
		}
		for _, b := range boxes {
			if b.Width > 32 || b.Gap < 0 || b.Gap > 24 || b.DY > 16 {
				t.Errorf("%s: checkbox %s is %.0f px wide, %.0f px left of its label and %.0f px off its middle; want at most 32 px wide, 0-24 px beside it, on its line",
					path, b.ID, b.Width, b.Gap, b.DY)
			}
		}
	}
}

// TestFocusRingContrast tabs through pages and checks that every focused element shows a
// ring of at least 2 px whose colour contrasts 3:1 or more with what surrounds it (WCAG
// 2.2 non-text contrast), in the dark header as on the light page.
func TestFocusRingContrast(t *testing.T) {
	w := startGermanWeek(t)
	p := w.annaBrowser.in(t)
	p.viewport(phoneW, phoneH)
	type focused struct {
		What     string
		Style    string
		Width    float64
		Contrast float64
	}
	for _, path := range []string{"/", "/rides/" + w.ride.ID, "/notifications"} {
		p.open(path)
		seen := 0
		for i := 0; i < 40; i++ {
			p.do("tab", chromedp.KeyEvent(kb.Tab))
			f := eval[*focused](p, `(() => {
				const el = document.activeElement;
				if (!el || el === document.body) return null;
				const s = getComputedStyle(el);
				return {what: el.tagName + " " + (el.getAttribute("href") || el.textContent.trim().slice(0, 30)), style: s.outlineStyle,
					width: parseFloat(s.outlineWidth), contrast: __contrast(s.outlineColor, __bg(el.parentElement))};
			})()`)
			if f == nil {
				break // past the last element
			}
			seen++
			if f.Style == "none" || f.Width < 2 || f.Contrast < 3 {
				t.Errorf("%s: focused %s: ring %s %.0f px at %.2f:1, want a ring of 2 px or more at 3:1 or more", path, f.What, f.Style, f.Width, f.Contrast)
			}
		}
		if seen < 5 {
			t.Errorf("%s: only %d elements took the focus", path, seen)
		}
	}
}

// firstScreen is the part of a phone's screen that is not covered by the bottom bar.
const firstScreen = `(innerHeight - document.querySelector("nav.primary").getBoundingClientRect().height)`

// TestSearchResultsAboveTheFold: after a search on a phone the first result is on the
// first screen, the form folded behind a summary; on the ride page the book button comes
// before the map and is on the first screen too.
func TestSearchResultsAboveTheFold(t *testing.T) {
	w := startGermanWeek(t)
	p := newPerson(t, w.browser, w.app.URL, "Cleo").in(t)
	p.signInDE(w.cleo.Email)
	p.viewport(phoneW, phoneH)
	p.open("/rides")
	p.fill("day", w.ride.DepartAt.In(berlinZone(t)).Format("2006-01-02"))
	p.submitOK(`form[action="/rides"] button[type="submit"]:not([name])`)
	p.wantText("#search-summary", "1 Platz")
	if bottom, limit := eval[float64](p, `document.querySelector("#results li").getBoundingClientRect().bottom`), eval[float64](p, firstScreen); bottom > limit {
		t.Errorf("first result: ends %.0f px down, want it on the first screen (%.0f px)", bottom, limit)
	}
	if eval[bool](p, `document.querySelector("#when").checkVisibility()`) {
		t.Errorf("the search form is still open after the search")
	}
	dir := screenDir(t)
	p.screenshotAt(dir, "phone-search-results-390", phoneW)
	p.viewport(phoneW, phoneH)

	p.follow(`#results li a`)
	book := `document.querySelector('form[action$="/book"] button[type="submit"]')`
	if bottom, limit := eval[float64](p, book+`.getBoundingClientRect().bottom`), eval[float64](p, firstScreen); bottom > limit {
		t.Errorf("book button: ends %.0f px down, want it on the first screen (%.0f px)", bottom, limit)
	}
	if !eval[bool](p, `(`+book+`.compareDocumentPosition(document.querySelector("#ride-map")) & Node.DOCUMENT_POSITION_FOLLOWING) > 0`) {
		t.Errorf("the map comes before the book button")
	}
	p.screenshotAt(dir, "phone-ride-390", phoneW)
}

func berlinZone(t *testing.T) *time.Location {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return berlin
}
