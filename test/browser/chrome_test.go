package browser_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium. Locally a missing browser skips the test with a
// reason; in CI (CI set) it fails, since scripts/install-test-deps installs it there.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CARPOOL_CHROMIUM"), "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (run scripts/install-test-deps); browser tests cannot run in CI without it")
	}
	t.Skip("SKIPPING BROWSER TESTS: chromium not found at /usr/bin/chromium or on PATH; install it with scripts/install-test-deps")
	return ""
}

// TestMain stops the Chromium the tests share, so that no browser outlives the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.stop != nil {
		chromium.stop()
	}
	os.Exit(code)
}

// chromium is the one headless Chromium process of this test binary, started by the
// first test that needs it. Starting Chromium costs seconds on a busy machine; every test
// works in browser contexts of its own (separate cookies, storage and tabs, see
// newPerson), which the test's context closes when the test ends, so sharing the process
// shares no state between tests.
var chromium struct {
	once sync.Once
	ctx  context.Context
	stop func()
	err  error
}

// startBrowser returns the shared headless Chromium for the test, bounded by timeout:
// every person gets a browser context of their own in it (separate cookies), which is
// much cheaper than a process each, and everything the test opened in it is closed when
// the test ends. The flags are the ones this machine needs (no sandbox as root, no GPU,
// no background traffic to Google).
func startBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	chromium.once.Do(func() {
		profile, err := os.MkdirTemp("", "carpool-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(exe),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.UserDataDir(profile),
			chromedp.WindowSize(500, 800),
		)
		browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
		chromium.ctx = browserCtx
		chromium.stop = func() {
			cancelBrowser()
			cancelAlloc()
			os.RemoveAll(profile)
		}
		chromium.err = chromedp.Do(browserCtx)
	})
	if chromium.err != nil {
		t.Fatalf("start chromium %s: %v", exe, chromium.err)
	}
	// The test's contexts (see newPerson) are made from this one: the deadline bounds
	// them, and cancelling it at the test's end closes them in the browser.
	ctx, cancel := context.WithTimeout(chromium.ctx, timeout)
	t.Cleanup(cancel)
	return ctx
}

// screenDir is where this run's screenshots go: CARPOOL_SCREENSHOT_DIR or a new folder
// under the system's temporary directory, kept after the test so a person can look.
func screenDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CARPOOL_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "carpool-screens", time.Now().Format("20060102-150405"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	t.Logf("screenshots of this run: %s", dir)
	return dir
}

// person is one signed-in (or signing-in) user in a browser context of their own.
type person struct {
	t    *testing.T
	name string
	ctx  context.Context
	base string
}

func newPerson(t *testing.T, browser context.Context, base, name string) *person {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Headless Chromium will not make a window narrower than 500 px; the viewport can be.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 800)); err != nil {
		t.Fatalf("%s: emulate a phone: %v", name, err)
	}
	return &person{t: t, name: name, ctx: ctx, base: base}
}

// in returns the person acting within the subtest t, so failures are reported there.
func (p *person) in(t *testing.T) *person {
	c := *p
	c.t = t
	return &c
}

func (p *person) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %s: %v", p.name, what, err)
	}
}

func (p *person) open(path string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(p.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

func (p *person) fill(id, value string) {
	p.t.Helper()
	p.do("fill #"+id, chromedp.SetValue(chromedp.CSS("#"+id), value))
}

// submit clicks a submit button and waits for the page the form leads to; it returns
// that page's HTTP status.
func (p *person) submit(sel string) int {
	p.t.Helper()
	res, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("%s: submit %s: %v", p.name, sel, err)
	}
	if err := chromedp.Do(p.ctx, chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		p.t.Fatalf("%s: page after %s: %v", p.name, sel, err)
	}
	return int(res.Status)
}

// submitOK submits and fails the test unless the final page answered 200.
func (p *person) submitOK(sel string) {
	p.t.Helper()
	if status := p.submit(sel); status != http.StatusOK {
		p.t.Fatalf("%s: submit %s: got HTTP %d, want 200; page says: %s", p.name, sel, status, p.text("main"))
	}
}

// follow clicks a link and waits for the page it leads to, which must answer 200: reading
// the page straight after a bare click can catch the old one going away.
func (p *person) follow(sel string) {
	p.t.Helper()
	p.submitOK(sel)
}

func (p *person) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("%s: text of %s: %v", p.name, sel, err)
	}
	return strings.TrimSpace(s)
}

func (p *person) value(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("%s: value of %s: %v", p.name, sel, err)
	}
	return s
}

// has reports whether an element matching sel is on the page now.
func (p *person) has(sel string) bool {
	p.t.Helper()
	ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", sel)))
	if err != nil {
		p.t.Fatalf("%s: look for %s: %v", p.name, sel, err)
	}
	return ok
}

func (p *person) url() string {
	p.t.Helper()
	u, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatalf("%s: location: %v", p.name, err)
	}
	return u
}

// wantText fails unless the text of sel contains want.
func (p *person) wantText(sel, want string) {
	p.t.Helper()
	if got := p.text(sel); !strings.Contains(got, want) {
		p.t.Fatalf("%s: text of %s: got %q, want it to contain %q", p.name, sel, got, want)
	}
}

// phoneWidth is the narrowest phone the UI promises to serve, in CSS pixels.
const phoneWidth = 360

// screenshot saves the whole current page as dir/name.png, after checking that the page
// fits the phone's width (nothing to scroll sideways).
func (p *person) screenshot(dir, name string) {
	p.t.Helper()
	p.capture(dir, name, phoneWidth)
}

// screenshotAt is screenshot in a viewport width px wide; the phone's viewport comes back
// afterwards.
func (p *person) screenshotAt(dir, name string, width int) {
	p.t.Helper()
	p.do("resize to "+name, chromedp.EmulateViewport(int64(width), 900))
	defer p.do("back to a phone", chromedp.EmulateViewport(phoneWidth, 800))
	p.capture(dir, name, width)
}

// capture fails the test when the page scrolls sideways beyond width or, being German,
// shows English catalogue text, and saves the whole page as dir/name.png.
func (p *person) capture(dir, name string, width int) {
	p.t.Helper()
	scroll, err := chromedp.Run(p.ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
	if err != nil {
		p.t.Fatalf("%s: page width: %v", p.name, err)
	}
	if scroll > width {
		p.t.Errorf("%s: page %s is %d px wide, more than the %d px window", p.name, name, scroll, width)
	}
	if lang, err := chromedp.Run(p.ctx, chromedp.Evaluate[string]("document.documentElement.lang")); err != nil {
		p.t.Fatalf("%s: page language: %v", p.name, err)
	} else if lang == "de" {
		p.englishOnPage(name) // every German page a test looks at says no English
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.name, err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatalf("save screenshot: %v", err)
	}
	p.t.Logf("screenshot: %s", file)
}

func (p *person) signIn(email, password string) {
	p.t.Helper()
	p.open("/signin")
	p.fill("email", email)
	p.fill("password", password)
	p.submitOK(`form[action="/signin"] button[type="submit"]`)
	p.wantText("h1", "Hello")
}

func chromedpClick(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// chromedpEval runs a statement in the page (through DevTools, so the page's CSP does
// not apply to it).
func chromedpEval(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](js+"; null")(ctx, t)
		return chromedp.Void{}, err
	}
}
