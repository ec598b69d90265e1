package storetest

import (
	"slices"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// testParkingFigures: the report's parking figures count, per site and local day, the
// carpools that held a space and those that found none, only in the days asked for and
// for the site asked for; the proof figures count the records of those days by class.
func testParkingFigures(t *testing.T, open func(t *testing.T) carpool.Store) {
	t.Run("spaces used and carpools without one", func(t *testing.T) {
		e := newEnv(t, open)
		fleet := e.member(carpool.RoleFleetManager)
		busy := e.parkingSite()
		// Five kilometres east of busy, so that its carpools arrive there and not at busy.
		bare := carpool.Site{ID: carpool.NewID(), Name: "Pully " + unique(), Address: "Avenue de Lavaux 1", Lat: busy.Lat, Lon: busy.Lon + 0.07,
			TimeZone: "Europe/Zurich", Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
		err := e.s.CreateSite(e.ctx, bare)
		noErr(t, err, "create the bare site")
		_, err = e.f.AddParkingSpace(e.ctx, busy.ID, "P1", fleet)
		noErr(t, err, "add P1")
		zurich, err := time.LoadLocation("Europe/Zurich")
		noErr(t, err, "zone")
		// 08:00 in Lausanne three and four days ahead: one local day each.
		d := time.Now().In(zurich).AddDate(0, 0, 3)
		first := time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, zurich)
		second := first.AddDate(0, 0, 1)
		carpoolTo := func(site carpool.Site, at time.Time) {
			t.Helper()
			r := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, at)
			e.book(r, e.member(carpool.RoleMember), 1, false)
		}
		carpoolTo(busy, first)
		carpoolTo(busy, first.Add(10*time.Minute)) // the one space is taken
		carpoolTo(busy, second)
		carpoolTo(bare, first)                                                      // a site without spaces: every carpool finds none
		e.rideTo(busy, e.member(carpool.RoleMember), carpool.BookingInstant, first) // solo: no claim at all

		day1, day2 := carpool.DateOf(first), carpool.DateOf(second)
		got, err := e.s.ParkingFigures(e.ctx, "", day1, day2)
		noErr(t, err, "parking figures")
		want := []carpool.ParkingDayFigures{
			{SiteID: busy.ID, Day: day1, Used: 1, NoSpace: 1},
			{SiteID: bare.ID, Day: day1, Used: 0, NoSpace: 1},
			{SiteID: busy.ID, Day: day2, Used: 1, NoSpace: 0},
		}
		// Within a day the order is by site id; sort the wanted rows the same way.
		slices.SortStableFunc(want[:2], func(a, b carpool.ParkingDayFigures) int {
			if a.SiteID < b.SiteID {
				return -1
			}
			return 1
		})
		if !slices.Equal(got, want) {
			t.Errorf("both days, every site: got %+v, want %+v", got, want)
		}
		got, err = e.s.ParkingFigures(e.ctx, busy.ID, day2, day2)
		noErr(t, err, "one site, one day")
		if want := []carpool.ParkingDayFigures{{SiteID: busy.ID, Day: day2, Used: 1}}; !slices.Equal(got, want) {
			t.Errorf("one site, the second day: got %+v, want %+v", got, want)
		}
		got, err = e.s.ParkingFigures(e.ctx, "", day2.AddDays(1), day2.AddDays(7))
		noErr(t, err, "days without claims")
		if len(got) != 0 {
			t.Errorf("days without claims: got %+v, want none", got)
		}
		got, err = e.s.ParkingFigures(e.ctx, "not an id", day1, day2)
		noErr(t, err, "unknown site")
		if len(got) != 0 {
			t.Errorf("an unknown site: got %+v, want none", got)
		}
	})

	t.Run("proof classes", func(t *testing.T) {
		e := newEnv(t, open)
		a := app.New(e.s, app.Options{CheckInSecret: []byte("contract secret")})
		fleet := e.member(carpool.RoleFleetManager)
		departed := func(ago time.Duration, passengers ...carpool.Member) (carpool.Ride, carpool.Member, []carpool.Booking) {
			t.Helper()
			driver := e.member(carpool.RoleMember)
			r := e.ride(driver, 3, carpool.BookingInstant)
			var bs []carpool.Booking
			for _, p := range passengers {
				bs = append(bs, e.book(r, p, 1, false))
			}
			if _, err := e.raw().ExecContext(e.ctx, `UPDATE rides SET depart_at = $1 WHERE id = $2`, e.now.Add(-ago), r.ID); err != nil {
				t.Fatalf("move the ride into the past: %v", err)
			}
			return e.rideNow(r.ID), driver, bs
		}
		// Today: the driver and pia check in (C), paul rides along unchecked (B, through
		// the driver's check-in); on another ride pete is marked absent.
		pia, paul, pete := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		r, driver, _ := departed(10*time.Minute, pia, paul)
		_, err := a.CheckIn(e.ctx, driver, r.ID, r.From.Lat, r.From.Lon)
		noErr(t, err, "driver checks in")
		_, err = a.CheckIn(e.ctx, pia, r.ID, r.From.Lat, r.From.Lon)
		noErr(t, err, "pia checks in")
		q, qDriver, qb := departed(10*time.Minute, pete)
		_, err = a.MarkNoShow(e.ctx, qDriver, qb[0].ID)
		noErr(t, err, "pete marked absent")
		// Three days ago: matched, nobody checked in (A), sealed when the records are read.
		old, _, _ := departed(3*24*time.Hour, e.member(carpool.RoleMember))
		_, err = a.Proofs(e.ctx, fleet, e.now.Add(-4*24*time.Hour), e.now.Add(time.Hour))
		noErr(t, err, "read the records")

		today, _ := carpool.ProofDay(r, time.UTC)
		if qDay, _ := carpool.ProofDay(q, time.UTC); qDay != today {
			t.Fatalf("the two rides of today fall on %s and %s", today, qDay)
		}
		oldDay, _ := carpool.ProofDay(old, time.UTC)
		got, err := e.s.ProofClasses(e.ctx, oldDay, today)
		noErr(t, err, "proof classes")
		if want := (carpool.ProofClassCounts{A: 1, B: 1, C: 1, None: 1}); got != want {
			t.Errorf("every day: got %+v, want %+v", got, want)
		}
		got, err = e.s.ProofClasses(e.ctx, today, today)
		noErr(t, err, "today's classes")
		if want := (carpool.ProofClassCounts{B: 1, C: 1, None: 1}); got != want {
			t.Errorf("today: got %+v, want %+v", got, want)
		}
		got, err = e.s.ProofClasses(e.ctx, oldDay, oldDay)
		noErr(t, err, "that day's classes")
		if want := (carpool.ProofClassCounts{A: 1}); got != want {
			t.Errorf("three days ago: got %+v, want %+v", got, want)
		}
	})
}
