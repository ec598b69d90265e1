package carpool_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

var driver = carpool.Member{ID: "driver", Role: carpool.RoleMember}

func passenger(id string) carpool.Member { return carpool.Member{ID: id, Role: carpool.RoleMember} }

// book returns a RideBook of an open ride departing a day after t0.
func book(seats int, mode carpool.BookingMode) *carpool.RideBook {
	return &carpool.RideBook{Ride: carpool.Ride{
		ID: "ride", DriverID: driver.ID, Seats: seats, BookingMode: mode, Status: carpool.RideOpen,
		DepartAt: t0.Add(24 * time.Hour), Version: 1,
	}}
}

// fresh starts a new transaction on rb: the bookings as stored, no pending change.
func fresh(rb *carpool.RideBook) *carpool.RideBook {
	return &carpool.RideBook{Ride: rb.Ride, Bookings: append([]carpool.Booking(nil), rb.Bookings...)}
}

func mustBook(t *testing.T, rb *carpool.RideBook, who string, seats int, waitlist bool) (*carpool.RideBook, carpool.Booking) {
	t.Helper()
	rb = fresh(rb)
	b, err := rb.Book(passenger(who), carpool.BookingRequest{Seats: seats, Waitlist: waitlist}, t0)
	if err != nil {
		t.Fatalf("%s books %d: %v", who, seats, err)
	}
	return rb, b
}

// kinds lists the events of a change as "type:subject:recipient:reason".
func kinds(t *testing.T, ch carpool.Change) []string {
	t.Helper()
	var out []string
	for _, e := range ch.Events {
		var p struct {
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatalf("payload %s: %v", e.Payload, err)
		}
		out = append(out, e.Type+":"+e.SubjectID+":"+e.RecipientID+":"+p.Reason)
	}
	return out
}

func statuses(rb *carpool.RideBook) map[string]carpool.BookingStatus {
	out := map[string]carpool.BookingStatus{}
	for _, b := range rb.Bookings {
		out[b.PassengerID] = b.Status
	}
	return out
}

func TestBook(t *testing.T) {
	cases := []struct {
		name     string
		seats    int
		mode     carpool.BookingMode
		taken    int
		req      carpool.BookingRequest
		who      carpool.Member
		status   carpool.BookingStatus
		code     string
		event    string
		newTaken int
	}{
		{"instant", 3, carpool.BookingInstant, 0, carpool.BookingRequest{Seats: 2}, passenger("p"), carpool.BookingConfirmed, "", carpool.EventBookingConfirmed, 2},
		{"last seat", 3, carpool.BookingInstant, 2, carpool.BookingRequest{Seats: 1}, passenger("p"), carpool.BookingConfirmed, "", carpool.EventBookingConfirmed, 3},
		{"full", 3, carpool.BookingInstant, 3, carpool.BookingRequest{Seats: 1}, passenger("p"), "", carpool.ECONFLICT, "", 3},
		{"not enough free", 3, carpool.BookingInstant, 2, carpool.BookingRequest{Seats: 2}, passenger("p"), "", carpool.ECONFLICT, "", 2},
		{"full, waitlist", 3, carpool.BookingInstant, 3, carpool.BookingRequest{Seats: 1, Waitlist: true}, passenger("p"), carpool.BookingWaitlisted, "", carpool.EventBookingWaitlisted, 3},
		{"free, waitlist asked", 3, carpool.BookingInstant, 0, carpool.BookingRequest{Seats: 1, Waitlist: true}, passenger("p"), carpool.BookingConfirmed, "", carpool.EventBookingConfirmed, 1},
		{"approval", 3, carpool.BookingApproval, 0, carpool.BookingRequest{Seats: 1}, passenger("p"), carpool.BookingPending, "", carpool.EventBookingRequested, 0},
		{"approval, full, waitlist", 3, carpool.BookingApproval, 3, carpool.BookingRequest{Seats: 1, Waitlist: true}, passenger("p"), carpool.BookingWaitlisted, "", carpool.EventBookingWaitlisted, 3},
		{"own ride", 3, carpool.BookingInstant, 0, carpool.BookingRequest{Seats: 1}, driver, "", carpool.EFORBIDDEN, "", 0},
		{"zero seats", 3, carpool.BookingInstant, 0, carpool.BookingRequest{Seats: 0}, passenger("p"), "", carpool.EINVALID, "", 0},
		{"more than the ride", 3, carpool.BookingInstant, 0, carpool.BookingRequest{Seats: 4, Waitlist: true}, passenger("p"), "", carpool.EINVALID, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := book(tc.seats, tc.mode)
			rb.Ride.SeatsTaken = tc.taken
			b, err := rb.Book(tc.who, tc.req, t0)
			if got := carpool.ErrorCode(err); got != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			ch := rb.Change()
			if rb.Ride.SeatsTaken != tc.newTaken {
				t.Fatalf("seats taken %d, want %d", rb.Ride.SeatsTaken, tc.newTaken)
			}
			if tc.code != "" {
				if len(ch.Events) != 0 || len(ch.Created) != 0 || ch.RideChanged {
					t.Fatalf("a refused booking changed something: %+v", ch)
				}
				return
			}
			if b.Status != tc.status || b.Seats != tc.req.Seats || b.DriverID != driver.ID || b.RideID != "ride" || b.ID == "" {
				t.Fatalf("got %+v", b)
			}
			if len(ch.Created) != 1 || ch.Created[0] != b || len(ch.Events) != 1 || ch.Events[0].Type != tc.event {
				t.Fatalf("change: %+v", ch)
			}
			if wantChanged := tc.newTaken != tc.taken; ch.RideChanged != wantChanged || (wantChanged && rb.Ride.Version != 2) {
				t.Fatalf("ride changed %v version %d, want changed %v", ch.RideChanged, rb.Ride.Version, wantChanged)
			}
		})
	}
}

