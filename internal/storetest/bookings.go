package storetest

import (
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testBookings(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	p1, p2, p3 := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)

	t.Run("round trip", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		b := e.book(r, p1, 2, false)
		if b.Status != carpool.BookingConfirmed || b.RideID != r.ID || b.DriverID != driver.ID || b.PassengerID != p1.ID || b.Seats != 2 {
			t.Fatalf("got %+v", b)
		}
		if got := e.booking(b.ID); !reflect.DeepEqual(got, b) {
			t.Fatalf("got %+v, want %+v", got, b)
		}
		if got := e.rideNow(r.ID); got.SeatsTaken != 2 || got.Version != 2 {
			t.Fatalf("ride seats taken %d version %d, want 2 2", got.SeatsTaken, got.Version)
		}
		_, err := e.s.Booking(e.ctx, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = e.f.BookSeats(e.ctx, carpool.NewID(), p1, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("last seat", func(t *testing.T) {
		r := e.ride(driver, 2, carpool.BookingInstant)
		e.book(r, p1, 1, false)
		last := e.book(r, p2, 1, false)
		if last.Status != carpool.BookingConfirmed {
			t.Fatalf("last seat: got %q, want confirmed", last.Status)
		}
		_, err := e.f.BookSeats(e.ctx, r.ID, p3, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ECONFLICT, "seats")
		if got := e.rideNow(r.ID); got.SeatsTaken != 2 {
			t.Fatalf("seats taken %d, want 2", got.SeatsTaken)
		}
	})

	t.Run("more seats than free", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		e.book(r, p1, 2, false)
		_, err := e.f.BookSeats(e.ctx, r.ID, p2, carpool.BookingRequest{Seats: 2})
		wantCode(t, err, carpool.ECONFLICT, "seats")
	})

	t.Run("own ride", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		_, err := e.f.BookSeats(e.ctx, r.ID, driver, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.EFORBIDDEN, "")
	})

	t.Run("twice", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		e.book(r, p1, 1, false)
		_, err := e.f.BookSeats(e.ctx, r.ID, p1, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("again after cancelling", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		b := e.book(r, p1, 1, false)
		_, err := e.f.CancelBooking(e.ctx, b.ID, p1)
		noErr(t, err, "cancel")
		again := e.book(r, p1, 2, false)
		if again.Status != carpool.BookingConfirmed {
			t.Fatalf("got %q, want confirmed", again.Status)
		}
		if got := e.rideNow(r.ID); got.SeatsTaken != 2 {
			t.Fatalf("seats taken %d, want 2", got.SeatsTaken)
		}
	})

	t.Run("cancelled ride", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		_, err := e.f.CancelRide(e.ctx, r.ID, driver)
		noErr(t, err, "cancel ride")
		_, err = e.f.BookSeats(e.ctx, r.ID, p1, carpool.BookingRequest{Seats: 1, Waitlist: true})
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("departed ride", func(t *testing.T) {
		db := e.raw()
		r := e.ride(driver, 3, carpool.BookingInstant)
		_, err := db.ExecContext(e.ctx, `UPDATE rides SET depart_at = $1 WHERE id = $2`, e.now.Add(-time.Hour), r.ID)
		noErr(t, err, "move the ride into the past")
		_, err = e.f.BookSeats(e.ctx, r.ID, p1, carpool.BookingRequest{Seats: 1})
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("invalid seats", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		for _, n := range []int{0, -1, 4} {
			_, err := e.f.BookSeats(e.ctx, r.ID, p1, carpool.BookingRequest{Seats: n})
			wantCode(t, err, carpool.EINVALID, "seats")
		}
	})

	t.Run("approval", func(t *testing.T) {
		r := e.ride(driver, 2, carpool.BookingApproval)
		b1 := e.book(r, p1, 1, false)
		b2 := e.book(r, p2, 2, false)
		b3 := e.book(r, p3, 1, false)
		for _, b := range []carpool.Booking{b1, b2, b3} {
			if b.Status != carpool.BookingPending {
				t.Fatalf("got %q, want pending", b.Status)
			}
		}
		if got := e.rideNow(r.ID); got.SeatsTaken != 0 {
			t.Fatalf("pending bookings took %d seats", got.SeatsTaken)
		}
		_, err := e.f.ConfirmBooking(e.ctx, b1.ID, p1)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		_, err = e.f.ConfirmBooking(e.ctx, b1.ID, p2) // neither driver nor its passenger
		wantCode(t, err, carpool.ENOTFOUND, "")
		got, err := e.f.ConfirmBooking(e.ctx, b1.ID, driver)
		noErr(t, err, "confirm")
		if got.Status != carpool.BookingConfirmed {
			t.Fatalf("got %q, want confirmed", got.Status)
		}
		_, err = e.f.ConfirmBooking(e.ctx, b1.ID, driver)
		wantCode(t, err, carpool.ECONFLICT, "")
		// two seats asked, one free
		_, err = e.f.ConfirmBooking(e.ctx, b2.ID, driver)
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = e.f.RejectBooking(e.ctx, b2.ID, p2)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		rejected, err := e.f.RejectBooking(e.ctx, b2.ID, driver)
		noErr(t, err, "reject")
		if rejected.Status != carpool.BookingRejected {
			t.Fatalf("got %q, want rejected", rejected.Status)
		}
		_, err = e.f.RejectBooking(e.ctx, b1.ID, driver) // confirmed cannot be rejected
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = e.f.ConfirmBooking(e.ctx, b3.ID, driver)
		noErr(t, err, "confirm the last seat")
		if got := e.rideNow(r.ID); got.SeatsTaken != 2 {
			t.Fatalf("seats taken %d, want 2", got.SeatsTaken)
		}
		_, err = e.f.ConfirmBooking(e.ctx, carpool.NewID(), driver)
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("cancel", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		b1 := e.book(r, p1, 2, false)
		b2 := e.book(r, p2, 1, false)
		_, err := e.f.CancelBooking(e.ctx, b1.ID, p3)
		wantCode(t, err, carpool.ENOTFOUND, "")
		got, err := e.f.CancelBooking(e.ctx, b1.ID, p1)
		noErr(t, err, "cancel by passenger")
		if got.Status != carpool.BookingCancelled || got.CancelledBy != p1.ID {
			t.Fatalf("got %+v", got)
		}
		got, err = e.f.CancelBooking(e.ctx, b2.ID, driver)
		noErr(t, err, "cancel by driver")
		if got.CancelledBy != driver.ID {
			t.Fatalf("cancelled by %q, want the driver", got.CancelledBy)
		}
		if r := e.rideNow(r.ID); r.SeatsTaken != 0 {
			t.Fatalf("seats taken %d after cancelling all, want 0", r.SeatsTaken)
		}
		_, err = e.f.CancelBooking(e.ctx, b2.ID, driver)
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("cancelling the ride ends its bookings", func(t *testing.T) {
		r := e.ride(driver, 2, carpool.BookingInstant)
		b1 := e.book(r, p1, 2, false)
		b2 := e.book(r, p2, 1, true)
		_, err := e.f.CancelRide(e.ctx, r.ID, driver)
		noErr(t, err, "cancel ride")
		for _, b := range []carpool.Booking{b1, b2} {
			got := e.booking(b.ID)
			if got.Status != carpool.BookingCancelled || got.CancelledBy != driver.ID {
				t.Fatalf("booking after ride cancel: %+v", got)
			}
		}
		if got := e.rideNow(r.ID); got.SeatsTaken != 0 || got.Status != carpool.RideCancelled {
			t.Fatalf("ride after cancel: %+v", got)
		}
	})

	t.Run("contact visibility", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingApproval)
		b1 := e.book(r, p1, 1, false)
		e.book(r, p2, 1, false)
		_, err := e.f.ConfirmBooking(e.ctx, b1.ID, driver)
		noErr(t, err, "confirm")
		bookings, _, err := e.s.Bookings(e.ctx, carpool.BookingFilter{RideID: r.ID}, carpool.Page{Limit: 10})
		noErr(t, err, "bookings")
		ride := e.rideNow(r.ID)
		cases := []struct {
			viewer, other string
			want          bool
		}{
			{driver.ID, p1.ID, true},
			{p1.ID, driver.ID, true},
			{driver.ID, p2.ID, false}, // pending
			{p2.ID, driver.ID, false},
			{p1.ID, p2.ID, false},
		}
		for _, tc := range cases {
			if got := carpool.ContactVisible(ride, bookings, tc.viewer, tc.other); got != tc.want {
				t.Errorf("visible(%s, %s): got %v, want %v", tc.viewer, tc.other, got, tc.want)
			}
		}
	})

	t.Run("filters and pages", func(t *testing.T) {
		e := newEnv(t, open)
		d, a, b := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		r1, r2 := e.ride(d, 3, ""), e.ride(d, 3, "")
		x1 := e.book(r1, a, 1, false)
		x2 := e.book(r1, b, 1, false)
		x3 := e.book(r2, a, 1, false)
		_, err := e.f.CancelBooking(e.ctx, x3.ID, a)
		noErr(t, err, "cancel")
		cases := []struct {
			name string
			f    carpool.BookingFilter
			want []string
		}{
			{"passenger", carpool.BookingFilter{PassengerID: a.ID}, []string{x1.ID, x3.ID}},
			{"passenger active", carpool.BookingFilter{PassengerID: a.ID, ActiveOnly: true}, []string{x1.ID}},
			{"ride", carpool.BookingFilter{RideID: r1.ID}, []string{x1.ID, x2.ID}},
			{"all", carpool.BookingFilter{}, []string{x1.ID, x2.ID, x3.ID}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				cursor := ""
				for {
					bs, next, err := e.s.Bookings(e.ctx, tc.f, carpool.Page{Limit: 1, Cursor: cursor})
					noErr(t, err, "bookings")
					for _, b := range bs {
						got = append(got, b.ID)
					}
					if next == "" {
						break
					}
					cursor = next
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}
	})
}

func testWaitlist(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	a, b, w1, w2, w3 := e.member(carpool.RoleMember), e.member(carpool.RoleMember),
		e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)

	status := func(t *testing.T, bs ...carpool.Booking) []carpool.BookingStatus {
		t.Helper()
		var out []carpool.BookingStatus
		for _, x := range bs {
			out = append(out, e.booking(x.ID).Status)
		}
		return out
	}
	C, W := carpool.BookingConfirmed, carpool.BookingWaitlisted

	t.Run("full ride waitlists", func(t *testing.T) {
		r := e.ride(driver, 1, carpool.BookingInstant)
		e.book(r, a, 1, false)
		got := e.book(r, w1, 1, true)
		if got.Status != W {
			t.Fatalf("got %q, want waitlisted", got.Status)
		}
		if r := e.rideNow(r.ID); r.SeatsTaken != 1 {
			t.Fatalf("seats taken %d, want 1", r.SeatsTaken)
		}
	})

	t.Run("promotion on cancel, oldest that fits first", func(t *testing.T) {
		r := e.ride(driver, 3, carpool.BookingInstant)
		ba := e.book(r, a, 2, false)
		bb := e.book(r, b, 1, false)
		q1 := e.book(r, w1, 2, true) // oldest, wants 2
		q2 := e.book(r, w2, 1, true)
		q3 := e.book(r, w3, 1, true)
		if got, want := status(t, q1, q2, q3), []carpool.BookingStatus{W, W, W}; !reflect.DeepEqual(got, want) {
			t.Fatalf("before: got %v, want %v", got, want)
		}
		// one seat frees: w1 (2 seats) does not fit, w2 is the oldest that does
		_, err := e.f.CancelBooking(e.ctx, bb.ID, b)
		noErr(t, err, "cancel b")
		if got, want := status(t, q1, q2, q3), []carpool.BookingStatus{W, C, W}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after one seat: got %v, want %v", got, want)
		}
		// two seats free: w1 fits now, before the younger w3
		_, err = e.f.CancelBooking(e.ctx, ba.ID, a)
		noErr(t, err, "cancel a")
		if got, want := status(t, q1, q2, q3), []carpool.BookingStatus{C, C, W}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after two seats: got %v, want %v", got, want)
		}
		if r := e.rideNow(r.ID); r.SeatsTaken != 3 {
			t.Fatalf("seats taken %d, want 3", r.SeatsTaken)
		}
	})

	t.Run("promotion on seat increase", func(t *testing.T) {
		r := e.ride(driver, 2, carpool.BookingInstant)
		e.book(r, a, 2, false)
		q1 := e.book(r, w1, 2, true)
		q2 := e.book(r, w2, 1, true)
		three := 3
		got, err := e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{Seats: &three}, driver)
		noErr(t, err, "grow seats")
		if got.SeatsTaken != 3 {
			t.Fatalf("seats taken %d, want 3", got.SeatsTaken)
		}
		if s, want := status(t, q1, q2), []carpool.BookingStatus{W, C}; !reflect.DeepEqual(s, want) {
			t.Fatalf("got %v, want %v", s, want)
		}
	})

	t.Run("waitlisted can be rejected and cancelled", func(t *testing.T) {
		r := e.ride(driver, 1, carpool.BookingInstant)
		e.book(r, a, 1, false)
		q1 := e.book(r, w1, 1, true)
		q2 := e.book(r, w2, 1, true)
		_, err := e.f.RejectBooking(e.ctx, q1.ID, driver)
		noErr(t, err, "reject waitlisted")
		_, err = e.f.CancelBooking(e.ctx, q2.ID, w2)
		noErr(t, err, "cancel waitlisted")
		if r := e.rideNow(r.ID); r.SeatsTaken != 1 {
			t.Fatalf("seats taken %d, want 1", r.SeatsTaken)
		}
	})

	t.Run("approval ride: a freed seat makes the waitlist a request, not a booking", func(t *testing.T) {
		r := e.ride(driver, 1, carpool.BookingApproval)
		p := e.book(r, a, 1, false)
		_, err := e.f.ConfirmBooking(e.ctx, p.ID, driver)
		noErr(t, err, "confirm")
		q := e.book(r, w1, 1, true)
		if q.Status != W {
			t.Fatalf("got %q, want waitlisted", q.Status)
		}
		_, err = e.f.CancelBooking(e.ctx, p.ID, a)
		noErr(t, err, "cancel")
		if got := e.booking(q.ID).Status; got != carpool.BookingPending {
			t.Fatalf("got %q, want pending", got)
		}
		if r := e.rideNow(r.ID); r.SeatsTaken != 0 {
			t.Fatalf("got %d seats taken, want 0", r.SeatsTaken)
		}
		_, err = e.f.ConfirmBooking(e.ctx, q.ID, driver)
		noErr(t, err, "driver confirms the moved-up request")
	})

	t.Run("approval ride: the earlier request keeps its place", func(t *testing.T) {
		r := e.ride(driver, 1, carpool.BookingApproval)
		pa := e.book(r, a, 1, false)
		pb := e.book(r, w1, 1, false)
		_, err := e.f.ConfirmBooking(e.ctx, pa.ID, driver)
		noErr(t, err, "confirm a")
		pc := e.book(r, w2, 1, true)
		_, err = e.f.CancelBooking(e.ctx, pa.ID, a)
		noErr(t, err, "a cancels")
		for _, b := range []carpool.Booking{pb, pc} {
			if got := e.booking(b.ID).Status; got != carpool.BookingPending {
				t.Fatalf("booking %s: got %q, want pending", b.ID, got)
			}
		}
		_, err = e.f.ConfirmBooking(e.ctx, pb.ID, driver)
		noErr(t, err, "driver confirms the first request")
		_, err = e.f.ConfirmBooking(e.ctx, pc.ID, driver)
		wantCode(t, err, carpool.ECONFLICT, "")
	})
}
