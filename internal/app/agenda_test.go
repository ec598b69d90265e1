package app_test

import (
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

func TestAgenda(t *testing.T) {
	f := newApp(t)
	me := f.member(carpool.RoleMember)
	other := f.member(carpool.RoleMember)
	p1, p2, p3, p4 := f.member(carpool.RoleMember), f.member(carpool.RoleMember), f.member(carpool.RoleMember), f.member(carpool.RoleMember)
	car := f.poolCar(f.site("HQ"), "ZH A1", 5)

	// Rides me drives: one that will be past, a busy one with requests, a quiet one.
	past := f.ride(me, at(h), 3, carpool.BookingApproval)
	f.book(past, p1, 1) // a request on a past ride is no request any more
	busy := f.ride(me, at(24*h), 3, carpool.BookingApproval)
	r1, r2 := f.book(busy, p1, 1), f.book(busy, p2, 1)
	confirmed := f.book(busy, p3, 1)
	_, err := f.app.ConfirmBooking(f.ctx, me, confirmed.ID)
	mustDo(t, err)
	quiet := f.ride(me, at(5*h), 2, carpool.BookingInstant)
	waitFor := f.ride(me, at(6*h), 1, carpool.BookingInstant)
	f.book(waitFor, p3, 1)
	_, err = f.app.Book(f.ctx, p4, waitFor.ID, carpool.BookingRequest{Seats: 1, Waitlist: true})
	mustDo(t, err) // waitlisted: not a request for the driver

	// Rides me booked: one that will be past, one ahead, one cancelled, one rejected.
	pastBooked := f.ride(other, at(90*time.Minute), 3, carpool.BookingInstant)
	f.book(pastBooked, me, 1)
	ahead := f.ride(other, at(30*h), 3, carpool.BookingInstant)
	aheadBooking := f.book(ahead, me, 2)
	dropped := f.book(f.ride(other, at(31*h), 3, carpool.BookingInstant), me, 1)
	_, err = f.app.CancelBooking(f.ctx, me, dropped.ID)
	mustDo(t, err)

	// Reservations: one that will be over, one ahead, one cancelled.
	f.reserve(me, car, carpool.ReservationTrip, at(30*time.Minute), at(h))
	next := f.reserve(me, car, carpool.ReservationTrip, at(10*h), at(12*h))
	gone := f.reserve(me, car, carpool.ReservationTrip, at(13*h), at(14*h))
	_, err = f.app.CancelReservation(f.ctx, me, gone.ID)
	mustDo(t, err)

	f.clock.Advance(2 * h)
	ag, err := f.app.Agenda(f.ctx, me)
	mustDo(t, err)

	t.Run("driving", func(t *testing.T) {
		want := []struct {
			id      string
			pending int
		}{{quiet.ID, 0}, {waitFor.ID, 0}, {busy.ID, 2}}
		if len(ag.Driving) != len(want) {
			t.Fatalf("got %d rides, want %d", len(ag.Driving), len(want))
		}
		for i, w := range want {
			if got := ag.Driving[i]; got.Ride.ID != w.id || got.Pending != w.pending {
				t.Errorf("ride %d: got %s with %d pending, want %s with %d", i, got.Ride.ID, got.Pending, w.id, w.pending)
			}
		}
	})
	t.Run("requests", func(t *testing.T) {
		want := map[string]string{r1.ID: p1.Name, r2.ID: p2.Name}
		if len(ag.Requests) != len(want) {
			t.Fatalf("got %d requests, want %d", len(ag.Requests), len(want))
		}
		for _, r := range ag.Requests {
			if name, ok := want[r.Booking.ID]; !ok || r.Passenger != name || r.Ride.ID != busy.ID {
				t.Errorf("request %s: got passenger %q on ride %s, want %q on %s", r.Booking.ID, r.Passenger, r.Ride.ID, name, busy.ID)
			}
		}
	})
	t.Run("passenger", func(t *testing.T) {
		if len(ag.Passenger) != 1 {
			t.Fatalf("got %d booked rides, want 1", len(ag.Passenger))
		}
		got := ag.Passenger[0]
		if got.Booking.ID != aheadBooking.ID || got.Ride.ID != ahead.ID || got.Driver != other.Name {
			t.Errorf("got booking %s on %s driven by %q, want %s on %s driven by %q",
				got.Booking.ID, got.Ride.ID, got.Driver, aheadBooking.ID, ahead.ID, other.Name)
		}
	})
	t.Run("reservations", func(t *testing.T) {
		if len(ag.Reservations) != 1 {
			t.Fatalf("got %d reservations, want 1", len(ag.Reservations))
		}
		got := ag.Reservations[0]
		if got.Reservation.ID != next.ID || got.Car.ID != car.ID || got.Car.Plate != car.Plate {
			t.Errorf("got %s in car %q, want %s in %q", got.Reservation.ID, got.Car.Plate, next.ID, car.Plate)
		}
	})
	t.Run("someone with nothing ahead", func(t *testing.T) {
		ag, err := f.app.Agenda(f.ctx, f.member(carpool.RoleMember))
		mustDo(t, err)
		if len(ag.Driving)+len(ag.Passenger)+len(ag.Requests)+len(ag.Reservations) != 0 {
			t.Errorf("got %+v, want an empty agenda", ag)
		}
	})
}

func TestOfferSources(t *testing.T) {
	f := newApp(t)
	me := f.member(carpool.RoleMember)
	site := f.site("HQ")
	pool := f.poolCar(site, "ZH S1", 5)
	blocked := f.poolCar(site, "ZH S2", 5)
	active := f.privateCar(me, 4)
	resting := f.privateCar(me, 4)
	maint := carpool.CarMaintenance
	_, err := f.app.UpdateCar(f.ctx, me, resting.ID, 0, app.CarPatch{Status: &maint})
	mustDo(t, err)
	retired := f.privateCar(me, 4)
	_, err = f.app.RetireCar(f.ctx, me, retired.ID, 0)
	mustDo(t, err)
	f.privateCar(f.member(carpool.RoleMember), 4)                           // someone else's
	f.reserve(me, pool, carpool.ReservationTrip, at(30*time.Minute), at(h)) // over by the time we ask
	trip := f.reserve(me, pool, carpool.ReservationTrip, at(5*h), at(8*h))
	f.reserve(f.fm, blocked, carpool.ReservationMaintenance, at(5*h), at(8*h))
	f.clock.Advance(2 * h)

	type want struct{ car, res string }
	cases := []struct {
		name string
		me   carpool.Member
		want []want
	}{
		{"member", me, []want{{active.ID, ""}, {pool.ID, trip.ID}}},
		{"fleet manager's maintenance block is no source", f.fm, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.app.OfferSources(f.ctx, tc.me)
			mustDo(t, err)
			var ws []want
			for _, s := range got {
				w := want{car: s.Car.ID}
				if s.Reservation != nil {
					w.res = s.Reservation.ID
				}
				ws = append(ws, w)
			}
			if len(ws) != len(tc.want) {
				t.Fatalf("got %v, want %v", ws, tc.want)
			}
			for i := range ws {
				if ws[i] != tc.want[i] {
					t.Errorf("source %d: got %v, want %v", i, ws[i], tc.want[i])
				}
			}
		})
	}
}

