package storetest

import (
	"carpool/internal/app"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// badIDs are ids no row can have, holding bytes that PostgreSQL's text cannot even
// compare: every engine must answer them as unknown, never fail inside.
var badIDs = []struct{ name, id string }{
	{"NUL", "abc\x00def"},
	{"invalid UTF-8", "abc\xff\xfedef"},
	{"lone continuation byte", "\x80"},
	{"path fragment", "abc/../def"},
	{"too long", string(make([]byte, 300))},
}

// testHostileInput sends the store what an attacker can put in a path, a query or a JSON
// string, and checks both engines give the same domain answer.
func testHostileInput(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	manager := e.member(carpool.RoleFleetManager)
	for _, bad := range badIDs {
		t.Run(bad.name, func(t *testing.T) {
			lookups := []struct {
				name string
				call func() error
			}{
				{"member", func() error { _, err := e.s.Member(e.ctx, bad.id); return err }},
				{"site", func() error { _, err := e.s.Site(e.ctx, bad.id); return err }},
				{"car", func() error { _, err := e.s.Car(e.ctx, bad.id); return err }},
				{"reservation", func() error { _, err := e.s.Reservation(e.ctx, bad.id); return err }},
				{"ride", func() error { _, err := e.s.Ride(e.ctx, bad.id); return err }},
				{"booking", func() error { _, err := e.s.Booking(e.ctx, bad.id); return err }},
				{"update site", func() error {
					_, err := e.s.UpdateSite(e.ctx, bad.id, 0, func(*carpool.Site) error { return nil })
					return err
				}},
				{"update car", func() error {
					_, err := e.f.UpdateCar(e.ctx, bad.id, 0, app.CarPatch{}, driver)
					return err
				}},
				{"reserve car", func() error {
					_, err := e.f.CreateReservation(e.ctx, bad.id, driver, "", e.at(time.Hour), e.at(2*time.Hour))
					return err
				}},
				{"cancel reservation", func() error { _, err := e.f.CancelReservation(e.ctx, bad.id, manager); return err }},
				{"update ride", func() error { _, err := e.f.UpdateRide(e.ctx, bad.id, 0, carpool.RidePatch{}, driver); return err }},
				{"cancel ride", func() error { _, err := e.f.CancelRide(e.ctx, bad.id, driver); return err }},
				{"book", func() error {
					_, err := e.f.BookSeats(e.ctx, bad.id, manager, carpool.BookingRequest{Seats: 1})
					return err
				}},
				{"confirm", func() error { _, err := e.f.ConfirmBooking(e.ctx, bad.id, driver); return err }},
				{"reject", func() error { _, err := e.f.RejectBooking(e.ctx, bad.id, driver); return err }},
				{"cancel booking", func() error { _, err := e.f.CancelBooking(e.ctx, bad.id, driver); return err }},
				{"member by email", func() error { _, err := e.s.MemberByEmail(e.ctx, bad.id+"@example.com"); return err }},
			}
			for _, l := range lookups {
				t.Run(l.name, func(t *testing.T) { wantCode(t, l.call(), carpool.ENOTFOUND, "") })
			}

			t.Run("references in a new car or ride", func(t *testing.T) {
				car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, Plate: e.plate(), Make: "VW", Model: "Up",
					Seats: 4, SiteID: bad.id, Status: carpool.CarActive, Version: 1}
				wantCode(t, e.s.CreateCar(e.ctx, car), carpool.EINVALID, "site_id")
				_, err := e.f.CreateRide(e.ctx, e.rideInput(carpool.Car{ID: bad.id}, 2, ""), driver)
				wantCode(t, err, carpool.EINVALID, "car_id")
				in := e.rideInput(e.poolCar(e.site(), 5), 2, "")
				in.ReservationID = bad.id
				_, err = e.f.CreateRide(e.ctx, in, driver)
				wantCode(t, err, carpool.ECONFLICT, "reservation_id")
			})

			t.Run("filters select nothing", func(t *testing.T) {
				p := carpool.Page{Limit: 10}
				cars, _, err := e.s.Cars(e.ctx, carpool.CarFilter{SiteID: bad.id}, p)
				noErr(t, err, "cars")
				res, _, err := e.s.Reservations(e.ctx, carpool.ReservationFilter{CarID: bad.id}, p)
				noErr(t, err, "reservations")
				rides, _, err := e.s.Rides(e.ctx, carpool.RideFilter{DriverID: bad.id}, p)
				noErr(t, err, "rides")
				bookings, _, err := e.s.Bookings(e.ctx, carpool.BookingFilter{RideID: bad.id}, p)
				noErr(t, err, "bookings")
				members, err := e.s.Members(e.ctx, []string{bad.id, driver.ID})
				noErr(t, err, "members")
				if len(cars)+len(res)+len(rides)+len(bookings) != 0 || len(members) != 1 {
					t.Fatalf("got %d cars, %d reservations, %d rides, %d bookings, %d members; want 0, 0, 0, 0, 1",
						len(cars), len(res), len(rides), len(bookings), len(members))
				}
			})
		})
	}

	t.Run("forged cursors", func(t *testing.T) {
		for _, cursor := range []string{"AA", carpool.CursorAfter("\xff\xfe"), carpool.CursorAfter("a\x00b"), "!!"} {
			_, _, err := e.s.Sites(e.ctx, carpool.Page{Limit: 5, Cursor: cursor})
			wantCode(t, err, carpool.EINVALID, "cursor")
			_, _, err = e.s.Rides(e.ctx, carpool.RideFilter{}, carpool.Page{Limit: 5, Cursor: cursor})
			wantCode(t, err, carpool.EINVALID, "cursor")
		}
	})

	// The domain refuses such text before it is stored; should a path skip it, the
	// engine still answers with a domain error, never an internal one.
	t.Run("NUL in a stored text is a domain error", func(t *testing.T) {
		site := carpool.Site{ID: carpool.NewID(), Name: "Bad\x00Site", Address: "Main Street 1", Lat: 47, Lon: 8, Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
		if err := e.s.CreateSite(e.ctx, site); err != nil && !isDomain(err) {
			t.Fatalf("got internal error %v, want none or a domain error", err)
		}
	})
}
