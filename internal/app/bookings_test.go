package app_test

import (
	"testing"

	"carpool/internal/carpool"
)

func TestBook(t *testing.T) {
	f := newApp(t)
	driver := f.member(carpool.RoleMember)
	instant := f.ride(driver, at(24*h), 2, carpool.BookingInstant)
	approval := f.ride(driver, at(26*h), 2, carpool.BookingApproval)
	a, b, c := f.member(carpool.RoleMember), f.member(carpool.RoleMember), f.member(carpool.RoleMember)
	cases := []struct {
		name   string
		me     carpool.Member
		ride   carpool.Ride
		req    carpool.BookingRequest
		status carpool.BookingStatus
		code   string
		field  string
	}{
		{"instant", a, instant, carpool.BookingRequest{Seats: 2}, carpool.BookingConfirmed, "", ""},
		{"full without waitlist", b, instant, carpool.BookingRequest{Seats: 1}, "", carpool.ECONFLICT, "seats"},
		{"full with waitlist", b, instant, carpool.BookingRequest{Seats: 1, Waitlist: true}, carpool.BookingWaitlisted, "", ""},
		{"twice", a, instant, carpool.BookingRequest{Seats: 1, Waitlist: true}, "", carpool.ECONFLICT, ""},
		{"approval", a, approval, carpool.BookingRequest{Seats: 1}, carpool.BookingPending, "", ""},
		{"own ride", driver, approval, carpool.BookingRequest{Seats: 1}, "", carpool.EFORBIDDEN, ""},
		{"no seats", c, approval, carpool.BookingRequest{Seats: 0}, "", carpool.EINVALID, "seats"},
		{"more seats than the ride has", c, approval, carpool.BookingRequest{Seats: 3}, "", carpool.EINVALID, "seats"},
		{"unknown ride", c, carpool.Ride{ID: carpool.NewID()}, carpool.BookingRequest{Seats: 1}, "", carpool.ENOTFOUND, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.app.Book(f.ctx, tc.me, tc.ride.ID, tc.req)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if got.Status != tc.status || got.PassengerID != tc.me.ID || got.DriverID != driver.ID {
				t.Errorf("got %s booking of %s (driver %s), want %s of %s (driver %s)", got.Status, got.PassengerID, got.DriverID, tc.status, tc.me.ID, driver.ID)
			}
		})
	}
}

func TestBookingDecisions(t *testing.T) {
	f := newApp(t)
	driver := f.member(carpool.RoleMember)
	stranger := f.member(carpool.RoleMember)
	ride := f.ride(driver, at(24*h), 3, carpool.BookingApproval)
	p1, p2, p3 := f.member(carpool.RoleMember), f.member(carpool.RoleMember), f.member(carpool.RoleMember)
	b1, b2, b3 := f.book(ride, p1, 1), f.book(ride, p2, 1), f.book(ride, p3, 1)

	type action func(me carpool.Member, id string) (carpool.Booking, error)
	confirm := func(me carpool.Member, id string) (carpool.Booking, error) {
		return f.app.ConfirmBooking(f.ctx, me, id)
	}
	reject := func(me carpool.Member, id string) (carpool.Booking, error) { return f.app.RejectBooking(f.ctx, me, id) }
	cancel := func(me carpool.Member, id string) (carpool.Booking, error) { return f.app.CancelBooking(f.ctx, me, id) }
	cases := []struct {
		name   string
		do     action
		me     carpool.Member
		id     string
		status carpool.BookingStatus
		code   string
	}{
		{"stranger confirms", confirm, stranger, b1.ID, "", carpool.ENOTFOUND},
		{"passenger confirms own", confirm, p1, b1.ID, "", carpool.EFORBIDDEN},
		{"driver confirms", confirm, driver, b1.ID, carpool.BookingConfirmed, ""},
		{"driver confirms again", confirm, driver, b1.ID, "", carpool.ECONFLICT},
		{"stranger rejects", reject, stranger, b2.ID, "", carpool.ENOTFOUND},
		{"passenger rejects own", reject, p2, b2.ID, "", carpool.EFORBIDDEN},
		{"driver rejects", reject, driver, b2.ID, carpool.BookingRejected, ""},
		{"stranger cancels", cancel, stranger, b3.ID, "", carpool.ENOTFOUND},
		{"other passenger cancels", cancel, p1, b3.ID, "", carpool.ENOTFOUND},
		{"passenger cancels", cancel, p3, b3.ID, carpool.BookingCancelled, ""},
		{"driver cancels a confirmed booking", cancel, driver, b1.ID, carpool.BookingCancelled, ""},
		{"unknown booking", cancel, driver, carpool.NewID(), "", carpool.ENOTFOUND},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.do(tc.me, tc.id)
			if tc.code != "" {
				wantCode(t, err, tc.code, "")
				return
			}
			mustDo(t, err)
			if got.Status != tc.status {
				t.Errorf("status: got %q, want %q", got.Status, tc.status)
			}
		})
	}
}

func TestBookingVisibility(t *testing.T) {
	f := newApp(t)
	driver := f.member(carpool.RoleMember)
	passenger := f.member(carpool.RoleMember)
	stranger := f.member(carpool.RoleMember)
	admin := f.member(carpool.RoleAdmin)
	ride := f.ride(driver, at(24*h), 3, carpool.BookingInstant)
	b := f.book(ride, passenger, 1)
	cases := []struct {
		name string
		me   carpool.Member
		id   string
		code string
	}{
		{"passenger", passenger, b.ID, ""},
		{"driver", driver, b.ID, ""},
		{"stranger", stranger, b.ID, carpool.ENOTFOUND},
		{"admin", admin, b.ID, carpool.ENOTFOUND},
		{"fleet manager", f.fm, b.ID, carpool.ENOTFOUND},
		{"anonymous", carpool.Member{}, b.ID, carpool.ENOTFOUND},
		{"unknown id", passenger, carpool.NewID(), carpool.ENOTFOUND},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.app.Booking(f.ctx, tc.me, tc.id)
			wantCode(t, err, tc.code, "")
			if tc.code == "" && got.ID != b.ID {
				t.Errorf("got booking %s, want %s", got.ID, b.ID)
			}
		})
	}
	t.Run("my bookings", func(t *testing.T) {
		cancelled := f.book(f.ride(driver, at(30*h), 3, carpool.BookingInstant), passenger, 1)
		_, err := f.app.CancelBooking(f.ctx, passenger, cancelled.ID)
		mustDo(t, err)
		cases := []struct {
			name       string
			me         carpool.Member
			activeOnly bool
			want       []string
		}{
			{"active", passenger, true, []string{b.ID}},
			{"all", passenger, false, []string{b.ID, cancelled.ID}},
			{"driver has none as passenger", driver, false, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, _, err := f.app.MyBookings(f.ctx, tc.me, tc.activeOnly, carpool.Page{})
				mustDo(t, err)
				ids := make([]string, len(got))
				for i, x := range got {
					ids[i] = x.ID
				}
				if !sameSet(ids, tc.want) {
					t.Errorf("got %v, want %v", ids, tc.want)
				}
			})
		}
	})
}
