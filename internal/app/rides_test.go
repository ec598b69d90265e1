package app_test

import (
	"testing"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

func TestOfferRide(t *testing.T) {
	f := newApp(t)
	car := f.poolCar(f.site("HQ"), "ZH O1", 5)
	driver := f.member(carpool.RoleMember)
	other := f.member(carpool.RoleMember)
	own := f.privateCar(driver, 5)
	othersCar := f.privateCar(other, 5)
	res := f.reserve(driver, car, carpool.ReservationTrip, at(2*h), at(6*h))
	withRes := func(in carpool.RideInput, id string) carpool.RideInput { in.ReservationID = id; return in }
	cases := []struct {
		name  string
		in    carpool.RideInput
		code  string
		field string
	}{
		{"own car", rideInput(own, at(3*h), 3, carpool.BookingInstant), "", ""},
		{"someone else's private car", rideInput(othersCar, at(3*h), 3, carpool.BookingInstant), carpool.EINVALID, "car_id"},
		{"unknown car", rideInput(carpool.Car{ID: carpool.NewID()}, at(3*h), 3, carpool.BookingInstant), carpool.EINVALID, "car_id"},
		{"no car", rideInput(carpool.Car{}, at(3*h), 3, carpool.BookingInstant), carpool.EINVALID, "car_id"},
		{"pool car, reservation found", rideInput(car, at(3*h), 3, carpool.BookingInstant), "", ""},
		{"pool car, reservation named", withRes(rideInput(car, at(4*h), 3, carpool.BookingApproval), res.ID), "", ""},
		{"pool car, departure outside any reservation", rideInput(car, at(7*h), 3, carpool.BookingInstant), carpool.ECONFLICT, "reservation_id"},
		{"departure outside the reservation", withRes(rideInput(car, at(7*h), 3, carpool.BookingInstant), res.ID), carpool.EINVALID, "depart_at"},
		{"too many seats", rideInput(own, at(3*h), 5, carpool.BookingInstant), carpool.EINVALID, "seats"},
		{"in the past", rideInput(own, at(-h), 3, carpool.BookingInstant), carpool.EINVALID, "depart_at"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := f.app.OfferRide(f.ctx, driver, tc.in)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if r.DriverID != driver.ID || r.Status != carpool.RideOpen || r.Seats != tc.in.Seats {
				t.Errorf("got %+v, want an open ride of %s with %d seats", r, driver.ID, tc.in.Seats)
			}
		})
	}
}

// rideScene is a ride in approval mode with a confirmed passenger and a pending one, and
// a stranger who has no booking.
type rideScene struct {
	ride                                 carpool.Ride
	driver, confirmed, pending, stranger carpool.Member
	confirmedBooking, pendingBooking     carpool.Booking
}

func newRideScene(f *fixture) rideScene {
	f.t.Helper()
	var s rideScene
	s.driver, s.confirmed, s.pending, s.stranger = f.member(carpool.RoleMember), f.member(carpool.RoleMember), f.member(carpool.RoleMember), f.member(carpool.RoleMember)
	s.ride = f.ride(s.driver, at(24*h), 3, carpool.BookingApproval)
	s.confirmedBooking = f.book(s.ride, s.confirmed, 1)
	var err error
	s.confirmedBooking, err = f.app.ConfirmBooking(f.ctx, s.driver, s.confirmedBooking.ID)
	mustDo(f.t, err)
	s.pendingBooking = f.book(s.ride, s.pending, 1)
	return s
}

