package storetest

import (
	"carpool/internal/app"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testSites(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)

	t.Run("round trip", func(t *testing.T) {
		s := e.site()
		got, err := e.s.Site(e.ctx, s.ID)
		noErr(t, err, "site")
		if !reflect.DeepEqual(got, s) {
			t.Fatalf("got %+v, want %+v", got, s)
		}
		_, err = e.s.Site(e.ctx, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("pages", func(t *testing.T) {
		e := newEnv(t, open) // a store of its own, so the count is known
		var want []string
		for range 5 {
			want = append(want, e.site().ID)
		}
		var got []string
		cursor, pages := "", 0
		for {
			page, next, err := e.s.Sites(e.ctx, carpool.Page{Limit: 2, Cursor: cursor})
			noErr(t, err, "sites")
			pages++
			for _, s := range page {
				got = append(got, s.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if !reflect.DeepEqual(got, want) || pages != 3 {
			t.Fatalf("got %v in %d pages, want %v in 3", got, pages, want)
		}
		_, _, err := e.s.Sites(e.ctx, carpool.Page{Limit: 2, Cursor: "!!"})
		wantCode(t, err, carpool.EINVALID, "cursor")
	})

	t.Run("update with version", func(t *testing.T) {
		s := e.site()
		got, err := e.s.UpdateSite(e.ctx, s.ID, 1, func(s *carpool.Site) error { s.Name = "Renamed"; return nil })
		noErr(t, err, "update site")
		if got.Name != "Renamed" || got.Version != 2 {
			t.Fatalf("got name %q version %d, want Renamed 2", got.Name, got.Version)
		}
		stored, err := e.s.Site(e.ctx, s.ID)
		noErr(t, err, "site")
		if !reflect.DeepEqual(stored, got) {
			t.Fatalf("stored %+v, returned %+v", stored, got)
		}
		_, err = e.s.UpdateSite(e.ctx, s.ID, 1, func(s *carpool.Site) error { s.Name = "Stale"; return nil })
		wantCode(t, err, carpool.ECONFLICT, "if_match")
		got, err = e.s.UpdateSite(e.ctx, s.ID, 0, func(s *carpool.Site) error { s.Address = "Elsewhere 2"; return nil })
		noErr(t, err, "update site at any version")
		if got.Version != 3 || got.Name != "Renamed" {
			t.Fatalf("got version %d name %q, want 3 Renamed", got.Version, got.Name)
		}
	})

	t.Run("update refused by change", func(t *testing.T) {
		s := e.site()
		refuse := errors.New("no")
		_, err := e.s.UpdateSite(e.ctx, s.ID, 0, func(s *carpool.Site) error { s.Name = "X"; return refuse })
		if !errors.Is(err, refuse) {
			t.Fatalf("got %v, want the change's error", err)
		}
		_, err = e.s.UpdateSite(e.ctx, s.ID, 0, func(s *carpool.Site) error { s.Lat = 91; return nil })
		wantCode(t, err, carpool.EINVALID, "lat")
		stored, _ := e.s.Site(e.ctx, s.ID)
		if stored.Name != s.Name || stored.Version != 1 {
			t.Fatalf("site changed by a refused update: %+v", stored)
		}
		_, err = e.s.UpdateSite(e.ctx, carpool.NewID(), 0, func(*carpool.Site) error { return nil })
		wantCode(t, err, carpool.ENOTFOUND, "")
	})
}

func testCars(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	site := e.site()
	owner := e.member(carpool.RoleMember)

	t.Run("round trip", func(t *testing.T) {
		for _, c := range []carpool.Car{e.poolCar(site, 5), e.privateCar(owner, 4)} {
			got, err := e.s.Car(e.ctx, c.ID)
			noErr(t, err, "car")
			if !reflect.DeepEqual(got, c) {
				t.Fatalf("got %+v, want %+v", got, c)
			}
		}
		_, err := e.s.Car(e.ctx, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("duplicate plate", func(t *testing.T) {
		c := e.poolCar(site, 5)
		dup := c
		dup.ID = carpool.NewID()
		wantCode(t, e.s.CreateCar(e.ctx, dup), carpool.ECONFLICT, "plate")
	})

	t.Run("unknown site", func(t *testing.T) {
		c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, Plate: e.plate(), Make: "VW", Model: "Up",
			Seats: 4, SiteID: carpool.NewID(), Status: carpool.CarActive, Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
		wantCode(t, e.s.CreateCar(e.ctx, c), carpool.EINVALID, "site_id")
	})

	t.Run("filters", func(t *testing.T) {
		e := newEnv(t, open)
		site, other := e.site(), e.site()
		a, b := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		pool := e.poolCar(site, 5)
		pool2 := e.poolCar(other, 5)
		retired := e.poolCar(site, 5)
		_, err := e.f.RetireCar(e.ctx, retired.ID, e.member(carpool.RoleFleetManager))
		noErr(t, err, "retire car")
		mine := e.privateCar(a, 4)
		theirs := e.privateCar(b, 4)
		cases := []struct {
			name string
			f    carpool.CarFilter
			want []string
		}{
			{"all active", carpool.CarFilter{}, []string{pool.ID, pool2.ID, mine.ID, theirs.ID}},
			{"with retired", carpool.CarFilter{IncludeRetired: true}, []string{pool.ID, pool2.ID, retired.ID, mine.ID, theirs.ID}},
			{"pool", carpool.CarFilter{Kind: carpool.CarPool}, []string{pool.ID, pool2.ID}},
			{"site", carpool.CarFilter{SiteID: site.ID, IncludeRetired: true}, []string{pool.ID, retired.ID}},
			{"owner", carpool.CarFilter{OwnerID: a.ID}, []string{mine.ID}},
			{"visible to a", carpool.CarFilter{VisibleTo: a.ID}, []string{pool.ID, pool2.ID, mine.ID}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				cars, next, err := e.s.Cars(e.ctx, tc.f, carpool.Page{Limit: 100})
				noErr(t, err, "cars")
				var got []string
				for _, c := range cars {
					got = append(got, c.ID)
				}
				if !reflect.DeepEqual(got, tc.want) || next != "" {
					t.Fatalf("got %v (next %q), want %v", got, next, tc.want)
				}
			})
		}
	})

	t.Run("update", func(t *testing.T) {
		c := e.poolCar(site, 5)
		other := e.poolCar(site, 5)
		manager := e.member(carpool.RoleFleetManager)
		got, err := e.f.UpdateCar(e.ctx, c.ID, 1, app.CarPatch{Status: new(carpool.CarMaintenance), Seats: new(7)}, manager)
		noErr(t, err, "update car")
		if got.Status != carpool.CarMaintenance || got.Seats != 7 || got.Version != 2 || got.SiteID != site.ID ||
			got.Kind != carpool.CarPool || got.OwnerID != "" {
			t.Fatalf("got %+v", got)
		}
		_, err = e.f.UpdateCar(e.ctx, c.ID, 1, app.CarPatch{Seats: new(6)}, manager)
		wantCode(t, err, carpool.ECONFLICT, "if_match")
		_, err = e.f.UpdateCar(e.ctx, c.ID, 2, app.CarPatch{Plate: &other.Plate}, manager)
		wantCode(t, err, carpool.ECONFLICT, "plate")
		stored, _ := e.s.Car(e.ctx, c.ID)
		if !reflect.DeepEqual(stored, got) {
			t.Fatalf("stored %+v, want %+v", stored, got)
		}
	})

	// A pool car moves to another site; the move is stored, not dropped.
	t.Run("move to another site", func(t *testing.T) {
		c := e.poolCar(site, 5)
		to := e.site()
		manager := e.member(carpool.RoleFleetManager)
		got, err := e.f.UpdateCar(e.ctx, c.ID, 0, app.CarPatch{SiteID: &to.ID}, manager)
		noErr(t, err, "move car")
		stored, err := e.s.Car(e.ctx, c.ID)
		noErr(t, err, "car")
		if got.SiteID != to.ID || stored.SiteID != to.ID {
			t.Fatalf("site: got %q, stored %q, want %q", got.SiteID, stored.SiteID, to.ID)
		}
		_, err = e.f.UpdateCar(e.ctx, c.ID, 0, app.CarPatch{SiteID: new(carpool.NewID())}, manager)
		wantCode(t, err, carpool.EINVALID, "site_id")
	})

	t.Run("retiring refuses while rides and reservations depend on the car", func(t *testing.T) {
		member := e.member(carpool.RoleMember)
		manager := e.member(carpool.RoleFleetManager)
		retire := func(id string) error {
			_, err := e.f.RetireCar(e.ctx, id, manager)
			return err
		}
		h := time.Hour

		// a pool car with an active reservation and an open ride resting on it
		pool := e.poolCar(site, 5)
		res, err := e.f.CreateReservation(e.ctx, pool.ID, member, "", e.at(20*h), e.at(30*h))
		noErr(t, err, "reserve")
		in := e.rideInput(pool, 2, carpool.BookingInstant)
		ride, err := e.f.CreateRide(e.ctx, in, member)
		noErr(t, err, "ride")
		err = retire(pool.ID)
		wantCode(t, err, carpool.ECONFLICT, "status")
		if msg := carpool.ErrorMessage(err); !strings.Contains(msg, "1 open ride and 1 active reservation") {
			t.Fatalf("got message %q, want it to name 1 open ride and 1 active reservation", msg)
		}
		_, err = e.f.CancelRide(e.ctx, ride.ID, member)
		noErr(t, err, "cancel ride")
		wantCode(t, retire(pool.ID), carpool.ECONFLICT, "status")
		_, err = e.f.CancelReservation(e.ctx, res.ID, member)
		noErr(t, err, "cancel reservation")
		noErr(t, retire(pool.ID), "retire the freed pool car")
		if got, _ := e.s.Car(e.ctx, pool.ID); got.Status != carpool.CarRetired {
			t.Fatalf("got status %q, want retired", got.Status)
		}

		// a private car with an open ride
		private := e.privateCar(member, 5)
		ride, err = e.f.CreateRide(e.ctx, e.rideInput(private, 2, carpool.BookingInstant), member)
		noErr(t, err, "ride in private car")
		retireOwn := func() error { _, err := e.f.RetireCar(e.ctx, private.ID, member); return err }
		wantCode(t, retireOwn(), carpool.ECONFLICT, "status")
		_, err = e.f.CancelRide(e.ctx, ride.ID, member)
		noErr(t, err, "cancel ride")
		noErr(t, retireOwn(), "retire the freed private car")

		// a maintenance block holds the car too
		blocked := e.poolCar(site, 5)
		_, err = e.f.CreateReservation(e.ctx, blocked.ID, manager, carpool.ReservationMaintenance, e.at(h), e.at(2*h))
		noErr(t, err, "maintenance block")
		wantCode(t, retire(blocked.ID), carpool.ECONFLICT, "status")
	})

	// A ride's seats never exceed its car's, whichever side changes: the ride (checked
	// when it is offered or moved) or the car (checked here, on every path that changes it).
	t.Run("a car's seats never drop below what rides and commutes on it offer", func(t *testing.T) {
		owner := e.member(carpool.RoleMember)
		car := e.privateCar(owner, 6)
		seats := func(n int) error {
			_, err := e.f.UpdateCar(e.ctx, car.ID, 0, app.CarPatch{Seats: new(n)}, owner)
			return err
		}
		ride, err := e.f.CreateRide(e.ctx, e.rideInput(car, 4, carpool.BookingInstant), owner)
		noErr(t, err, "ride offering 4 seats")
		err = seats(4) // the driver's seat and three more
		wantCode(t, err, carpool.ECONFLICT, "seats")
		if msg := carpool.ErrorMessage(err); !strings.Contains(msg, ride.From.Label) {
			t.Fatalf("got message %q, want it to name the ride from %q", msg, ride.From.Label)
		}
		if got, _ := e.s.Car(e.ctx, car.ID); got.Seats != 6 {
			t.Fatalf("refused change stored: seats %d, want 6", got.Seats)
		}
		noErr(t, seats(5), "seats down to what the ride offers and the driver's")
		_, err = e.f.UpdateCar(e.ctx, car.ID, 0, app.CarPatch{Status: new(carpool.CarMaintenance)}, owner)
		wantCode(t, err, carpool.ECONFLICT, "status")

		// a commute offers its seats every week, before any day of it exists
		_, err = e.f.CancelRide(e.ctx, ride.ID, owner)
		noErr(t, err, "cancel ride")
		_, err = e.f.CreateSeries(e.ctx, e.seriesInput(car, carpool.DaysOf(time.Monday), 3), owner)
		noErr(t, err, "commute offering 3 seats")
		wantCode(t, seats(3), carpool.ECONFLICT, "seats")
		noErr(t, seats(4), "seats down to what the commute offers and the driver's")
		noErr(t, seats(7), "more seats are always fine")
	})
}
