package storetest

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// The parking changes, through the application layer like every other change.

func (f Flows) AddParkingSpace(ctx context.Context, siteID, label string, by carpool.Member) (carpool.ParkingSpace, error) {
	return f.a.AddParkingSpace(ctx, by, siteID, label)
}

func (f Flows) RenameParkingSpace(ctx context.Context, spaceID string, ifVersion int, label string, by carpool.Member) (carpool.ParkingSpace, error) {
	return f.a.RenameParkingSpace(ctx, by, spaceID, ifVersion, label)
}

func (f Flows) MoveSite(ctx context.Context, id string, lat, lon float64, by carpool.Member) (carpool.Site, error) {
	return f.a.UpdateSite(ctx, by, id, 0, app.SitePatch{Lat: &lat, Lon: &lon})
}

func (f Flows) RetireParkingSpace(ctx context.Context, spaceID string, by carpool.Member) (carpool.ParkingSpace, error) {
	return f.a.RetireParkingSpace(ctx, by, spaceID)
}

// parkingSite is a site at Lausanne station, away from every other fixture, with its
// own clock zone.
func (e *env) parkingSite() carpool.Site {
	e.t.Helper()
	s := carpool.Site{ID: carpool.NewID(), Name: "Lausanne " + unique(), Address: "Place de la Gare 9", Lat: 46.5167, Lon: 6.6291,
		TimeZone: "Europe/Zurich", Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
	noErr(e.t, e.s.CreateSite(e.ctx, s), "create site")
	return s
}

// rideTo offers a ride from Geneva that ends 100 m from site, departing at depart.
func (e *env) rideTo(site carpool.Site, driver carpool.Member, mode carpool.BookingMode, depart time.Time) carpool.Ride {
	e.t.Helper()
	in := e.rideInput(e.privateCar(driver, 5), 3, mode)
	in.From = carpool.Place{Label: "Genève Cornavin", Lat: 46.2102, Lon: 6.1424}
	in.To = carpool.Place{Label: "Lausanne gare", Lat: site.Lat + 0.0009, Lon: site.Lon}
	in.DepartAt = depart
	r, err := e.f.CreateRide(e.ctx, in, driver)
	noErr(e.t, err, "create ride")
	return r
}

// holders returns ride id → space label of the site's day.
func (e *env) holders(site carpool.Site, day carpool.Date) map[string]string {
	e.t.Helper()
	hs, err := e.s.ParkingHolders(e.ctx, site.ID, day)
	noErr(e.t, err, "parking holders")
	out := map[string]string{}
	for _, h := range hs {
		if h.Claim.SiteID != site.ID || h.Claim.Day != day || h.Space.SiteID != site.ID {
			e.t.Fatalf("holder %+v is not of site %s on %s", h, site.ID, day)
		}
		if _, twice := out[h.Ride.ID]; twice {
			e.t.Fatalf("ride %s holds two spaces", h.Ride.ID)
		}
		out[h.Ride.ID] = h.Space.Label
	}
	return out
}

// parkingNews returns "reason ride space" of each parking event after seq.
func (e *env) parkingNews(seq int64) []string {
	e.t.Helper()
	var out []string
	for _, ev := range e.eventsAfter(seq) {
		if ev.Type != carpool.EventRideParking {
			continue
		}
		p, err := ev.Decode()
		noErr(e.t, err, "decode")
		if ev.RecipientID != p.DriverID || ev.SubjectID != p.RideID {
			e.t.Errorf("event %+v goes to %s, not the ride's driver", p, ev.RecipientID)
		}
		out = append(out, string(p.Reason)+" "+p.RideID+" "+p.Space+" "+p.Date)
	}
	slices.Sort(out)
	return out
}

func testParking(t *testing.T, open func(t *testing.T) carpool.Store) {
	t.Run("spaces", func(t *testing.T) {
		e := newEnv(t, open)
		fleet, member := e.member(carpool.RoleFleetManager), e.member(carpool.RoleMember)
		site, other := e.parkingSite(), e.parkingSite()
		p1, err := e.f.AddParkingSpace(e.ctx, site.ID, " P1 ", fleet)
		noErr(t, err, "add P1")
		if p1.Label != "P1" || p1.SiteID != site.ID || p1.Version != 1 {
			t.Fatalf("added: got %+v", p1)
		}
		p10, err := e.f.AddParkingSpace(e.ctx, site.ID, "P10", fleet)
		noErr(t, err, "add P10")
		_, err = e.f.AddParkingSpace(e.ctx, site.ID, "p1", fleet)
		wantCode(t, err, carpool.ECONFLICT, "label")
		_, err = e.f.AddParkingSpace(e.ctx, other.ID, "P1", fleet)
		noErr(t, err, "the same label at another site")
		_, err = e.f.AddParkingSpace(e.ctx, site.ID, "P3", member)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		_, err = e.f.AddParkingSpace(e.ctx, carpool.NewID(), "P3", fleet)
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = e.f.AddParkingSpace(e.ctx, site.ID, "  ", fleet)
		wantCode(t, err, carpool.EINVALID, "label")

		p2, err := e.f.RenameParkingSpace(e.ctx, p10.ID, 1, "P2", fleet)
		noErr(t, err, "rename")
		if p2.Label != "P2" || p2.Version != 2 {
			t.Fatalf("renamed: got %+v", p2)
		}
		_, err = e.f.RenameParkingSpace(e.ctx, p10.ID, 1, "P4", fleet)
		wantCode(t, err, carpool.ECONFLICT, "if_match")
		_, err = e.f.RenameParkingSpace(e.ctx, p10.ID, 0, "P1", fleet)
		wantCode(t, err, carpool.ECONFLICT, "label")
		_, err = e.f.RenameParkingSpace(e.ctx, carpool.NewID(), 0, "P9", fleet)
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = e.f.RenameParkingSpace(e.ctx, p10.ID, 0, "P9", member)
		wantCode(t, err, carpool.EFORBIDDEN, "")

		_, err = e.f.RetireParkingSpace(e.ctx, p1.ID, fleet)
		noErr(t, err, "retire")
		_, err = e.f.RetireParkingSpace(e.ctx, p1.ID, fleet)
		wantCode(t, err, carpool.ECONFLICT, "")
		again, err := e.f.AddParkingSpace(e.ctx, site.ID, "P1", fleet)
		noErr(t, err, "a retired label is free again")
		spaces, err := e.s.ActiveParkingSpaces(e.ctx, site.ID)
		noErr(t, err, "list")
		var labels []string
		for _, s := range spaces {
			labels = append(labels, s.Label+"="+s.ID)
		}
		if want := []string{"P1=" + again.ID, "P2=" + p10.ID}; !slices.Equal(labels, want) {
			t.Errorf("active spaces: got %v, want %v", labels, want)
		}
	})

	t.Run("N spaces, more carpools: the first confirmed hold them, never a solo ride", func(t *testing.T) {
		e := newEnv(t, open)
		fleet := e.member(carpool.RoleFleetManager)
		site := e.parkingSite()
		depart := e.at(30 * time.Hour)
		const n = 3
		for i := range n {
			_, err := e.f.AddParkingSpace(e.ctx, site.ID, "P"+string(rune('1'+i)), fleet)
			noErr(t, err, "add space")
		}
		var carpools []carpool.Ride
		bookings := map[string]carpool.Booking{}
		for range n + 2 {
			driver := e.member(carpool.RoleMember)
			r := e.rideTo(site, driver, carpool.BookingInstant, depart)
			e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, depart) // solo, never holds
			bookings[r.ID] = e.book(r, e.member(carpool.RoleMember), 1, false)
			carpools = append(carpools, r)
		}
		// A request the driver has not confirmed makes no carpool yet.
		asking := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingApproval, depart)
		request := e.book(asking, e.member(carpool.RoleMember), 1, false)
		day := carpool.Parking{}.DayOf(carpools[0], site)
		want := map[string]string{carpools[0].ID: "P1", carpools[1].ID: "P2", carpools[2].ID: "P3"}
		if got := e.holders(site, day); !maps.Equal(got, want) {
			t.Fatalf("holders: got %v, want %v", got, want)
		}

		// The last passenger leaves: the space goes at once to the next carpool.
		seq := e.lastSeq()
		_, err := e.f.CancelBooking(e.ctx, bookings[carpools[0].ID].ID, e.memberByID(bookings[carpools[0].ID].PassengerID))
		noErr(t, err, "leave")
		want = map[string]string{carpools[3].ID: "P1", carpools[1].ID: "P2", carpools[2].ID: "P3"}
		if got := e.holders(site, day); !maps.Equal(got, want) {
			t.Fatalf("after the passenger left: got %v, want %v", got, want)
		}
		if got, want := e.parkingNews(seq), []string{
			"space_granted " + carpools[3].ID + " P1 " + day.String(),
			"space_released " + carpools[0].ID + " P1 " + day.String(),
		}; !slices.Equal(got, want) {
			t.Errorf("events: got %v, want %v", got, want)
		}

		// The ride is cancelled: the next carpool gets its space; no one waits after it.
		_, err = e.f.CancelRide(e.ctx, carpools[1].ID, e.memberByID(carpools[1].DriverID))
		noErr(t, err, "cancel ride")
		want = map[string]string{carpools[3].ID: "P1", carpools[4].ID: "P2", carpools[2].ID: "P3"}
		if got := e.holders(site, day); !maps.Equal(got, want) {
			t.Fatalf("after the ride was cancelled: got %v, want %v", got, want)
		}

		// The ride moves to the next day: it leaves P3 free here and holds P1 there.
		seq = e.lastSeq()
		later := depart.Add(24 * time.Hour)
		moved, err := e.f.UpdateRide(e.ctx, carpools[2].ID, 0, carpool.RidePatch{DepartAt: &later}, e.memberByID(carpools[2].DriverID))
		noErr(t, err, "move ride")
		next := carpool.Parking{}.DayOf(moved, site)
		want = map[string]string{carpools[3].ID: "P1", carpools[4].ID: "P2"}
		if got := e.holders(site, day); !maps.Equal(got, want) {
			t.Fatalf("the day the ride left: got %v, want %v", got, want)
		}
		if got, want := e.holders(site, next), map[string]string{moved.ID: "P1"}; !maps.Equal(got, want) {
			t.Fatalf("the day the ride moved to: got %v, want %v", got, want)
		}
		if got, want := e.parkingNews(seq), []string{"space_granted " + moved.ID + " P1 " + next.String()}; !slices.Equal(got, want) {
			t.Errorf("events of the move: got %v, want %v", got, want)
		}

		// The driver confirms the request: a carpool now, it takes the free space.
		_, err = e.f.ConfirmBooking(e.ctx, request.ID, e.memberByID(asking.DriverID))
		noErr(t, err, "confirm")
		want = map[string]string{carpools[3].ID: "P1", carpools[4].ID: "P2", asking.ID: "P3"}
		if got := e.holders(site, day); !maps.Equal(got, want) {
			t.Fatalf("after the confirmation: got %v, want %v", got, want)
		}

		// A held space retired with none free that day: its holder loses it.
		spaces, err := e.s.ActiveParkingSpaces(e.ctx, site.ID)
		noErr(t, err, "spaces")
		seq = e.lastSeq()
		_, err = e.f.RetireParkingSpace(e.ctx, spaces[0].ID, fleet)
		noErr(t, err, "retire P1")
		want = map[string]string{carpools[4].ID: "P2", asking.ID: "P3"}
		if got := e.holders(site, day); !maps.Equal(got, want) {
			t.Fatalf("after P1 was retired: got %v, want %v", got, want)
		}
		// The next day has free spaces: its holder of P1 moves to one.
		if got, want := e.holders(site, next), map[string]string{moved.ID: "P2"}; !maps.Equal(got, want) {
			t.Fatalf("the next day after P1 was retired: got %v, want %v", got, want)
		}
		if got, want := e.parkingNews(seq), []string{
			"space_granted " + moved.ID + " P2 " + next.String(),
			"space_released " + carpools[3].ID + " P1 " + day.String(),
		}; !slices.Equal(got, want) {
			t.Errorf("events of the retirement: got %v, want %v", got, want)
		}
		// A new space goes to the carpool that waited longest.
		_, err = e.f.AddParkingSpace(e.ctx, site.ID, "P9", fleet)
		noErr(t, err, "add P9")
		want = map[string]string{carpools[3].ID: "P9", carpools[4].ID: "P2", asking.ID: "P3"}
		if got := e.holders(site, day); !maps.Equal(got, want) {
			t.Fatalf("after P9 was added: got %v, want %v", got, want)
		}
	})

	t.Run("a space added after the carpools formed serves one of them at once", func(t *testing.T) {
		e := newEnv(t, open)
		fleet := e.member(carpool.RoleFleetManager)
		// The carpools form before the site is known.
		site := carpool.Site{ID: carpool.NewID(), Name: "Lausanne " + unique(), Address: "Place de la Gare 9", Lat: 46.5167, Lon: 6.6291,
			TimeZone: "Europe/Zurich", Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
		depart := e.at(30 * time.Hour)
		a := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, depart)
		e.book(a, e.member(carpool.RoleMember), 1, false)
		b := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, depart)
		e.book(b, e.member(carpool.RoleMember), 1, false)
		solo := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, depart)
		noErr(t, e.s.CreateSite(e.ctx, site), "create site")
		_, err := e.f.AddParkingSpace(e.ctx, site.ID, "P1", fleet)
		noErr(t, err, "add space")
		got := e.holders(site, carpool.Parking{}.DayOf(a, site))
		if len(got) != 1 || got[solo.ID] != "" || got[a.ID] == "" && got[b.ID] == "" {
			t.Fatalf("holders: got %v, want one of the carpools %s, %s", got, a.ID, b.ID)
		}
	})

	t.Run("a site moved away from its carpools' destination frees their spaces", func(t *testing.T) {
		e := newEnv(t, open)
		fleet := e.member(carpool.RoleFleetManager)
		site := e.parkingSite()
		_, err := e.f.AddParkingSpace(e.ctx, site.ID, "P1", fleet)
		noErr(t, err, "add space")
		r := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, e.at(30*time.Hour))
		e.book(r, e.member(carpool.RoleMember), 1, false)
		day := carpool.Parking{}.DayOf(r, site)
		if got := e.holders(site, day); got[r.ID] != "P1" {
			t.Fatalf("before the move: got %v, want the carpool on P1", got)
		}
		seq := e.lastSeq()
		_, err = e.f.MoveSite(e.ctx, site.ID, site.Lat+0.01, site.Lon, fleet)
		noErr(t, err, "move site")
		if got := e.holders(site, day); len(got) != 0 {
			t.Errorf("after the site moved 1 km away: got holders %v, want none", got)
		}
		if got, want := e.parkingNews(seq), []string{"space_released " + r.ID + " P1 " + day.String()}; !slices.Equal(got, want) {
			t.Errorf("events: got %v, want %v", got, want)
		}
	})

	t.Run("the schema refuses two rides on one space of a day", func(t *testing.T) {
		e := newEnv(t, open)
		db := e.raw()
		fleet := e.member(carpool.RoleFleetManager)
		site := e.parkingSite()
		space, err := e.f.AddParkingSpace(e.ctx, site.ID, "P1", fleet)
		noErr(t, err, "add")
		a := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, e.at(30*time.Hour))
		b := e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, e.at(30*time.Hour))
		insert := `INSERT INTO parking_claims (ride_id, site_id, on_date, queued_at, space_id) VALUES ($1, $2, '2031-01-01', $3, $4)`
		_, err = db.ExecContext(e.ctx, insert, a.ID, site.ID, e.now, space.ID)
		noErr(t, err, "first holder")
		if _, err := db.ExecContext(e.ctx, insert, b.ID, site.ID, e.now, space.ID); err == nil {
			t.Fatal("a second holder of the space on the same day was stored")
		}
		other := e.parkingSite()
		if _, err := db.ExecContext(e.ctx, insert, b.ID, other.ID, e.now, space.ID); err == nil {
			t.Fatal("a claim at one site holding another site's space was stored")
		}
	})
}