func TestBookRefusals(t *testing.T) {
	t.Run("twice", func(t *testing.T) {
		for _, status := range []carpool.BookingStatus{carpool.BookingPending, carpool.BookingConfirmed, carpool.BookingWaitlisted} {
			rb := book(3, carpool.BookingInstant)
			rb.Bookings = []carpool.Booking{{ID: "b", PassengerID: "p", Seats: 1, Status: status}}
			_, err := rb.Book(passenger("p"), carpool.BookingRequest{Seats: 1}, t0)
			if carpool.ErrorCode(err) != carpool.ECONFLICT {
				t.Fatalf("with a %s booking: got %v, want conflict", status, err)
			}
		}
		for _, status := range []carpool.BookingStatus{carpool.BookingCancelled, carpool.BookingRejected} {
			rb := book(3, carpool.BookingInstant)
			rb.Bookings = []carpool.Booking{{ID: "b", PassengerID: "p", Seats: 1, Status: status}}
			if _, err := rb.Book(passenger("p"), carpool.BookingRequest{Seats: 1}, t0); err != nil {
				t.Fatalf("after a %s booking: %v", status, err)
			}
		}
	})
	t.Run("cancelled ride", func(t *testing.T) {
		rb := book(3, carpool.BookingInstant)
		rb.Ride.Status = carpool.RideCancelled
		_, err := rb.Book(passenger("p"), carpool.BookingRequest{Seats: 1, Waitlist: true}, t0)
		if carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("got %v, want conflict", err)
		}
	})
	t.Run("departed ride", func(t *testing.T) {
		rb := book(3, carpool.BookingInstant)
		_, err := rb.Book(passenger("p"), carpool.BookingRequest{Seats: 1}, rb.Ride.DepartAt)
		if carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("got %v, want conflict", err)
		}
	})
}

