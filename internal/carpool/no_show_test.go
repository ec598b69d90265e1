package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestMarkDriverNoShow(t *testing.T) {
	pia := carpool.Member{ID: "pia", Role: carpool.RoleMember}
	dora := carpool.Member{ID: "dora", Role: carpool.RoleMember}
	depart := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	ride := carpool.Ride{ID: "ride", DriverID: "dora", DepartAt: depart, Status: carpool.RideOpen}
	confirmed := carpool.Booking{ID: "b", RideID: "ride", DriverID: "dora", PassengerID: "pia", Status: carpool.BookingConfirmed}
	with := func(status carpool.BookingStatus) carpool.Booking { b := confirmed; b.Status = status; return b }
	cancelled := ride
	cancelled.Status = carpool.RideCancelled
	cases := []struct {
		name     string
		by       carpool.Member
		ride     carpool.Ride
		booking  carpool.Booking
		reported bool
		now      time.Time
		code     string
	}{
		{name: "at departure", by: pia, ride: ride, booking: confirmed, now: depart},
		{name: "the next morning", by: pia, ride: ride, booking: confirmed, now: depart.Add(23 * time.Hour)},
		{name: "before departure", by: pia, ride: ride, booking: confirmed, now: depart.Add(-time.Minute), code: carpool.ECONFLICT},
		{name: "a day after departure", by: pia, ride: ride, booking: confirmed, now: depart.Add(carpool.DriverNoShowWindow), code: carpool.ECONFLICT},
		{name: "twice", by: pia, ride: ride, booking: confirmed, reported: true, now: depart.Add(time.Hour), code: carpool.ECONFLICT},
		{name: "the ride was cancelled", by: pia, ride: cancelled, booking: with(carpool.BookingCancelled), now: depart.Add(time.Hour), code: carpool.ECONFLICT},
		{name: "a pending request", by: pia, ride: ride, booking: with(carpool.BookingPending), now: depart.Add(time.Hour), code: carpool.ECONFLICT},
		{name: "on the waitlist", by: pia, ride: ride, booking: with(carpool.BookingWaitlisted), now: depart.Add(time.Hour), code: carpool.ECONFLICT},
		{name: "a cancelled booking", by: pia, ride: ride, booking: with(carpool.BookingCancelled), now: depart.Add(time.Hour), code: carpool.ECONFLICT},
		{name: "the driver", by: dora, ride: ride, booking: confirmed, now: depart.Add(time.Hour), code: carpool.EFORBIDDEN},
		{name: "someone else", by: carpool.Member{ID: "fiona", Role: carpool.RoleFleetManager}, ride: ride, booking: confirmed,
			now: depart.Add(time.Hour), code: carpool.EFORBIDDEN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := carpool.MarkDriverNoShow(c.by, c.ride, c.booking, c.reported, c.now)
			if got := carpool.ErrorCode(err); got != c.code {
				t.Fatalf("got code %q (%v), want %q", got, err, c.code)
			}
			if can := carpool.CanMarkDriverNoShow(c.by, c.ride, c.booking, c.reported, c.now); can != (c.code == "") {
				t.Fatalf("CanMarkDriverNoShow: got %v, want %v", can, c.code == "")
			}
			if c.code != "" {
				return
			}
			want := carpool.DriverNoShow{BookingID: "b", RideID: "ride", DriverID: "dora", PassengerID: "pia", At: c.now}
			if n != want {
				t.Fatalf("got %+v, want %+v", n, want)
			}
		})
	}
}

func TestCheckNoShows(t *testing.T) {
	cases := []struct {
		name    string
		limits  carpool.Limits
		noShows int
		code    string
	}{
		{name: "no limit counts only", limits: carpool.DefaultLimits(), noShows: 50},
		{name: "below the limit", limits: carpool.Limits{MaxNoShows: 3}, noShows: 2},
		{name: "at the limit", limits: carpool.Limits{MaxNoShows: 3}, noShows: 3, code: carpool.ECONFLICT},
		{name: "beyond the limit", limits: carpool.Limits{MaxNoShows: 3, NoShowPeriod: 7 * 24 * time.Hour}, noShows: 4, code: carpool.ECONFLICT},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := carpool.ErrorCode(c.limits.CheckNoShows(c.noShows)); got != c.code {
				t.Fatalf("got code %q, want %q", got, c.code)
			}
		})
	}
}

func TestNoShowSpan(t *testing.T) {
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		period time.Duration
		want   time.Time
	}{
		{0, now.Add(-carpool.DefaultNoShowPeriod)},
		{7 * 24 * time.Hour, now.Add(-7 * 24 * time.Hour)},
	} {
		from, to := carpool.Limits{NoShowPeriod: c.period}.NoShowSpan(now)
		if !from.Equal(c.want) || !to.Equal(now) {
			t.Fatalf("period %s: got %s..%s, want %s..%s", c.period, from, to, c.want, now)
		}
	}
}
