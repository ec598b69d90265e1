package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestPoolCarWindow(t *testing.T) {
	depart := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)
	// About 22 km of road: 0.2 degrees of latitude north, times the road factor.
	r := carpool.Ride{DepartAt: depart, From: carpool.Place{Lat: 48.1, Lon: 11.5}, To: carpool.Place{Lat: 48.3, Lon: 11.5}}
	drive := carpool.TravelTime(carpool.RoadKM(r.From.Point(), r.To.Point()))
	cases := []struct {
		name       string
		now        time.Time
		start, end time.Time
		ok         bool
	}{
		{name: "hours ahead", now: depart.Add(-3 * time.Hour), start: depart.Add(-15 * time.Minute), end: depart.Add(drive + time.Hour), ok: true},
		{name: "minutes ahead starts now", now: depart.Add(-5*time.Minute - 30*time.Second), start: depart.Add(-5 * time.Minute), end: depart.Add(drive + time.Hour), ok: true},
		{name: "at departure", now: depart},
		{name: "after departure", now: depart.Add(time.Minute)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start, end, ok := carpool.PoolCarWindow(r, c.now)
			if ok != c.ok || !start.Equal(c.start) || !end.Equal(c.end) {
				t.Fatalf("got %s..%s %v, want %s..%s %v", start, end, ok, c.start, c.end, c.ok)
			}
			if !ok {
				return
			}
			// A departure with seconds gives the same start, on the minute (the form's).
			r2 := r
			r2.DepartAt = depart.Add(30 * time.Second)
			if s2, _, _ := carpool.PoolCarWindow(r2, c.now); !s2.Equal(c.start) {
				t.Errorf("departing at :30 s: start got %s, want %s", s2, c.start)
			}
		})
	}
}

func TestPoolCarFree(t *testing.T) {
	start := time.Date(2026, 12, 7, 16, 45, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	pool := carpool.Car{ID: "p", Kind: carpool.CarPool, Status: carpool.CarActive}
	held := func(s, e time.Time, status carpool.ReservationStatus) []carpool.Reservation {
		return []carpool.Reservation{{CarID: "p", Start: s, End: e, Status: status}}
	}
	with := func(change func(*carpool.Car)) carpool.Car { c := pool; change(&c); return c }
	cases := []struct {
		name string
		car  carpool.Car
		held []carpool.Reservation
		want bool
	}{
		{name: "free", car: pool, want: true},
		{name: "reserved before, ending at the start", car: pool, held: held(start.Add(-time.Hour), start, carpool.ReservationActive), want: true},
		{name: "a cancelled reservation across", car: pool, held: held(start, end, carpool.ReservationCancelled), want: true},
		{name: "reserved across the end", car: pool, held: held(end.Add(-time.Minute), end.Add(time.Hour), carpool.ReservationActive)},
		{name: "in maintenance", car: with(func(c *carpool.Car) { c.Status = carpool.CarMaintenance })},
		{name: "retired", car: with(func(c *carpool.Car) { c.Status = carpool.CarRetired })},
		{name: "a private car", car: with(func(c *carpool.Car) { c.Kind = carpool.CarPrivate })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := carpool.PoolCarFree(c.car, c.held, start, end); got != c.want {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
}