func TestConfirmReject(t *testing.T) {
	rb := book(2, carpool.BookingApproval)
	rb, p1 := mustBook(t, rb, "p1", 1, false)
	rb, p2 := mustBook(t, rb, "p2", 2, false)
	rb, _ = mustBook(t, rb, "p3", 1, false)

	cases := []struct {
		name string
		op   func(rb *carpool.RideBook) (carpool.Booking, error)
		code string
	}{
		{"passenger cannot confirm", func(rb *carpool.RideBook) (carpool.Booking, error) { return rb.Confirm(p1.ID, passenger("p1"), t0) }, carpool.EFORBIDDEN},
		{"stranger sees nothing", func(rb *carpool.RideBook) (carpool.Booking, error) { return rb.Confirm(p1.ID, passenger("p2"), t0) }, carpool.ENOTFOUND},
		{"unknown booking", func(rb *carpool.RideBook) (carpool.Booking, error) { return rb.Confirm("nope", driver, t0) }, carpool.ENOTFOUND},
		{"passenger cannot reject", func(rb *carpool.RideBook) (carpool.Booking, error) { return rb.Reject(p1.ID, passenger("p1"), t0) }, carpool.EFORBIDDEN},
		{"confirm after departure", func(rb *carpool.RideBook) (carpool.Booking, error) {
			return rb.Confirm(p1.ID, driver, rb.Ride.DepartAt.Add(time.Minute))
		}, carpool.ECONFLICT},
		{"driver confirms", func(rb *carpool.RideBook) (carpool.Booking, error) { return rb.Confirm(p1.ID, driver, t0) }, ""},
		{"driver rejects", func(rb *carpool.RideBook) (carpool.Booking, error) { return rb.Reject(p2.ID, driver, t0) }, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := fresh(rb)
			_, err := tc.op(rb)
			if got := carpool.ErrorCode(err); got != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code != "" && (len(rb.Change().Events) != 0 || len(rb.Change().Updated) != 0) {
				t.Fatalf("a refused operation changed something: %+v", rb.Change())
			}
		})
	}

	t.Run("confirm takes seats, once", func(t *testing.T) {
		rb := fresh(rb)
		b, err := rb.Confirm(p1.ID, driver, t0)
		if err != nil || b.Status != carpool.BookingConfirmed || rb.Ride.SeatsTaken != 1 {
			t.Fatalf("got %+v taken %d, %v", b, rb.Ride.SeatsTaken, err)
		}
		if got, want := kinds(t, rb.Change()), []string{"booking.confirmed:" + p1.ID + ":p1:approved"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("events %v, want %v", got, want)
		}
		if _, err := rb.Confirm(p1.ID, driver, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("confirm twice: got %v, want conflict", err)
		}
		// p2 wants 2 seats, only 1 is left
		if _, err := rb.Confirm(p2.ID, driver, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("confirm beyond the seats: got %v, want conflict", err)
		}
		if _, err := rb.Reject(p1.ID, driver, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("reject a confirmed booking: got %v, want conflict", err)
		}
		if len(rb.Change().Updated) != 1 || rb.Ride.Version != 2 {
			t.Fatalf("change %+v, version %d", rb.Change(), rb.Ride.Version)
		}
	})

	t.Run("reject", func(t *testing.T) {
		rb := fresh(rb)
		b, err := rb.Reject(p2.ID, driver, t0)
		if err != nil || b.Status != carpool.BookingRejected || rb.Change().RideChanged {
			t.Fatalf("got %+v, %v, ride changed %v", b, err, rb.Change().RideChanged)
		}
		if got, want := kinds(t, rb.Change()), []string{"booking.rejected:" + p2.ID + ":p2:driver"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("events %v, want %v", got, want)
		}
	})
}

func TestCancelPromotesOldestThatFits(t *testing.T) {
	rb := book(3, carpool.BookingInstant)
	rb, a := mustBook(t, rb, "a", 2, false)
	rb, b := mustBook(t, rb, "b", 1, false)
	rb, w1 := mustBook(t, rb, "w1", 2, true)
	rb, w2 := mustBook(t, rb, "w2", 1, true)
	rb, _ = mustBook(t, rb, "w3", 1, true)
	if rb.Ride.SeatsTaken != 3 {
		t.Fatalf("seats taken %d, want 3", rb.Ride.SeatsTaken)
	}

	// b frees one seat: w1 needs two, so w2 (the oldest that fits) moves up
	rb = fresh(rb)
	if _, err := rb.Cancel(b.ID, passenger("b"), t0); err != nil {
		t.Fatal(err)
	}
	want := map[string]carpool.BookingStatus{"a": "confirmed", "b": "cancelled", "w1": "waitlisted", "w2": "confirmed", "w3": "waitlisted"}
	if got := statuses(rb); !reflect.DeepEqual(got, want) {
		t.Fatalf("after b cancels: got %v, want %v", got, want)
	}
	if got, want := kinds(t, rb.Change()), []string{
		"booking.cancelled:" + b.ID + ":driver:passenger",
		"booking.confirmed:" + w2.ID + ":w2:waitlist_promoted",
	}; !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if ch := rb.Change(); len(ch.Updated) != 2 || ch.Updated[0].ID != b.ID || ch.Updated[1].ID != w2.ID || rb.Ride.SeatsTaken != 3 || rb.Ride.Version != 4 {
		t.Fatalf("change %+v, taken %d, version %d", ch, rb.Ride.SeatsTaken, rb.Ride.Version)
	}

	// the driver cancels a: two seats free, w1 fits now and comes before w3
	rb = fresh(rb)
	if _, err := rb.Cancel(a.ID, driver, t0); err != nil {
		t.Fatal(err)
	}
	want = map[string]carpool.BookingStatus{"a": "cancelled", "b": "cancelled", "w1": "confirmed", "w2": "confirmed", "w3": "waitlisted"}
	if got := statuses(rb); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a is cancelled: got %v, want %v", got, want)
	}
	if got, want := kinds(t, rb.Change()), []string{
		"booking.cancelled:" + a.ID + ":a:driver",
		"booking.confirmed:" + w1.ID + ":w1:waitlist_promoted",
	}; !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for _, x := range rb.Bookings {
		if x.ID == a.ID && x.CancelledBy != driver.ID {
			t.Fatalf("cancelled by %q, want the driver", x.CancelledBy)
		}
	}
}

