package storetest

import (
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testSearch(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	h := time.Hour
	zurich := carpool.Point{Lat: 47.3779, Lon: 8.5403}
	bern := carpool.Point{Lat: 46.9490, Lon: 7.4391}
	winterthur := carpool.Point{Lat: 47.5000, Lon: 8.7241} // ~19 km from Zurich
	oerlikon := carpool.Point{Lat: 47.4116, Lon: 8.5442}   // ~4 km from Zurich HB
	passenger := e.member(carpool.RoleMember)

	offer := func(from, to carpool.Point, depart time.Duration, seats int) carpool.Ride {
		t.Helper()
		d := e.member(carpool.RoleMember)
		in := e.rideInput(e.privateCar(d, 8), seats, carpool.BookingInstant)
		in.From = carpool.Place{Label: "from", Lat: from.Lat, Lon: from.Lon}
		in.To = carpool.Place{Label: "to", Lat: to.Lat, Lon: to.Lon}
		in.DepartAt = e.at(depart)
		r, err := e.f.CreateRide(e.ctx, in, d)
		noErr(t, err, "create ride")
		return r
	}
	exact := offer(zurich, bern, 10*h, 3)                   // at the wished time, at the wished places
	near := offer(oerlikon, bern, 10*h, 3)                  // 4 km off
	late := offer(zurich, bern, 11*h, 3)                    // an hour off: 6 "km"
	early := offer(zurich, bern, 9*h, 3)                    // an hour early: 6 too, first for leaving earlier
	far := offer(winterthur, bern, 10*h, 3)                 // outside 5 km
	reverse := offer(bern, zurich, 10*h, 3)                 // wrong direction
	full := offer(zurich, bern, 10*h, 1)                    // no seat left
	cancelled := offer(zurich, bern, 10*h, 3)               // cancelled
	outside := offer(zurich, bern, 30*h, 3)                 // outside the window
	twoSeats := offer(zurich, bern, 10*h+30*time.Minute, 1) // only one seat free
	e.book(full, passenger, 1, false)
	cancelledDriver, err := e.s.Member(e.ctx, cancelled.DriverID)
	noErr(t, err, "driver")
	_, err = e.f.CancelRide(e.ctx, cancelled.ID, cancelledDriver)
	noErr(t, err, "cancel")
	_ = far
	_ = reverse
	_ = outside

	ids := func(ms []carpool.RideMatch) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Ride.ID)
		}
		return out
	}
	query := func(from, to *carpool.Point, seats int) carpool.RideQuery {
		q, err := carpool.RideQuery{From: from, To: to, RadiusKM: 5, DepartAfter: e.at(8 * h), DepartBefore: e.at(12 * h), Seats: seats}.Normalize(e.now)
		noErr(t, err, "normalize")
		return q
	}
	cases := []struct {
		name          string
		q             carpool.RideQuery
		offset, limit int
		want          []string
	}{
		{"both ends ranked", query(&zurich, &bern, 1), 0, 10, []string{exact.ID, twoSeats.ID, near.ID, early.ID, late.ID}},
		{"two seats", query(&zurich, &bern, 2), 0, 10, []string{exact.ID, near.ID, early.ID, late.ID}},
		{"page", query(&zurich, &bern, 1), 1, 2, []string{twoSeats.ID, near.ID}},
		{"past the end", query(&zurich, &bern, 1), 10, 10, nil},
		{"origin only", query(&oerlikon, nil, 2), 0, 10, []string{near.ID, exact.ID, early.ID, late.ID}},
		{"full rides for the waitlist", func() carpool.RideQuery {
			q := query(&zurich, &bern, 1)
			q.Full = true
			return q
		}(), 0, 10, []string{full.ID}},
		{"rides lacking two seats", func() carpool.RideQuery {
			q := query(&zurich, &bern, 2)
			q.Full = true
			return q
		}(), 0, 10, []string{full.ID, twoSeats.ID}},
		{"destination only, wider", func() carpool.RideQuery {
			q := query(nil, &zurich, 1)
			q.RadiusKM = 1
			return q
		}(), 0, 10, []string{reverse.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.s.SearchRides(e.ctx, tc.q, tc.offset, tc.limit)
			noErr(t, err, "search")
			if g := ids(got); !reflect.DeepEqual(g, tc.want) {
				t.Fatalf("got %v, want %v", g, tc.want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Score < got[i-1].Score {
					t.Fatalf("scores out of order: %v", got)
				}
			}
		})
	}
}
