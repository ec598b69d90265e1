package app_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestReserve(t *testing.T) {
	f := newApp(t)
	site := f.site("HQ")
	car := f.poolCar(site, "ZH R1", 5)
	retired := f.poolCar(site, "ZH R2", 5)
	_, err := f.app.RetireCar(f.ctx, f.fm, retired.ID, 0)
	mustDo(t, err)
	member := f.member(carpool.RoleMember)
	other := f.member(carpool.RoleMember)
	own := f.privateCar(member, 4)
	othersCar := f.privateCar(other, 4)
	cases := []struct {
		name       string
		me         carpool.Member
		car        string
		kind       carpool.ReservationKind
		start, end time.Duration
		code       string
		field      string
	}{
		{"trip", member, car.ID, "", 2 * h, 4 * h, "", ""},
		{"overlapping", other, car.ID, carpool.ReservationTrip, 3 * h, 5 * h, carpool.ECONFLICT, ""},
		{"touching", other, car.ID, carpool.ReservationTrip, 4 * h, 5 * h, "", ""},
		{"maintenance by member", member, car.ID, carpool.ReservationMaintenance, 10 * h, 12 * h, carpool.EFORBIDDEN, ""},
		{"maintenance by fleet manager", f.fm, car.ID, carpool.ReservationMaintenance, 10 * h, 12 * h, "", ""},
		{"retired car", member, retired.ID, carpool.ReservationTrip, 2 * h, 4 * h, carpool.ECONFLICT, "car_id"},
		{"own private car", member, own.ID, carpool.ReservationTrip, 2 * h, 4 * h, carpool.EINVALID, "car_id"},
		{"other member's private car", member, othersCar.ID, carpool.ReservationTrip, 2 * h, 4 * h, carpool.ENOTFOUND, ""},
		{"unknown car", member, carpool.NewID(), carpool.ReservationTrip, 2 * h, 4 * h, carpool.ENOTFOUND, ""},
		{"in the past", member, car.ID, carpool.ReservationTrip, -3 * h, -2 * h, carpool.EINVALID, "start"},
		{"end before start", member, car.ID, carpool.ReservationTrip, 30 * h, 29 * h, carpool.EINVALID, "end"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := f.app.Reserve(f.ctx, tc.me, tc.car, tc.kind, at(tc.start), at(tc.end))
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if r.MemberID != tc.me.ID || r.Status != carpool.ReservationActive || !r.Start.Equal(at(tc.start)) {
				t.Errorf("got %+v, want an active reservation of %s from %v", r, tc.me.ID, at(tc.start))
			}
		})
	}
}

func TestReservationVisibility(t *testing.T) {
	f := newApp(t)
	car := f.poolCar(f.site("HQ"), "ZH V1", 5)
	holder := f.member(carpool.RoleMember)
	other := f.member(carpool.RoleMember)
	admin := f.member(carpool.RoleAdmin)
	res := f.reserve(holder, car, carpool.ReservationTrip, at(2*h), at(4*h))

	cases := []struct {
		name       string
		me         carpool.Member
		code       string // of Reservation(id)
		seesHolder bool   // in the car's list
	}{
		{"holder", holder, "", true},
		{"other member", other, carpool.ENOTFOUND, false},
		{"fleet manager", f.fm, "", true},
		{"admin", admin, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.app.Reservation(f.ctx, tc.me, res.ID)
			wantCode(t, err, tc.code, "")
			if tc.code == "" && got.MemberID != holder.ID {
				t.Errorf("reservation holder: got %q, want %q", got.MemberID, holder.ID)
			}
			list, err := f.app.AllCarReservations(f.ctx, tc.me, car.ID, carpool.ReservationFilter{ActiveOnly: true})
			mustDo(t, err)
			if len(list) != 1 || list[0].ID != res.ID || !list[0].Start.Equal(res.Start) || !list[0].End.Equal(res.End) {
				t.Fatalf("car reservations: got %+v, want the one window %v–%v", list, res.Start, res.End)
			}
			want := ""
			if tc.seesHolder {
				want = holder.ID
			}
			if got := list[0].MemberID; got != want {
				t.Errorf("holder in the car's list: got %q, want %q", got, want)
			}
			if !tc.seesHolder && !list[0].CreatedAt.IsZero() {
				t.Errorf("created at in the car's list: got %v, want it hidden", list[0].CreatedAt)
			}
		})
	}

	t.Run("my reservations", func(t *testing.T) {
		mine, err := f.app.AllMyReservations(f.ctx, other, carpool.ReservationFilter{})
		mustDo(t, err)
		if len(mine) != 0 {
			t.Errorf("other member's reservations: got %d, want 0", len(mine))
		}
		mine, err = f.app.AllMyReservations(f.ctx, holder, carpool.ReservationFilter{})
		mustDo(t, err)
		if len(mine) != 1 || mine[0].ID != res.ID {
			t.Errorf("holder's reservations: got %+v, want %s", mine, res.ID)
		}
	})
	t.Run("private car's reservations", func(t *testing.T) {
		_, _, err := f.app.CarReservations(f.ctx, other, f.privateCar(holder, 4).ID, carpool.ReservationFilter{}, carpool.Page{})
		wantCode(t, err, carpool.ENOTFOUND, "")
	})
	t.Run("window the wrong way round", func(t *testing.T) {
		_, _, err := f.app.CarReservations(f.ctx, holder, car.ID, carpool.ReservationFilter{Start: at(4 * h), End: at(2 * h)}, carpool.Page{})
		wantCode(t, err, carpool.EINVALID, "end")
	})
}

func TestCancelReservation(t *testing.T) {
	f := newApp(t)
	car := f.poolCar(f.site("HQ"), "ZH C1", 5)
	holder := f.member(carpool.RoleMember)
	other := f.member(carpool.RoleMember)
	first := f.reserve(holder, car, carpool.ReservationTrip, at(2*h), at(4*h))
	second := f.reserve(holder, car, carpool.ReservationTrip, at(6*h), at(8*h))
	cases := []struct {
		name string
		me   carpool.Member
		id   string
		code string
	}{
		{"other member", other, first.ID, carpool.ENOTFOUND},
		{"unknown", holder, carpool.NewID(), carpool.ENOTFOUND},
		{"holder", holder, first.ID, ""},
		{"holder again", holder, first.ID, carpool.ECONFLICT},
		{"fleet manager", f.fm, second.ID, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := f.app.CancelReservation(f.ctx, tc.me, tc.id)
			if tc.code != "" {
				wantCode(t, err, tc.code, "")
				return
			}
			mustDo(t, err)
			if r.Status != carpool.ReservationCancelled || r.CancelledBy != tc.me.ID {
				t.Errorf("got status %q cancelled by %q, want cancelled by %q", r.Status, r.CancelledBy, tc.me.ID)
			}
		})
	}
	// The window is free again.
	_, err := f.app.Reserve(f.ctx, other, car.ID, carpool.ReservationTrip, at(2*h), at(4*h))
	mustDo(t, err)
}