func TestCancelRules(t *testing.T) {
	rb := book(2, carpool.BookingApproval)
	rb, p := mustBook(t, rb, "p", 1, false)
	cases := []struct {
		name string
		by   carpool.Member
		id   string
		code string
	}{
		{"passenger", passenger("p"), p.ID, ""},
		{"driver", driver, p.ID, ""},
		{"stranger", passenger("x"), p.ID, carpool.ENOTFOUND},
		{"unknown", passenger("p"), "nope", carpool.ENOTFOUND},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := fresh(rb)
			b, err := rb.Cancel(tc.id, tc.by, t0)
			if got := carpool.ErrorCode(err); got != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code != "" {
				return
			}
			if b.Status != carpool.BookingCancelled || b.CancelledBy != tc.by.ID || rb.Change().RideChanged {
				t.Fatalf("got %+v (cancelling a pending booking frees no seat)", b)
			}
			if _, err := rb.Cancel(tc.id, tc.by, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
				t.Fatalf("cancel twice: got %v, want conflict", err)
			}
		})
	}
	t.Run("no promotion after departure", func(t *testing.T) {
		rb := book(1, carpool.BookingInstant)
		rb, a := mustBook(t, rb, "a", 1, false)
		rb, _ = mustBook(t, rb, "w", 1, true)
		rb = fresh(rb)
		if _, err := rb.Cancel(a.ID, passenger("a"), rb.Ride.DepartAt.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if statuses(rb)["w"] != carpool.BookingWaitlisted || rb.Ride.SeatsTaken != 0 {
			t.Fatalf("got %v taken %d, want w still waitlisted", statuses(rb), rb.Ride.SeatsTaken)
		}
	})
}

func TestCancelRide(t *testing.T) {
	rb := book(2, carpool.BookingInstant)
	rb, a := mustBook(t, rb, "a", 2, false)
	rb, w := mustBook(t, rb, "w", 1, true)
	rb.Bookings = append(rb.Bookings, carpool.Booking{ID: "old", PassengerID: "o", Status: carpool.BookingRejected})

	if err := fresh(rb).CancelRide(passenger("a"), t0); carpool.ErrorCode(err) != carpool.EFORBIDDEN {
		t.Fatalf("passenger cancels the ride: got %v, want forbidden", err)
	}
	if err := fresh(rb).CancelRide(admin, t0); err != nil {
		t.Fatalf("admin cancels the ride: %v", err)
	}
	rb = fresh(rb)
	if err := rb.CancelRide(driver, t0); err != nil {
		t.Fatal(err)
	}
	if rb.Ride.Status != carpool.RideCancelled || rb.Ride.SeatsTaken != 0 || rb.Ride.Version != 3 {
		t.Fatalf("ride %+v", rb.Ride)
	}
	want := map[string]carpool.BookingStatus{"a": "cancelled", "w": "cancelled", "o": "rejected"}
	if got := statuses(rb); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, want := kinds(t, rb.Change()), []string{
		"booking.cancelled:" + a.ID + ":a:ride_cancelled",
		"booking.cancelled:" + w.ID + ":w:ride_cancelled",
		"ride.cancelled:ride:driver:",
	}; !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if err := rb.CancelRide(driver, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Fatalf("cancel twice: got %v, want conflict", err)
	}
}

