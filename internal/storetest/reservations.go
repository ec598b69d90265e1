package storetest

import (
	"carpool/internal/app"
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testReservations(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	site := e.site()
	member := e.member(carpool.RoleMember)
	other := e.member(carpool.RoleMember)
	manager := e.member(carpool.RoleFleetManager)
	h := time.Hour

	t.Run("round trip", func(t *testing.T) {
		car := e.poolCar(site, 5)
		r, err := e.f.CreateReservation(e.ctx, car.ID, member, "", e.at(h), e.at(3*h))
		noErr(t, err, "reserve")
		if r.Kind != carpool.ReservationTrip || r.Status != carpool.ReservationActive || r.MemberID != member.ID {
			t.Fatalf("got %+v", r)
		}
		got, err := e.s.Reservation(e.ctx, r.ID)
		noErr(t, err, "reservation")
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("got %+v, want %+v", got, r)
		}
		_, err = e.s.Reservation(e.ctx, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("windows", func(t *testing.T) {
		car := e.poolCar(site, 5)
		_, err := e.f.CreateReservation(e.ctx, car.ID, member, carpool.ReservationTrip, e.at(10*h), e.at(12*h))
		noErr(t, err, "reserve 10-12")
		cases := []struct {
			name       string
			start, end time.Duration
			ok         bool
		}{
			{"touching before", 8 * h, 10 * h, true},
			{"touching after", 12 * h, 14 * h, true},
			{"overlapping start", 9 * h, 11 * h, false},
			{"overlapping end", 11 * h, 13 * h, false},
			{"inside", 10*h + time.Minute, 11 * h, false},
			{"around", 7 * h, 15 * h, false},
			{"same", 10 * h, 12 * h, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.f.CreateReservation(e.ctx, car.ID, other, carpool.ReservationTrip, e.at(tc.start), e.at(tc.end))
				if tc.ok {
					noErr(t, err, "reserve")
				} else {
					wantCode(t, err, carpool.ECONFLICT, "")
				}
			})
		}
		// another car is not affected
		_, err = e.f.CreateReservation(e.ctx, e.poolCar(site, 5).ID, other, carpool.ReservationTrip, e.at(10*h), e.at(12*h))
		noErr(t, err, "reserve another car in the same window")
	})

	t.Run("invalid requests", func(t *testing.T) {
		car := e.poolCar(site, 5)
		_, err := e.f.CreateReservation(e.ctx, car.ID, member, carpool.ReservationTrip, e.at(2*h), e.at(h))
		wantCode(t, err, carpool.EINVALID, "end")
		_, err = e.f.CreateReservation(e.ctx, e.privateCar(member, 4).ID, member, carpool.ReservationTrip, e.at(h), e.at(2*h))
		wantCode(t, err, carpool.EINVALID, "car_id")
		_, err = e.f.CreateReservation(e.ctx, carpool.NewID(), member, carpool.ReservationTrip, e.at(h), e.at(2*h))
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("maintenance by fleet managers only", func(t *testing.T) {
		car := e.poolCar(site, 5)
		_, err := e.f.CreateReservation(e.ctx, car.ID, member, carpool.ReservationMaintenance, e.at(h), e.at(5*h))
		wantCode(t, err, carpool.EFORBIDDEN, "")
		block, err := e.f.CreateReservation(e.ctx, car.ID, manager, carpool.ReservationMaintenance, e.at(h), e.at(5*h))
		noErr(t, err, "maintenance block")
		if block.Kind != carpool.ReservationMaintenance {
			t.Fatalf("got kind %q, want maintenance", block.Kind)
		}
		_, err = e.f.CreateReservation(e.ctx, car.ID, member, carpool.ReservationTrip, e.at(2*h), e.at(3*h))
		wantCode(t, err, carpool.ECONFLICT, "")
	})

	t.Run("trip on a car in maintenance", func(t *testing.T) {
		car := e.poolCar(site, 5)
		_, err := e.f.UpdateCar(e.ctx, car.ID, 0, app.CarPatch{Status: new(carpool.CarMaintenance)}, e.member(carpool.RoleFleetManager))
		noErr(t, err, "car to maintenance")
		_, err = e.f.CreateReservation(e.ctx, car.ID, member, carpool.ReservationTrip, e.at(h), e.at(2*h))
		wantCode(t, err, carpool.ECONFLICT, "car_id")
	})

	t.Run("cancel then reserve again", func(t *testing.T) {
		car := e.poolCar(site, 5)
		r, err := e.f.CreateReservation(e.ctx, car.ID, member, carpool.ReservationTrip, e.at(h), e.at(2*h))
		noErr(t, err, "reserve")
		// Another member's reservation is not theirs to see, let alone cancel.
		_, err = e.f.CancelReservation(e.ctx, r.ID, other)
		wantCode(t, err, carpool.ENOTFOUND, "")
		got, err := e.f.CancelReservation(e.ctx, r.ID, member)
		noErr(t, err, "cancel")
		if got.Status != carpool.ReservationCancelled || got.CancelledBy != member.ID {
			t.Fatalf("got %+v", got)
		}
		stored, _ := e.s.Reservation(e.ctx, r.ID)
		if !reflect.DeepEqual(stored, got) {
			t.Fatalf("stored %+v, want %+v", stored, got)
		}
		_, err = e.f.CancelReservation(e.ctx, r.ID, member)
		wantCode(t, err, carpool.ECONFLICT, "")
		_, err = e.f.CreateReservation(e.ctx, car.ID, other, carpool.ReservationTrip, e.at(h), e.at(2*h))
		noErr(t, err, "reserve the freed window")
		_, err = e.f.CancelReservation(e.ctx, carpool.NewID(), member)
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("fleet manager cancels", func(t *testing.T) {
		r, err := e.f.CreateReservation(e.ctx, e.poolCar(site, 5).ID, member, carpool.ReservationTrip, e.at(h), e.at(2*h))
		noErr(t, err, "reserve")
		got, err := e.f.CancelReservation(e.ctx, r.ID, manager)
		noErr(t, err, "cancel by fleet manager")
		if got.CancelledBy != manager.ID {
			t.Fatalf("cancelled by %q, want %q", got.CancelledBy, manager.ID)
		}
	})

	t.Run("filters and pages", func(t *testing.T) {
		e := newEnv(t, open)
		site := e.site()
		a, b := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		car, car2 := e.poolCar(site, 5), e.poolCar(site, 5)
		r1, _ := e.f.CreateReservation(e.ctx, car.ID, a, "", e.at(h), e.at(2*h))
		r2, _ := e.f.CreateReservation(e.ctx, car.ID, b, "", e.at(3*h), e.at(4*h))
		r3, _ := e.f.CreateReservation(e.ctx, car2.ID, a, "", e.at(h), e.at(2*h))
		r4, _ := e.f.CreateReservation(e.ctx, car.ID, a, "", e.at(5*h), e.at(6*h))
		_, err := e.f.CancelReservation(e.ctx, r4.ID, a)
		noErr(t, err, "cancel")
		cases := []struct {
			name string
			f    carpool.ReservationFilter
			want []string
		}{
			{"car", carpool.ReservationFilter{CarID: car.ID}, []string{r1.ID, r2.ID, r4.ID}},
			{"car active", carpool.ReservationFilter{CarID: car.ID, ActiveOnly: true}, []string{r1.ID, r2.ID}},
			{"member", carpool.ReservationFilter{MemberID: a.ID}, []string{r1.ID, r3.ID, r4.ID}},
			{"window", carpool.ReservationFilter{CarID: car.ID, Start: e.at(2 * h), End: e.at(3*h + time.Minute)}, []string{r2.ID}},
			{"window touching", carpool.ReservationFilter{Start: e.at(2 * h), End: e.at(3 * h)}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				cursor := ""
				for {
					rs, next, err := e.s.Reservations(e.ctx, tc.f, carpool.Page{Limit: 1, Cursor: cursor})
					noErr(t, err, "reservations")
					for _, r := range rs {
						got = append(got, r.ID)
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
