package storetest

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testReads checks the bounded reads that pages and the application layer use to show
// many rides at once: bookings by ride and by passenger, rides and cars by id, bookings
// of rides ahead, and the search for full rides.
func testReads(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	h := time.Hour
	driver := e.member(carpool.RoleMember)
	p1, p2, p3 := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)

	approval := e.ride(driver, 3, carpool.BookingApproval)
	instant := e.ride(driver, 3, carpool.BookingInstant)
	quiet := e.ride(driver, 3, carpool.BookingInstant)
	a1 := e.book(approval, p1, 1, false) // pending
	i2 := e.book(instant, p2, 1, false)  // confirmed
	a2 := e.book(approval, p2, 1, false) // pending
	a3 := e.book(approval, p3, 1, false)
	_, err := e.f.CancelBooking(e.ctx, a3.ID, p3)
	noErr(t, err, "cancel")
	i1 := e.book(instant, p1, 2, false)
	confirmed, err := e.f.ConfirmBooking(e.ctx, a1.ID, driver)
	noErr(t, err, "confirm")

	bookingIDs := func(bs []carpool.Booking) []string {
		ids := []string{}
		for _, b := range bs {
			ids = append(ids, b.ID)
		}
		return ids
	}

	t.Run("RideBookings", func(t *testing.T) {
		cases := []struct {
			name  string
			rides []string
			want  []string
		}{
			{"one ride, active only", []string{approval.ID}, []string{a1.ID, a2.ID}},
			{"several rides, oldest first", []string{instant.ID, approval.ID, quiet.ID}, []string{a1.ID, i2.ID, a2.ID, i1.ID}},
			{"no bookings", []string{quiet.ID}, []string{}},
			{"unknown ride", []string{carpool.NewID()}, []string{}},
			{"no rides", nil, []string{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := e.s.RideBookings(e.ctx, tc.rides...)
				noErr(t, err, "ride bookings")
				if g := bookingIDs(got); !reflect.DeepEqual(g, tc.want) {
					t.Fatalf("got %v, want %v", g, tc.want)
				}
			})
		}
		got, err := e.s.RideBookings(e.ctx, approval.ID)
		noErr(t, err, "ride bookings")
		if !reflect.DeepEqual(got[0], confirmed) {
			t.Fatalf("got %+v, want the booking as Booking reads it, %+v", got[0], confirmed)
		}
	})

	t.Run("PassengerBookings", func(t *testing.T) {
		all := []string{approval.ID, instant.ID, quiet.ID}
		cases := []struct {
			name      string
			passenger string
			rides     []string
			want      []string
		}{
			{"two rides", p1.ID, all, []string{a1.ID, i1.ID}},
			{"one of them asked", p1.ID, []string{instant.ID}, []string{i1.ID}},
			{"cancelled left out", p3.ID, all, []string{}},
			{"the driver is no passenger", driver.ID, all, []string{}},
			{"no rides", p1.ID, nil, []string{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := e.s.PassengerBookings(e.ctx, tc.passenger, tc.rides)
				noErr(t, err, "passenger bookings")
				if g := bookingIDs(got); !sameSet(g, tc.want) {
					t.Fatalf("got %v, want %v", g, tc.want)
				}
			})
		}
	})

	t.Run("RidesByID", func(t *testing.T) {
		got, err := e.s.RidesByID(e.ctx, []string{quiet.ID, carpool.NewID(), approval.ID, approval.ID})
		noErr(t, err, "rides by id")
		byID := map[string]carpool.Ride{}
		for _, r := range got {
			byID[r.ID] = r
		}
		if len(byID) != 2 {
			t.Fatalf("got %d rides, want 2 (unknown ids skipped)", len(byID))
		}
		for _, id := range []string{quiet.ID, approval.ID} {
			want := e.rideNow(id)
			if !reflect.DeepEqual(byID[id], want) {
				t.Fatalf("ride %s: got %+v, want %+v", id, byID[id], want)
			}
		}
		got, err = e.s.RidesByID(e.ctx, nil)
		noErr(t, err, "rides by no id")
		if len(got) != 0 {
			t.Fatalf("no ids: got %d rides, want 0", len(got))
		}
	})

	t.Run("CarsByID", func(t *testing.T) {
		site := e.site()
		pool, private := e.poolCar(site, 5), e.privateCar(driver, 4)
		got, err := e.s.CarsByID(e.ctx, []string{private.ID, carpool.NewID(), pool.ID})
		noErr(t, err, "cars by id")
		sort.Slice(got, func(i, j int) bool { return got[i].ID == pool.ID })
		if want := []carpool.Car{pool, private}; !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		got, err = e.s.CarsByID(e.ctx, []string{})
		noErr(t, err, "cars by no id")
		if len(got) != 0 {
			t.Fatalf("no ids: got %d cars, want 0", len(got))
		}
	})

	t.Run("BookingFilter.DepartAfter", func(t *testing.T) {
		p := e.member(carpool.RoleMember)
		offer := func(depart time.Duration) carpool.Ride {
			in := e.rideInput(e.privateCar(driver, 5), 2, carpool.BookingInstant)
			in.DepartAt = e.at(depart)
			r, err := e.f.CreateRide(e.ctx, in, driver)
			noErr(t, err, "create ride")
			return r
		}
		soon, later, latest := offer(2*h), offer(30*h), offer(60*h)
		bSoon, bLater, bLatest := e.book(soon, p, 1, false), e.book(later, p, 1, false), e.book(latest, p, 1, false)
		_, err := e.f.CancelBooking(e.ctx, bLatest.ID, p)
		noErr(t, err, "cancel")
		cases := []struct {
			name   string
			after  time.Time
			active bool
			want   []string
		}{
			{"no bound", time.Time{}, false, []string{bSoon.ID, bLater.ID, bLatest.ID}},
			{"after the first", e.at(3 * h), false, []string{bLater.ID, bLatest.ID}},
			{"after the first, active", e.at(3 * h), true, []string{bLater.ID}},
			{"exactly at a departure is not after it", later.DepartAt, false, []string{bLatest.ID}},
			{"after all", e.at(90 * h), false, []string{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, next, err := e.s.Bookings(e.ctx, carpool.BookingFilter{PassengerID: p.ID, ActiveOnly: tc.active, DepartAfter: tc.after}, carpool.Page{Limit: 10})
				noErr(t, err, "bookings")
				if g := bookingIDs(got); !sameSet(g, tc.want) || next != "" {
					t.Fatalf("got %v (next %q), want %v", g, next, tc.want)
				}
			})
		}
	})

	t.Run("search for full rides", func(t *testing.T) {
		e := newEnv(t, open) // a store of its own: search sees every ride
		zurich := carpool.Point{Lat: 47.3779, Lon: 8.5403}
		bern := carpool.Point{Lat: 46.9490, Lon: 7.4391}
		offer := func(seats, taken int) carpool.Ride {
			d := e.member(carpool.RoleMember)
			r, err := e.f.CreateRide(e.ctx, e.rideInput(e.privateCar(d, 8), seats, carpool.BookingInstant), d)
			noErr(t, err, "create ride")
			if taken > 0 {
				e.book(r, e.member(carpool.RoleMember), taken, false)
			}
			return r
		}
		full := offer(2, 2)
		oneLeft := offer(3, 2)
		empty := offer(3, 0)
		cancelledFull := offer(1, 1)
		_, err := e.f.CancelRide(e.ctx, cancelledFull.ID, carpool.Member{ID: cancelledFull.DriverID, Role: carpool.RoleMember})
		noErr(t, err, "cancel ride")
		cases := []struct {
			name  string
			seats int
			full  bool
			want  []string
		}{
			{"free seats", 1, false, []string{oneLeft.ID, empty.ID}},
			{"full", 1, true, []string{full.ID}},
			{"fewer than two free", 2, true, []string{full.ID, oneLeft.ID}},
			{"at least two free", 2, false, []string{empty.ID}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				q, err := carpool.RideQuery{From: &zurich, To: &bern, DepartAfter: e.at(20 * h), DepartBefore: e.at(28 * h),
					Seats: tc.seats, Full: tc.full}.Normalize(e.now)
				noErr(t, err, "normalize")
				got, err := e.s.SearchRides(e.ctx, q, 0, 10)
				noErr(t, err, "search")
				var ids []string
				for _, m := range got {
					ids = append(ids, m.Ride.ID)
				}
				if !sameSet(ids, tc.want) {
					t.Fatalf("got %v, want %v", ids, tc.want)
				}
			})
		}
	})
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return reflect.DeepEqual(a, b)
}
