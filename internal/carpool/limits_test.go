package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestLimits(t *testing.T) {
	day := 24 * time.Hour
	l := carpool.Limits{MaxAdvance: 365 * day, MaxOpenRides: 3, MaxActiveReservations: 2, MaxReservation: 14 * day}
	cases := []struct {
		name  string
		err   error
		code  string
		field string
	}{
		{"ride within a year", l.CheckRide(member, t0.Add(365*day), t0, 0), "", ""},
		{"ride past a year", l.CheckRide(member, t0.Add(365*day+time.Second), t0, 0), carpool.EINVALID, "depart_at"},
		{"ride in year 9999", l.CheckRide(member, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), t0, 0), carpool.EINVALID, "depart_at"},
		{"manager's ride past a year", l.CheckRide(manager, t0.Add(400*day), t0, 0), carpool.EINVALID, "depart_at"},
		{"below the ride count", l.CheckRide(member, t0.Add(day), t0, 2), "", ""},
		{"at the ride count", l.CheckRide(member, t0.Add(day), t0, 3), carpool.ECONFLICT, ""},
		{"manager at the ride count", l.CheckRide(manager, t0.Add(day), t0, 3), "", ""},
		{"admin past the ride count", l.CheckRide(admin, t0.Add(day), t0, 30), "", ""},
		{"moved departure past a year", l.CheckDeparture(t0.Add(2*365*day), t0), carpool.EINVALID, "depart_at"},
		{"reservation within a year", l.CheckReservation(member, carpool.ReservationTrip, t0.Add(300*day), t0.Add(301*day), t0, 0), "", ""},
		{"reservation past a year", l.CheckReservation(member, carpool.ReservationTrip, t0.Add(366*day), t0.Add(367*day), t0, 0), carpool.EINVALID, "start"},
		{"reservation of fourteen days", l.CheckReservation(member, carpool.ReservationTrip, t0, t0.Add(14*day), t0, 0), "", ""},
		{"reservation longer", l.CheckReservation(member, carpool.ReservationTrip, t0, t0.Add(14*day+time.Microsecond), t0, 0), carpool.EINVALID, "end"},
		{"manager's long trip", l.CheckReservation(manager, carpool.ReservationTrip, t0, t0.Add(20*day), t0, 0), carpool.EINVALID, "end"},
		{"below the reservation count", l.CheckReservation(member, carpool.ReservationTrip, t0, t0.Add(day), t0, 1), "", ""},
		{"at the reservation count", l.CheckReservation(member, carpool.ReservationTrip, t0, t0.Add(day), t0, 2), carpool.ECONFLICT, ""},
		{"manager at the reservation count", l.CheckReservation(manager, carpool.ReservationTrip, t0, t0.Add(day), t0, 2), "", ""},
		{"maintenance block far ahead and long", l.CheckReservation(manager, carpool.ReservationMaintenance, t0.Add(400*day), t0.Add(460*day), t0, 9), "", ""},
		{"no limits", carpool.Limits{}.CheckReservation(member, carpool.ReservationTrip, t0.Add(5000*day), t0.Add(5100*day), t0, 1000), "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := carpool.ErrorCode(tc.err); got != tc.code {
				t.Fatalf("got code %q (%v), want %q", got, tc.err, tc.code)
			}
			if got := carpool.ErrorField(tc.err); got != tc.field {
				t.Fatalf("got field %q (%v), want %q", got, tc.err, tc.field)
			}
		})
	}
	both := l.CheckReservation(member, carpool.ReservationTrip, t0.Add(400*day), t0.Add(430*day), t0, 0)
	if got := carpool.ErrorFields(both); len(got) != 2 || got[0].Field != "start" || got[1].Field != "end" {
		t.Fatalf("got fields %v, want start and end", got)
	}
	if d := carpool.DefaultLimits(); d.MaxAdvance != 365*day || d.MaxReservation != carpool.MaxReservation || d.MaxOpenRides == 0 || d.MaxActiveReservations == 0 {
		t.Fatalf("got defaults %+v, want a year ahead, 14 days and counts", d)
	}
}
