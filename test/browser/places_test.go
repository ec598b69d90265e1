package browser_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// dropPin puts a pin into the place field name as map.js does when the map is tapped at
// lat,lon: an option holding the point, chosen. Tests use it where the exact point
// matters; TestPlacesAndMaps taps the map itself.
func dropPin(p *person, name string, lat, lon float64) {
	p.t.Helper()
	p.do("pin "+name, chromedpEval(fmt.Sprintf(`(function () {
		var s = document.getElementById(%q);
		var o = document.createElement("option");
		o.className = "pin-option";
		o.value = "at:%f,%f|Pin at %.4f, %.4f";
		o.textContent = "Pin";
		s.appendChild(o);
		s.value = o.value;
	})()`, name, lat, lon, lat, lon)))
}

// tileServer answers every tile with one small grey PNG and counts the requests, so
// the maps load real tiles without the internet.
func tileServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for x := 0; x < 256; x++ {
		for y := 0; y < 256; y++ {
			img.Set(x, y, color.RGBA{R: 0xe8, G: 0xea, B: 0xe0, A: 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// shoot saves screenshots of the current page at a desktop and a phone width.
func shoot(p *person, dir, name string) {
	p.t.Helper()
	for _, width := range []int64{1280, 390} {
		png, err := chromedp.Run(p.ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
			if _, err := chromedp.EmulateViewport(width, 900)(ctx, t); err != nil {
				return nil, err
			}
			return chromedp.FullScreenshot(100)(ctx, t) // 100 means PNG
		})
		if err != nil {
			p.t.Fatalf("%s: screenshot at %d px: %v", p.name, width, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			p.t.Fatalf("save screenshot: %v", err)
		}
		p.t.Logf("screenshot: %s", file)
	}
	p.do("back to the phone", chromedp.EmulateViewport(phoneWidth, 800))
}

// TestPlacesAndMaps: a member saves Home with a map pin and offers a ride from it to a
// pin on the map; a colleague searches from their saved place and finds the ride along
// the way, the map drawing exactly the listed rides; bad pins, identical ends and a
// detour out of range are refused beside their fields.
func TestPlacesAndMaps(t *testing.T) {
	browser := startBrowser(t, 3*time.Minute)
	dir := screenDir(t)
	tiles, tileRequests := tileServer(t)
	app := webtest.Start(t, webtest.Options{MapTilesURL: tiles.URL + "/{z}/{x}/{y}.png"})
	ctx := context.Background()
	anna := app.AddMember(t, "anna@example.com", "Anna Driver", "+49 170 1111111", carpool.RoleMember)
	ben := app.AddMember(t, "ben@example.com", "Ben Rider", "+49 170 2222222", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "Munich HQ", Address: "Marienplatz 1", Lat: 48.1374, Lon: 11.5755, Version: 1}
	if err := app.Store.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M AD 1", Make: "VW", Model: "Golf", Seats: 5,
		OwnerID: anna.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := app.Store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	// Ben lives in Freimann, on the way from Munich HQ to the airport.
	benHome := carpool.SavedPlace{ID: carpool.NewID(), MemberID: ben.ID, Name: "Home", Address: "Freimann", Lat: 48.1910, Lon: 11.6130,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := app.Store.CreatePlace(ctx, benHome); err != nil {
		t.Fatal(err)
	}
	depart := now.Add(48 * time.Hour).UTC().Format("2006-01-02T15:04")

	a := newPerson(t, browser, app.URL, "Anna")
	b := newPerson(t, browser, app.URL, "Ben")
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("1 Anna saves Home by tapping the map", func(t *testing.T) {
		p := a.in(t)
		p.signIn("anna@example.com", webtest.Password)
		p.open("/places")
		p.do("wait for the map", chromedp.WaitVisible(chromedp.CSS("#place-map")))
		p.do("tap the map", chromedpClick("#place-map"))
		if got := p.value("#place"); !strings.HasPrefix(got, "at:") {
			t.Fatalf("after tapping the map the place is %q, want a pin", got)
		}
		p.submitOK(`form[action="/places"] button[type="submit"]:not([name])`)
		p.wantText(".flash", "Place saved")
		p.wantText("#saved-places", "Home")
		if tileRequests.Load() == 0 {
			t.Errorf("the map loaded no tile from the configured tile server")
		}
	})

	var rideURL string
	step("2 Anna offers a ride from Home to a pin on the map", func(t *testing.T) {
		p := a.in(t)
		p.open("/rides/new")
		places, err := app.Store.Places(ctx, anna.ID)
		if err != nil || len(places) != 1 {
			t.Fatalf("places: %v %v", places, err)
		}
		p.fill("source", "car:"+car.ID)
		p.fill("from", "place:"+places[0].ID)
		p.do("wait for the map", chromedp.WaitVisible(chromedp.CSS("#to-map")))
		p.do("tap the destination map", chromedpClick("#to-map"))
		pinned := p.value("#to")
		if !strings.HasPrefix(pinned, "at:") {
			t.Fatalf("destination after tapping the map: %q, want a pin", pinned)
		}
		// The exact airport, so Ben's search below is along the way.
		dropPin(p, "to", 48.3538, 11.7861)
		p.fill("depart", depart)
		p.fill("seats", "2")
		shoot(p, dir, "places-1-offer-form")
		p.submitOK(`form[action="/rides"] button[type="submit"]:not([name])`)
		p.wantText(".flash", "Your ride is offered")
		p.wantText("h1", "Home → Pin at 48.3538, 11.7861")
		rideURL = strings.TrimPrefix(strings.Split(p.url(), "?")[0], app.URL)
	})

	step("3 Ben searches from his saved Home and the list and map agree", func(t *testing.T) {
		p := b.in(t)
		p.signIn("ben@example.com", webtest.Password)
		p.open("/rides")
		p.fill("from", "place:"+benHome.ID)
		dropPin(p, "to", 48.3500, 11.7800)
		p.do("search any time", chromedpClick("#when-any"))
		p.submitOK(`form[action="/rides"] button[type="submit"]:not([name])`)
		p.wantText("#results", "Home → Pin at 48.3538")
		p.wantText("#results", "detour")
		p.do("wait for the results map", chromedp.WaitVisible(chromedp.CSS("#results-map")))
		listed, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](
			`Array.from(document.querySelectorAll("#results li.result")).map(function (li) { return li.dataset.id; }).join(" ")`))
		if err != nil {
			t.Fatal(err)
		}
		drawn, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById("results-map").dataset.rides`))
		if err != nil {
			t.Fatal(err)
		}
		if listed == "" || listed != drawn {
			t.Fatalf("list holds %q, map drew %q; want the same rides", listed, drawn)
		}
		shoot(p, dir, "places-2-results-with-map")
		p.submitOK(`#results a`)
		p.wantText("#my-pickup", "Pickup at Freimann")
		p.submitOK(`form[action$="/book"] button[type="submit"]`)
		p.wantText(".flash", "Seat booked")
	})

	step("4 Anna sees Ben's pickup and drop-off on her ride", func(t *testing.T) {
		p := a.in(t)
		p.open(rideURL)
		p.wantText("td.pickup", "Freimann")
		p.do("wait for the ride map", chromedp.WaitVisible(chromedp.CSS("#ride-map")))
		points, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById("ride-map").dataset.points`))
		if err != nil || points != "4" {
			t.Fatalf("ride map shows %q points (%v), want start, end, Ben's pickup and his drop-off", points, err)
		}
		shoot(p, dir, "places-3-driver-sees-pickup")
	})

	step("5 bad input is refused beside its field", func(t *testing.T) {
		p := a.in(t)
		cases := []struct {
			name, field, want string
			set               func()
		}{
			{"pin out of range", "from", "outside the map", func() {
				p.fill("from", "")
				dropPin(p, "from", 95, 11.5)
				p.fill("to", "site:"+site.ID)
			}},
			{"identical from and to", "to", "different places", func() {
				p.fill("from", "site:"+site.ID)
				p.fill("to", "site:"+site.ID)
			}},
			{"detour out of range", "detour", "between 0 and 50", func() {
				p.fill("from", "site:"+site.ID)
				dropPin(p, "to", 48.3538, 11.7861)
				p.fill("detour", "60")
			}},
		}
		for _, tc := range cases {
			p.open("/rides/new")
			p.fill("source", "car:"+car.ID)
			p.fill("depart", depart)
			tc.set()
			if status := p.submit(`form[action="/rides"] button[type="submit"]:not([name])`); status != http.StatusUnprocessableEntity {
				t.Errorf("%s: got HTTP %d, want 422", tc.name, status)
			}
			p.wantText("#"+tc.field+"-error", tc.want)
		}
		shoot(p, dir, "places-4-field-error")
	})
}