func TestUpdateRide(t *testing.T) {
	car := carpool.Car{ID: "c", Kind: carpool.CarPrivate, OwnerID: driver.ID, Seats: 5, Status: carpool.CarActive}
	ptr := func(n int) *int { return &n }
	rb := book(2, carpool.BookingInstant)
	rb, _ = mustBook(t, rb, "a", 2, false)
	rb, _ = mustBook(t, rb, "w1", 2, true)
	rb, _ = mustBook(t, rb, "w2", 1, true)
	later := t0.Add(48 * time.Hour)
	approval := carpool.BookingApproval
	bad := carpool.BookingMode("x")
	notes := "bring snacks"

	cases := []struct {
		name     string
		p        carpool.RidePatch
		by       carpool.Member
		code     string
		field    string
		statuses map[string]carpool.BookingStatus
	}{
		{"not the driver", carpool.RidePatch{Seats: ptr(3)}, passenger("a"), carpool.EFORBIDDEN, "", nil},
		{"below confirmed", carpool.RidePatch{Seats: ptr(1)}, driver, carpool.ECONFLICT, "seats", nil},
		{"more than the car", carpool.RidePatch{Seats: ptr(5)}, driver, carpool.EINVALID, "seats", nil},
		{"departure in the past", carpool.RidePatch{DepartAt: &t0}, driver, carpool.EINVALID, "depart_at", nil},
		{"bad mode", carpool.RidePatch{BookingMode: &bad}, driver, carpool.EINVALID, "booking_mode", nil},
		{"one more seat promotes w2", carpool.RidePatch{Seats: ptr(3)}, driver, "", "",
			map[string]carpool.BookingStatus{"a": "confirmed", "w1": "waitlisted", "w2": "confirmed"}},
		{"two more promote w1 first", carpool.RidePatch{Seats: ptr(4)}, driver, "", "",
			map[string]carpool.BookingStatus{"a": "confirmed", "w1": "confirmed", "w2": "waitlisted"}},
		{"other fields", carpool.RidePatch{DepartAt: &later, BookingMode: &approval, Notes: &notes}, driver, "", "",
			map[string]carpool.BookingStatus{"a": "confirmed", "w1": "waitlisted", "w2": "waitlisted"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := fresh(rb)
			err := rb.Update(tc.p, tc.by, car, nil, t0)
			if got := carpool.ErrorCode(err); got != tc.code || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want %q %q", err, tc.code, tc.field)
			}
			if tc.code != "" {
				return
			}
			if got := statuses(rb); !reflect.DeepEqual(got, tc.statuses) {
				t.Fatalf("got %v, want %v", got, tc.statuses)
			}
			ch := rb.Change()
			if !ch.RideChanged || rb.Ride.Version != 3 || ch.Events[0].Type != carpool.EventRideUpdated {
				t.Fatalf("change %+v version %d", ch, rb.Ride.Version)
			}
		})
	}
	t.Run("cancelled ride", func(t *testing.T) {
		rb := fresh(rb)
		rb.Ride.Status = carpool.RideCancelled
		if err := rb.Update(carpool.RidePatch{Notes: &notes}, driver, car, nil, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Fatalf("got %v, want conflict", err)
		}
	})
}

func TestContactVisible(t *testing.T) {
	ride := carpool.Ride{ID: "ride", DriverID: "d"}
	bookings := []carpool.Booking{
		{RideID: "ride", PassengerID: "c", Status: carpool.BookingConfirmed},
		{RideID: "ride", PassengerID: "p", Status: carpool.BookingPending},
		{RideID: "ride", PassengerID: "w", Status: carpool.BookingWaitlisted},
		{RideID: "ride", PassengerID: "x", Status: carpool.BookingCancelled},
		{RideID: "other", PassengerID: "o", Status: carpool.BookingConfirmed},
	}
	cases := []struct {
		viewer, other string
		want          bool
	}{
		{"d", "c", true},
		{"c", "d", true},
		{"d", "p", false},
		{"p", "d", false},
		{"w", "d", false},
		{"x", "d", false},
		{"d", "o", false}, // confirmed on another ride
		{"c", "p", false}, // passengers do not see each other
		{"p", "p", true},  // everyone sees themselves
		{"s", "d", false},
	}
	for _, tc := range cases {
		if got := carpool.ContactVisible(ride, bookings, tc.viewer, tc.other); got != tc.want {
			t.Errorf("%s sees %s: got %v, want %v", tc.viewer, tc.other, got, tc.want)
		}
	}
}