// testParkingConcurrency confirms many carpools at one site at once: exactly as many
// hold a space as there are spaces, and each of them is a carpool.
func testParkingConcurrency(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	fleet := e.member(carpool.RoleFleetManager)
	site := e.parkingSite()
	const spaces, carpools = 4, 24
	for i := range spaces {
		_, err := e.f.AddParkingSpace(e.ctx, site.ID, "P"+string(rune('1'+i)), fleet)
		noErr(t, err, "add space")
	}
	depart := e.at(30 * time.Hour)
	rides := make([]carpool.Ride, carpools)
	passengers := make([]carpool.Member, carpools)
	for i := range rides {
		rides[i] = e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, depart)
		e.rideTo(site, e.member(carpool.RoleMember), carpool.BookingInstant, depart) // solo, never holds
		passengers[i] = e.member(carpool.RoleMember)
	}
	var wg sync.WaitGroup
	errs := make([]error, carpools)
	start := make(chan struct{})
	for i := range rides {
		wg.Go(func() {
			<-start
			_, errs[i] = e.f.BookSeats(e.ctx, rides[i].ID, passengers[i], carpool.BookingRequest{Seats: 1})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		noErr(t, err, "booking "+rides[i].ID)
	}
	day := carpool.Parking{}.DayOf(rides[0], site)
	got := e.holders(site, day)
	if len(got) != spaces {
		t.Fatalf("got %d holders %v, want %d", len(got), got, spaces)
	}
	for id := range got {
		if r := e.rideNow(id); r.SeatsTaken == 0 {
			t.Errorf("solo ride %s holds a space", id)
		}
	}
}

func (e *env) memberByID(id string) carpool.Member {
	e.t.Helper()
	m, err := e.s.Member(e.ctx, id)
	noErr(e.t, err, "member")
	return m
}