func TestRideView(t *testing.T) {
	f := newApp(t)
	s := newRideScene(f)
	cases := []struct {
		name          string
		me            carpool.Member
		driverContact bool
		mine          string // the viewer's booking id, if any
		passengers    map[string]bool
	}{
		{"driver", s.driver, true, "", map[string]bool{s.confirmed.ID: true, s.pending.ID: false}},
		{"confirmed passenger", s.confirmed, true, s.confirmedBooking.ID, nil},
		{"pending passenger", s.pending, false, s.pendingBooking.ID, nil},
		{"stranger", s.stranger, false, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := f.app.Ride(f.ctx, tc.me, s.ride.ID)
			mustDo(t, err)
			if v.Ride.ID != s.ride.ID || v.Car.ID != s.ride.CarID || v.Driver.ID != s.driver.ID || v.Driver.Name != s.driver.Name {
				t.Fatalf("got ride %s car %s driver %+v, want %s %s %s", v.Ride.ID, v.Car.ID, v.Driver, s.ride.ID, s.ride.CarID, s.driver.ID)
			}
			if got := v.Driver.Email != "" && v.Driver.Phone != ""; got != tc.driverContact {
				t.Errorf("driver's contact details shown: got %v (%q, %q), want %v", got, v.Driver.Email, v.Driver.Phone, tc.driverContact)
			}
			if !tc.driverContact && (v.Driver.Email != "" || v.Driver.Phone != "") {
				t.Errorf("driver's contact: got %q %q, want both hidden", v.Driver.Email, v.Driver.Phone)
			}
			gotMine := ""
			if v.Mine != nil {
				gotMine = v.Mine.ID
			}
			if gotMine != tc.mine {
				t.Errorf("own booking: got %q, want %q", gotMine, tc.mine)
			}
			if got := v.IsDriver(tc.me); got != (tc.me.ID == s.driver.ID) {
				t.Errorf("IsDriver: got %v, want %v", got, !got)
			}
			if len(v.Passengers) != len(tc.passengers) {
				t.Fatalf("passengers: got %d, want %d", len(v.Passengers), len(tc.passengers))
			}
			for _, p := range v.Passengers {
				contact, ok := tc.passengers[p.Person.ID]
				if !ok {
					t.Fatalf("passenger %s: not expected", p.Person.ID)
				}
				if got := p.Person.Email != "" && p.Person.Phone != ""; got != contact {
					t.Errorf("passenger %s contact shown: got %v, want %v", p.Person.Name, got, contact)
				}
				if !contact && (p.Person.Email != "" || p.Person.Phone != "") {
					t.Errorf("passenger %s contact: got %q %q, want both hidden", p.Person.Name, p.Person.Email, p.Person.Phone)
				}
			}
		})
	}
	t.Run("anonymous", func(t *testing.T) {
		_, err := f.app.Ride(f.ctx, carpool.Member{}, s.ride.ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
	})
	t.Run("unknown", func(t *testing.T) {
		_, err := f.app.Ride(f.ctx, s.driver, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
	})
	t.Run("private car of the driver is shown to a stranger", func(t *testing.T) {
		// Through a ride, its car is seen by anyone who may see the ride.
		v, err := f.app.Ride(f.ctx, s.stranger, s.ride.ID)
		mustDo(t, err)
		if v.Car.Plate == "" {
			t.Errorf("car plate: got empty, want the car")
		}
	})
}

func TestSearchRides(t *testing.T) {
	f := newApp(t)
	s := newRideScene(f) // 3 seats, 1 taken
	fullDriver := f.member(carpool.RoleMember)
	full := f.ride(fullDriver, at(24*h+30*60e9), 1, carpool.BookingInstant)
	f.book(full, s.confirmed, 1)
	later := f.ride(f.member(carpool.RoleMember), at(100*h), 2, carpool.BookingInstant) // outside the window

	zurichPt, bernPt := zurich.Point(), bern.Point()
	q := carpool.RideQuery{From: &zurichPt, To: &bernPt, DepartAfter: at(20 * h), DepartBefore: at(30 * h), Seats: 1}
	type want struct {
		ride    string
		contact bool
	}
	cases := []struct {
		name  string
		me    carpool.Member
		full  bool
		q     carpool.RideQuery
		want  []want
		code  string
		field string
	}{
		{"stranger", s.stranger, false, q, []want{{s.ride.ID, false}}, "", ""},
		{"confirmed passenger sees the driver's contact", s.confirmed, false, q, []want{{s.ride.ID, true}}, "", ""},
		{"pending passenger does not", s.pending, false, q, []want{{s.ride.ID, false}}, "", ""},
		{"full rides", s.stranger, true, q, []want{{full.ID, false}}, "", ""},
		{"full rides, passenger of one", s.confirmed, true, q, []want{{full.ID, true}}, "", ""},
		{"three seats: only full ones", s.stranger, true, func() carpool.RideQuery { q := q; q.Seats = 3; return q }(),
			[]want{{full.ID, false}, {s.ride.ID, false}}, "", ""}, // full leaves nearer the middle of the window
		{"window the wrong way round", s.stranger, false, func() carpool.RideQuery {
			q := q
			q.DepartAfter, q.DepartBefore = q.DepartBefore, q.DepartAfter
			return q
		}(), nil, carpool.EINVALID, ""},
	}
	_ = later
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []app.RideResult
			var err error
			if tc.full {
				got, err = f.app.FullRides(f.ctx, tc.me, tc.q, 10)
			} else {
				got, err = f.app.SearchRides(f.ctx, tc.me, tc.q, 0, 10)
			}
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d results %v, want %v", len(got), resultIDs(got), tc.want)
			}
			for i, w := range tc.want {
				r := got[i]
				if r.Ride.ID != w.ride {
					t.Fatalf("result %d: got %s, want %s", i, r.Ride.ID, w.ride)
				}
				if r.Driver.ID != r.Ride.DriverID || r.Driver.Name == "" {
					t.Errorf("result %d driver: got %+v, want %s with a name", i, r.Driver, r.Ride.DriverID)
				}
				if shown := r.Driver.Email != "" || r.Driver.Phone != ""; shown != w.contact {
					t.Errorf("result %d driver contact shown: got %v, want %v", i, shown, w.contact)
				}
			}
		})
	}
}

func resultIDs(rs []app.RideResult) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.Ride.ID
	}
	return ids
}

func TestUpdateAndCancelRide(t *testing.T) {
	f := newApp(t)
	s := newRideScene(f)
	notes := "bring snacks"
	t.Run("stranger updates", func(t *testing.T) {
		_, err := f.app.UpdateRide(f.ctx, s.stranger, s.ride.ID, 0, carpool.RidePatch{Notes: &notes})
		wantCode(t, err, carpool.EFORBIDDEN, "")
	})
	t.Run("driver updates", func(t *testing.T) {
		r, err := f.app.UpdateRide(f.ctx, s.driver, s.ride.ID, 0, carpool.RidePatch{Notes: &notes})
		mustDo(t, err)
		if r.Notes != notes {
			t.Errorf("notes: got %q, want %q", r.Notes, notes)
		}
	})
	t.Run("passenger cancels", func(t *testing.T) {
		_, err := f.app.CancelRide(f.ctx, s.confirmed, s.ride.ID, false)
		wantCode(t, err, carpool.EFORBIDDEN, "")
	})
	t.Run("driver cancels", func(t *testing.T) {
		r, err := f.app.CancelRide(f.ctx, s.driver, s.ride.ID, false)
		mustDo(t, err)
		if r.Status != carpool.RideCancelled {
			t.Fatalf("status: got %q, want cancelled", r.Status)
		}
		b, err := f.app.Booking(f.ctx, s.confirmed, s.confirmedBooking.ID)
		mustDo(t, err)
		if b.Status != carpool.BookingCancelled {
			t.Errorf("passenger's booking: got %q, want cancelled", b.Status)
		}
	})
}