func TestUpdateRideStaysWithinReservation(t *testing.T) {
	pool := carpool.Car{ID: "c", Kind: carpool.CarPool, SiteID: "s", Seats: 5, Status: carpool.CarActive}
	res := carpool.Reservation{ID: "r", CarID: "c", MemberID: driver.ID, Kind: carpool.ReservationTrip,
		Status: carpool.ReservationActive, Start: t0.Add(20 * time.Hour), End: t0.Add(30 * time.Hour)}
	with := func(edit func(*carpool.Reservation)) *carpool.Reservation {
		r := res
		edit(&r)
		return &r
	}
	at := func(d time.Duration) *time.Time { t := t0.Add(d); return &t }
	cases := []struct {
		name   string
		depart *time.Time
		res    *carpool.Reservation
		code   string
	}{
		{"within", at(29 * time.Hour), &res, ""},
		{"at the start", at(20 * time.Hour), &res, ""},
		{"at the end", at(30 * time.Hour), &res, carpool.ECONFLICT},
		{"after", at(40 * time.Hour), &res, carpool.ECONFLICT},
		{"before", at(2 * time.Hour), &res, carpool.ECONFLICT},
		{"years later", at(80 * 365 * 24 * time.Hour), &res, carpool.ECONFLICT},
		{"reservation gone", at(25 * time.Hour), nil, carpool.ECONFLICT},
		{"reservation cancelled", at(25 * time.Hour), with(func(r *carpool.Reservation) { r.Status = carpool.ReservationCancelled }), carpool.ECONFLICT},
		{"another reservation", at(25 * time.Hour), with(func(r *carpool.Reservation) { r.ID = "other" }), carpool.ECONFLICT},
		{"departure unchanged", nil, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := book(2, carpool.BookingInstant)
			rb.Ride.CarID, rb.Ride.ReservationID = "c", "r"
			before := rb.Ride.DepartAt
			notes := "moved"
			err := rb.Update(carpool.RidePatch{DepartAt: tc.depart, Notes: &notes}, driver, pool, tc.res, t0)
			if got := carpool.ErrorCode(err); got != tc.code {
				t.Fatalf("got %q (%v), want %q", got, err, tc.code)
			}
			if tc.code == "" {
				return
			}
			if got := carpool.ErrorField(err); got != "depart_at" {
				t.Fatalf("got field %q, want depart_at", got)
			}
			if !rb.Ride.DepartAt.Equal(before) || rb.Change().RideChanged {
				t.Fatalf("got departure %v changed %v, want %v unchanged", rb.Ride.DepartAt, rb.Change().RideChanged, before)
			}
		})
	}
}