func TestUtilisation(t *testing.T) {
	f := newApp(t)
	member := f.member(carpool.RoleMember)
	driver := f.member(carpool.RoleMember)
	b := f.site("B site")
	a := f.site("A site")
	b1 := f.poolCar(b, "ZH B1", 5)
	a3 := f.poolCar(a, "ZH A3", 5)
	a2 := f.poolCar(a, "ZH A2", 5)
	f.privateCar(driver, 5) // private cars are no part of the report

	res := f.reserve(driver, a2, carpool.ReservationTrip, at(2*h), at(5*h))
	ride, err := f.app.OfferRide(f.ctx, driver, carpool.RideInput{CarID: a2.ID, ReservationID: res.ID, From: zurich, To: bern,
		DepartAt: at(3 * h), Seats: 3, BookingMode: carpool.BookingInstant})
	mustDo(t, err)
	f.book(ride, member, 2)
	f.reserve(f.fm, b1, carpool.ReservationMaintenance, at(47*h), at(50*h)) // 1 hour inside

	from, to := at(0), at(48*h)
	cases := []struct {
		name  string
		me    carpool.Member
		from  time.Time
		to    time.Time
		code  string
		field string
	}{
		{"member", member, from, to, carpool.EFORBIDDEN, ""},
		{"empty period", f.fm, to, to, carpool.EINVALID, "to"},
		{"fleet manager", f.fm, from, to, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := f.app.Utilisation(f.ctx, tc.me, tc.from, tc.to)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			want := []struct {
				site, plate       string
				reserved, maint   time.Duration
				rides, seatsTaken int
			}{
				{"A site", a2.Plate, 3 * h, 0, 1, 2},
				{"A site", a3.Plate, 0, 0, 0, 0},
				{"B site", b1.Plate, 0, h, 0, 0},
			}
			if len(rows) != len(want) {
				t.Fatalf("got %d rows, want %d", len(rows), len(want))
			}
			for i, w := range want {
				r := rows[i]
				if r.Site != w.site || r.Car.Plate != w.plate || r.Reserved != w.reserved || r.Maintenance != w.maint ||
					r.Rides != w.rides || r.SeatsShared != w.seatsTaken {
					t.Errorf("row %d: got %s %s %v %v %d %d, want %s %s %v %v %d %d", i,
						r.Site, r.Car.Plate, r.Reserved, r.Maintenance, r.Rides, r.SeatsShared,
						w.site, w.plate, w.reserved, w.maint, w.rides, w.seatsTaken)
				}
			}
		})
	}
}
