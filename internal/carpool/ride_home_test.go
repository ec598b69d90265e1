package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestNewRideHomeRequest(t *testing.T) {
	me := carpool.Member{ID: "rita", Role: carpool.RoleMember}
	depart := time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC)
	ride := carpool.Ride{ID: "ride", DriverID: "dora", DepartAt: depart, Status: carpool.RideOpen}
	site := carpool.Site{ID: "hq"}
	ask := func(change func(*carpool.RideHomeAsk)) carpool.RideHomeAsk {
		in := carpool.RideHomeAsk{
			Booking: carpool.Booking{ID: "b", RideID: "ride", PassengerID: "rita", Status: carpool.BookingRejected},
			Ride:    ride, Site: site, AtSite: true, PerYear: 4,
		}
		if change != nil {
			change(&in)
		}
		return in
	}
	cases := []struct {
		name   string
		in     carpool.RideHomeAsk
		now    time.Time
		code   string
		fields []string
	}{
		{name: "declined by the driver", in: ask(nil), now: depart.Add(-2 * time.Hour)},
		{name: "cancelled by the driver", in: ask(func(a *carpool.RideHomeAsk) {
			a.Booking.Status, a.Booking.CancelledBy = carpool.BookingCancelled, "dora"
		}), now: depart.Add(-time.Hour)},
		{name: "the ride cancelled", in: ask(func(a *carpool.RideHomeAsk) {
			a.Booking.Status, a.Ride.Status = carpool.BookingCancelled, carpool.RideCancelled
		}), now: depart},
		{name: "nobody came", in: ask(func(a *carpool.RideHomeAsk) { a.Booking.Status = carpool.BookingConfirmed }),
			now: depart.Add(20 * time.Minute)},
		{name: "still before a confirmed ride leaves", in: ask(func(a *carpool.RideHomeAsk) { a.Booking.Status = carpool.BookingConfirmed }),
			now: depart.Add(-time.Minute), code: carpool.ECONFLICT},
		{name: "cancelled by the passenger", in: ask(func(a *carpool.RideHomeAsk) {
			a.Booking.Status, a.Booking.CancelledBy = carpool.BookingCancelled, "rita"
		}), now: depart.Add(-time.Hour), code: carpool.ECONFLICT},
		{name: "someone else's booking", in: ask(func(a *carpool.RideHomeAsk) { a.Booking.PassengerID = "carl" }),
			now: depart, code: carpool.ENOTFOUND},
		{name: "just inside the window before", in: ask(nil), now: depart.Add(-carpool.RideHomeWindow)},
		{name: "too early", in: ask(nil), now: depart.Add(-carpool.RideHomeWindow - time.Second), code: carpool.ECONFLICT},
		{name: "just inside the window after", in: ask(nil), now: depart.Add(carpool.RideHomeWindow)},
		{name: "too late", in: ask(nil), now: depart.Add(carpool.RideHomeWindow + time.Second), code: carpool.ECONFLICT},
		{name: "the last of the year", in: ask(func(a *carpool.RideHomeAsk) { a.UsedThisYear = 3 }), now: depart},
		{name: "over the yearly limit", in: ask(func(a *carpool.RideHomeAsk) { a.UsedThisYear = 4 }), now: depart, code: carpool.ECONFLICT},
		{name: "no limit", in: ask(func(a *carpool.RideHomeAsk) { a.UsedThisYear, a.PerYear = 40, 0 }), now: depart},
		{name: "not from a site, and a bad note", in: ask(func(a *carpool.RideHomeAsk) { a.AtSite, a.Note = false, "hi\u202e" }),
			now: depart, code: carpool.EINVALID, fields: []string{"booking_id", "note"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := carpool.NewRideHomeRequest(me, tc.in, tc.now)
			if got := carpool.ErrorCode(err); tc.code != "" && got != tc.code || tc.code == "" && err != nil {
				t.Fatalf("got %v (%s), want code %q", err, got, tc.code)
			}
			if tc.fields != nil {
				got := carpool.ErrorFields(err)
				if len(got) != len(tc.fields) || got[0].Field != tc.fields[0] || got[1].Field != tc.fields[1] {
					t.Errorf("fields: got %v, want %v", got, tc.fields)
				}
			}
			if err == nil && (q.Status != carpool.RideHomeRequested || q.SiteID != "hq" || q.MemberID != "rita") {
				t.Errorf("request: got %+v", q)
			}
		})
	}
}

func TestRideHomeDecisions(t *testing.T) {
	now := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	fleet := carpool.Member{ID: "fiona", Role: carpool.RoleFleetManager}
	pending := carpool.RideHomeRequest{ID: "q", MemberID: "rita", Status: carpool.RideHomeRequested}

	for _, tc := range []struct {
		name   string
		d      carpool.RideHomeDecision
		fields []string
	}{
		{name: "a pool car needs its car", d: carpool.RideHomeDecision{Approve: true, Means: carpool.RideHomePoolCar}, fields: []string{"car_id"}},
		{name: "a taxi needs its voucher", d: carpool.RideHomeDecision{Approve: true, Means: carpool.RideHomeTaxi, Voucher: " "}, fields: []string{"voucher"}},
		{name: "an unknown means", d: carpool.RideHomeDecision{Approve: true, Means: "bike"}, fields: []string{"means"}},
		{name: "a decline needs its reason", d: carpool.RideHomeDecision{Reason: "\a"}, fields: []string{"reason"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.d.Check()
			if got := carpool.ErrorFields(err); len(got) != 1 || got[0].Field != tc.fields[0] {
				t.Errorf("fields: got %v (%v), want %v", got, err, tc.fields)
			}
		})
	}

	q := pending
	if err := q.Decide(carpool.Member{ID: "rita", Role: carpool.RoleMember}, carpool.RideHomeDecision{Reason: "no"}, "", now); carpool.ErrorCode(err) != carpool.EFORBIDDEN {
		t.Errorf("a member deciding: got %v, want forbidden", err)
	}
	if err := q.Decide(fleet, carpool.RideHomeDecision{Approve: true, Means: carpool.RideHomeTaxi, Voucher: "T-9"}, "", now); err != nil {
		t.Fatal(err)
	}
	if q.Status != carpool.RideHomeApproved || q.Voucher != "T-9" || q.DecidedBy != "fiona" || !q.DecidedAt.Equal(now) {
		t.Errorf("approved: got %+v", q)
	}
	if err := q.Decide(fleet, carpool.RideHomeDecision{Reason: "changed"}, "", now); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Errorf("deciding twice: got %v, want conflict", err)
	}
	q = pending
	if err := q.Decide(fleet, carpool.RideHomeDecision{Reason: "No car tonight"}, "", now); err != nil || q.Status != carpool.RideHomeDeclined || q.Reason != "No car tonight" {
		t.Errorf("declined: got %+v, %v", q, err)
	}
}