// TestApprovalModeFreedSeats: in approval mode a freed seat confirms nobody by itself;
// pending requests keep their place, waitlisted bookings that fit become pending in
// order, and the driver decides. Instant mode keeps promoting.
func TestApprovalModeFreedSeats(t *testing.T) {
	type step struct {
		name string
		do   func(rb *carpool.RideBook, ids map[string]string) error
	}
	cancel := func(who string, by carpool.Member) step {
		return step{"cancel " + who, func(rb *carpool.RideBook, ids map[string]string) error {
			_, err := rb.Cancel(ids[who], by, t0)
			return err
		}}
	}
	confirm := func(who string) step {
		return step{"confirm " + who, func(rb *carpool.RideBook, ids map[string]string) error {
			_, err := rb.Confirm(ids[who], driver, t0)
			return err
		}}
	}
	reject := func(who string) step {
		return step{"reject " + who, func(rb *carpool.RideBook, ids map[string]string) error {
			_, err := rb.Reject(ids[who], driver, t0)
			return err
		}}
	}
	patch := func(name string, p carpool.RidePatch) step {
		return step{name, func(rb *carpool.RideBook, ids map[string]string) error {
			car := carpool.Car{ID: "c", Kind: carpool.CarPrivate, OwnerID: driver.ID, Seats: 5, Status: carpool.CarActive}
			return rb.Update(p, driver, car, nil, t0)
		}}
	}
	seats := func(n int) *int { return &n }
	mode := func(m carpool.BookingMode) *carpool.BookingMode { return &m }
	cases := []struct {
		name      string
		mode      carpool.BookingMode
		steps     []step
		want      map[string]carpool.BookingStatus
		events    []string // type:passenger:reason of the last step's booking events
		wantTaken int
	}{
		{
			name:   "confirmed passenger cancels: waitlisted moves to pending behind the earlier request",
			mode:   carpool.BookingApproval,
			steps:  []step{cancel("a", passenger("a"))},
			want:   map[string]carpool.BookingStatus{"a": "cancelled", "b": "pending", "c": "pending"},
			events: []string{"booking.cancelled:a:passenger", "booking.requested:c:waitlist_moved_up"},
		},
		{
			name:      "then the driver confirms the first request",
			mode:      carpool.BookingApproval,
			steps:     []step{cancel("a", passenger("a")), confirm("b")},
			want:      map[string]carpool.BookingStatus{"a": "cancelled", "b": "confirmed", "c": "pending"},
			events:    []string{"booking.confirmed:b:approved"},
			wantTaken: 1,
		},
		{
			name:      "or the later one",
			mode:      carpool.BookingApproval,
			steps:     []step{cancel("a", passenger("a")), confirm("c")},
			want:      map[string]carpool.BookingStatus{"a": "cancelled", "b": "pending", "c": "confirmed"},
			events:    []string{"booking.confirmed:c:approved"},
			wantTaken: 1,
		},
		{
			name:      "the driver cancels the confirmed booking",
			mode:      carpool.BookingApproval,
			steps:     []step{cancel("a", driver)},
			want:      map[string]carpool.BookingStatus{"a": "cancelled", "b": "pending", "c": "pending"},
			events:    []string{"booking.cancelled:a:driver", "booking.requested:c:waitlist_moved_up"},
			wantTaken: 0,
		},
		{
			name:      "a pending request withdrawn frees no seat",
			mode:      carpool.BookingApproval,
			steps:     []step{cancel("b", passenger("b"))},
			want:      map[string]carpool.BookingStatus{"a": "confirmed", "b": "cancelled", "c": "waitlisted"},
			events:    []string{"booking.cancelled:b:passenger"},
			wantTaken: 1,
		},
		{
			name:      "a rejected request frees no seat",
			mode:      carpool.BookingApproval,
			steps:     []step{reject("b")},
			want:      map[string]carpool.BookingStatus{"a": "confirmed", "b": "rejected", "c": "waitlisted"},
			events:    []string{"booking.rejected:b:driver"},
			wantTaken: 1,
		},
		{
			name:      "more seats move the waitlist to pending",
			mode:      carpool.BookingApproval,
			steps:     []step{patch("two seats", carpool.RidePatch{Seats: seats(2)})},
			want:      map[string]carpool.BookingStatus{"a": "confirmed", "b": "pending", "c": "pending"},
			events:    []string{"booking.requested:c:waitlist_moved_up"},
			wantTaken: 1,
		},
		{
			name:      "switching to instant promotes the waitlist but leaves requests to the driver",
			mode:      carpool.BookingApproval,
			steps:     []step{patch("instant, two seats", carpool.RidePatch{Seats: seats(2), BookingMode: mode(carpool.BookingInstant)})},
			want:      map[string]carpool.BookingStatus{"a": "confirmed", "b": "pending", "c": "confirmed"},
			events:    []string{"booking.confirmed:c:waitlist_promoted"},
			wantTaken: 2,
		},
		{
			name:      "instant mode promotes a waitlisted booking at once",
			mode:      carpool.BookingInstant,
			steps:     []step{cancel("a", passenger("a"))},
			want:      map[string]carpool.BookingStatus{"a": "cancelled", "c": "confirmed"},
			events:    []string{"booking.cancelled:a:passenger", "booking.confirmed:c:waitlist_promoted"},
			wantTaken: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// One seat: in approval mode b asks while it is free, the driver confirms a,
			// then c can only join the waitlist. In instant mode a books it, c waits.
			rb := book(1, tc.mode)
			ids := map[string]string{}
			var b carpool.Booking
			if tc.mode == carpool.BookingApproval {
				rb, b = mustBook(t, rb, "a", 1, false)
				ids["a"] = b.ID
				rb, b = mustBook(t, rb, "b", 1, false)
				ids["b"] = b.ID
				rb = fresh(rb)
				if _, err := rb.Confirm(ids["a"], driver, t0); err != nil {
					t.Fatalf("confirm a: %v", err)
				}
			} else {
				rb, b = mustBook(t, rb, "a", 1, false)
				ids["a"] = b.ID
			}
			rb, b = mustBook(t, rb, "c", 1, true)
			ids["c"] = b.ID
			if b.Status != carpool.BookingWaitlisted {
				t.Fatalf("c: got %s, want waitlisted", b.Status)
			}
			for _, s := range tc.steps {
				rb = fresh(rb)
				if err := s.do(rb, ids); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
			}
			if got := statuses(rb); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if rb.Ride.SeatsTaken != tc.wantTaken {
				t.Fatalf("got %d seats taken, want %d", rb.Ride.SeatsTaken, tc.wantTaken)
			}
			var got []string
			for _, e := range rb.Change().Events {
				if e.Type == carpool.EventRideUpdated {
					continue
				}
				var p struct {
					PassengerID string `json:"passenger_id"`
					Reason      string `json:"reason"`
				}
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					t.Fatalf("payload: %v", err)
				}
				got = append(got, e.Type+":"+p.PassengerID+":"+p.Reason)
			}
			if !reflect.DeepEqual(got, tc.events) {
				t.Fatalf("got events %v, want %v", got, tc.events)
			}
		})
	}
}

