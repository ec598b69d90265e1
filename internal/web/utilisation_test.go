package web_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// clock is a test clock that the test moves forward.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// TestUtilisation builds a month of history with a moving clock and checks the fleet
// manager's table counts only what lies within the last 30 days.
func TestUtilisation(t *testing.T) {
	ctx := context.Background()
	real := time.Now().UTC().Truncate(time.Hour)
	clk := &clock{t: real.Add(-40 * 24 * time.Hour)}
	app := webtest.Start(t, webtest.Options{Now: clk.Now})
	fm := app.AddMember(t, "fm@example.com", "Fran", "", carpool.RoleFleetManager)
	anna := app.AddMember(t, "anna@example.com", "Anna", "", carpool.RoleMember)
	ben := app.AddMember(t, "ben@example.com", "Ben", "", carpool.RoleMember)

	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5}
	mustDo(t, site.Validate())
	mustDo(t, app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M UT 1", Make: "VW", Model: "Golf", Seats: 5}
	mustDo(t, car.Validate())
	mustDo(t, app.Store.CreateCar(ctx, car))
	idle := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M UT 2", Make: "Opel", Model: "Astra", Seats: 5}
	mustDo(t, idle.Validate())
	mustDo(t, app.Store.CreateCar(ctx, idle))

	// 40 days ago: 3 hours, outside the window.
	t0 := clk.Now()
	_, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, anna, carpool.ReservationTrip, t0.Add(time.Hour), t0.Add(4*time.Hour))
	mustDo(t, err)

	// 10 days ago: a 4-hour trip with a ride that carries Ben, and a 2-hour block.
	clk.Set(real.Add(-10 * 24 * time.Hour))
	t1 := clk.Now()
	res, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, anna, carpool.ReservationTrip, t1.Add(time.Hour), t1.Add(5*time.Hour))
	mustDo(t, err)
	ride, err := storetest.NewFlows(app.Store).CreateRide(ctx, carpool.RideInput{
		CarID: car.ID, ReservationID: res.ID, DepartAt: t1.Add(2 * time.Hour), Seats: 3, BookingMode: carpool.BookingInstant,
		From: carpool.Place{Label: "HQ", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "Airport", Lat: 48.35, Lon: 11.78},
	}, anna)
	mustDo(t, err)
	_, err = storetest.NewFlows(app.Store).BookSeats(ctx, ride.ID, ben, carpool.BookingRequest{Seats: 2})
	mustDo(t, err)
	_, err = storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, fm, carpool.ReservationMaintenance, t1.Add(24*time.Hour), t1.Add(26*time.Hour))
	mustDo(t, err)

	clk.Set(real)
	b := newBrowser(t, app)
	b.signInAs(fm)
	_, body := b.get("/fleet/utilisation")
	want := map[string][]string{
		"M UT 1": {"4.0", "2.0", "1", "2"},
		"M UT 2": {"0.0", "0.0", "0", "0"},
	}
	cell := regexp.MustCompile(`<td class="num">([^<]*)</td>`)
	for plate, cells := range want {
		i := strings.Index(body, "("+plate+")")
		if i < 0 {
			t.Fatalf("no row for %s:\n%s", plate, body)
		}
		row := body[i:]
		row = row[:strings.Index(row, "</tr>")]
		var got []string
		for _, m := range cell.FindAllStringSubmatch(row, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, " ") != strings.Join(cells, " ") {
			t.Errorf("%s: got hours reserved, maintenance, rides, seats %v, want %v", plate, got, cells)
		}
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
