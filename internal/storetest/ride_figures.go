package storetest

import (
	"math"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testRideFigures checks the ride aggregates against figures computed here from the
// same rides: counts, seats, and passenger kilometres (great circle times the road
// factor, the SQL's haversine agreeing with the domain's to a millimetre).
func testRideFigures(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	p1, p2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	shared := e.ride(driver, 3, carpool.BookingInstant)
	e.book(shared, p1, 1, false)
	e.book(shared, p2, 2, false)
	e.ride(driver, 3, carpool.BookingInstant) // offered, not shared
	cancelled := e.ride(driver, 3, carpool.BookingInstant)
	e.book(cancelled, p1, 1, false)
	_, err := e.f.CancelRide(e.ctx, cancelled.ID, driver)
	noErr(t, err, "cancel ride")

	km := carpool.DistanceKM(shared.From.Point(), shared.To.Point()) * carpool.RoadFactor
	window := carpool.RideFigureFilter{From: e.at(-time.Hour), To: e.at(30 * 24 * time.Hour)}
	cases := []struct {
		name string
		f    carpool.RideFigureFilter
		want carpool.RideFigures
	}{
		{"everyone", window, carpool.RideFigures{Offered: 2, Shared: 1, SeatsFilled: 3, PassengerKM: 3 * km}},
		{"the driver", carpool.RideFigureFilter{From: window.From, To: window.To, DriverID: driver.ID},
			carpool.RideFigures{Offered: 2, Shared: 1, SeatsFilled: 3, PassengerKM: 3 * km}},
		{"a passenger with two seats", carpool.RideFigureFilter{From: window.From, To: window.To, PassengerID: p2.ID},
			carpool.RideFigures{Offered: 1, Shared: 1, SeatsFilled: 2, PassengerKM: 2 * km}},
		{"before the rides", carpool.RideFigureFilter{From: e.at(-48 * time.Hour), To: e.at(-time.Hour)}, carpool.RideFigures{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.s.RideFigures(e.ctx, tc.f)
			noErr(t, err, "ride figures")
			if got.Offered != tc.want.Offered || got.Shared != tc.want.Shared || got.SeatsFilled != tc.want.SeatsFilled ||
				math.Abs(got.PassengerKM-tc.want.PassengerKM) > 1e-6 {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