// TestUpdateDetour checks a new detour budget against the passengers who count on the
// old one: only a confirmed booking with a pickup and drop-off can hold a reduction back.
func TestUpdateDetour(t *testing.T) {
	car := carpool.Car{ID: "c", Kind: carpool.CarPrivate, OwnerID: driver.ID, Seats: 5, Status: carpool.CarActive}
	// Zurich to Bern; Baden lies well off the way.
	base := book(3, carpool.BookingInstant)
	base.Ride.From = carpool.Place{Label: "Zurich", Lat: 47.3779, Lon: 8.5403}
	base.Ride.To = carpool.Place{Label: "Bern", Lat: 46.9490, Lon: 7.4391}
	base.Ride.DetourKM = 30
	baden := &carpool.Place{Label: "Baden", Lat: 47.4764, Lon: 8.3065}
	bern := &carpool.Place{Label: "Bern Wankdorf", Lat: 46.9630, Lon: 7.4650}
	p, q := baden.Point(), bern.Point()
	need := base.Ride.Insert(&p, &q).DetourKM
	km := func(x float64) *float64 { return &x }

	cases := []struct {
		name   string
		status carpool.BookingStatus
		points bool
		budget float64
		code   string
	}{
		{"below a confirmed passenger's detour", carpool.BookingConfirmed, true, need - 0.5, carpool.ECONFLICT},
		{"just what the confirmed passenger needs", carpool.BookingConfirmed, true, need, ""},
		{"confirmed passenger boarding at the start", carpool.BookingConfirmed, false, 0, ""},
		{"pending request", carpool.BookingPending, true, 0, ""},
		{"waitlisted passenger", carpool.BookingWaitlisted, true, 0, ""},
		{"a larger budget", carpool.BookingConfirmed, true, 40, ""},
		{"negative", carpool.BookingConfirmed, false, -1, carpool.EINVALID},
		{"above the maximum", carpool.BookingConfirmed, false, carpool.MaxDetourKM + 0.1, carpool.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rb := fresh(base)
			b := carpool.Booking{ID: "b", RideID: "ride", DriverID: driver.ID, PassengerID: "p", Seats: 1, Status: tc.status}
			if tc.points {
				b.Pickup, b.Dropoff = baden, bern
			}
			rb.Bookings = []carpool.Booking{b}
			err := rb.Update(carpool.RidePatch{DetourKM: km(tc.budget)}, driver, car, nil, t0)
			if got := carpool.ErrorCode(err); got != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code != "" {
				if carpool.ErrorField(err) != "max_detour_km" || rb.Ride.DetourKM != 30 {
					t.Fatalf("got field %q and budget %.1f, want max_detour_km and the old 30", carpool.ErrorField(err), rb.Ride.DetourKM)
				}
				return
			}
			if rb.Ride.DetourKM != tc.budget || !rb.Change().RideChanged {
				t.Fatalf("got budget %.2f, want %.2f written", rb.Ride.DetourKM, tc.budget)
			}
		})
	}
}
