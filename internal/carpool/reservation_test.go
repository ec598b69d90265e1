package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

var (
	t0      = time.Date(2030, 6, 1, 8, 0, 0, 0, time.UTC)
	member  = carpool.Member{ID: "m1", Role: carpool.RoleMember}
	member2 = carpool.Member{ID: "m2", Role: carpool.RoleMember}
	manager = carpool.Member{ID: "fm", Role: carpool.RoleFleetManager}
	admin   = carpool.Member{ID: "ad", Role: carpool.RoleAdmin}
)

func poolCar(status carpool.CarStatus) carpool.Car {
	return carpool.Car{ID: "car", Kind: carpool.CarPool, SiteID: "s", Seats: 5, Status: status}
}

func TestNewReservation(t *testing.T) {
	h := time.Hour
	cases := []struct {
		name       string
		car        carpool.Car
		by         carpool.Member
		kind       carpool.ReservationKind
		start, end time.Time
		code       string
		field      string
	}{
		{"trip", poolCar(carpool.CarActive), member, "", t0.Add(h), t0.Add(2 * h), "", ""},
		{"starts a little in the past", poolCar(carpool.CarActive), member, "", t0.Add(-4 * time.Minute), t0.Add(h), "", ""},
		{"starts in the past", poolCar(carpool.CarActive), member, "", t0.Add(-6 * time.Minute), t0.Add(h), carpool.EINVALID, "start"},
		{"fourteen days", poolCar(carpool.CarActive), member, "", t0.Add(h), t0.Add(h + carpool.MaxReservation), "", ""},
		{"end before start", poolCar(carpool.CarActive), member, "", t0.Add(2 * h), t0.Add(h), carpool.EINVALID, "end"},
		{"empty window", poolCar(carpool.CarActive), member, "", t0.Add(h), t0.Add(h), carpool.EINVALID, "end"},
		{"no start", poolCar(carpool.CarActive), member, "", time.Time{}, t0.Add(h), carpool.EINVALID, "start"},
		{"no end", poolCar(carpool.CarActive), member, "", t0.Add(h), time.Time{}, carpool.EINVALID, "end"},
		{"unknown kind", poolCar(carpool.CarActive), member, "holiday", t0.Add(h), t0.Add(2 * h), carpool.EINVALID, "kind"},
		{"private car", carpool.Car{ID: "c", Kind: carpool.CarPrivate, OwnerID: "m1", Status: carpool.CarActive}, member, "", t0.Add(h), t0.Add(2 * h), carpool.EINVALID, "car_id"},
		{"car in maintenance", poolCar(carpool.CarMaintenance), member, "", t0.Add(h), t0.Add(2 * h), carpool.ECONFLICT, "car_id"},
		{"retired car", poolCar(carpool.CarRetired), member, "", t0.Add(h), t0.Add(2 * h), carpool.ECONFLICT, "car_id"},
		{"maintenance by member", poolCar(carpool.CarActive), member, carpool.ReservationMaintenance, t0.Add(h), t0.Add(2 * h), carpool.EFORBIDDEN, ""},
		{"maintenance by fleet manager", poolCar(carpool.CarActive), manager, carpool.ReservationMaintenance, t0.Add(h), t0.Add(2 * h), "", ""},
		{"maintenance of a car in maintenance", poolCar(carpool.CarMaintenance), admin, carpool.ReservationMaintenance, t0.Add(h), t0.Add(2 * h), "", ""},
		{"maintenance of a retired car", poolCar(carpool.CarRetired), manager, carpool.ReservationMaintenance, t0.Add(h), t0.Add(2 * h), carpool.ECONFLICT, "car_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := carpool.NewReservation(tc.car, tc.by, tc.kind, tc.start, tc.end, t0)
			if got := carpool.ErrorCode(err); got != tc.code || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want code %q field %q", err, tc.code, tc.field)
			}
			if tc.code != "" {
				return
			}
			wantKind := tc.kind
			if wantKind == "" {
				wantKind = carpool.ReservationTrip
			}
			if r.ID == "" || r.CarID != tc.car.ID || r.MemberID != tc.by.ID || r.Kind != wantKind ||
				r.Status != carpool.ReservationActive || r.Start != carpool.Timestamp(tc.start) || !r.CreatedAt.Equal(t0) {
				t.Fatalf("got %+v", r)
			}
		})
	}
}

func TestReservationOverlaps(t *testing.T) {
	h := time.Hour
	r := carpool.Reservation{Start: t0.Add(10 * h), End: t0.Add(12 * h)}
	cases := []struct {
		name       string
		start, end time.Duration
		want       bool
	}{
		{"touching before", 8 * h, 10 * h, false},
		{"touching after", 12 * h, 14 * h, false},
		{"well before", 1 * h, 2 * h, false},
		{"overlapping start", 9 * h, 11 * h, true},
		{"overlapping end", 11 * h, 13 * h, true},
		{"inside", 10*h + time.Minute, 11 * h, true},
		{"around", 7 * h, 15 * h, true},
		{"same", 10 * h, 12 * h, true},
		{"one microsecond into it", 8 * h, 10*h + time.Microsecond, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Overlaps(t0.Add(tc.start), t0.Add(tc.end)); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	covers := []struct {
		at   time.Duration
		want bool
	}{{10 * h, true}, {11 * h, true}, {12 * h, false}, {10*h - time.Microsecond, false}}
	for _, tc := range covers {
		if got := r.Covers(t0.Add(tc.at)); got != tc.want {
			t.Errorf("covers %v: got %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestReservationCancel(t *testing.T) {
	cases := []struct {
		name string
		by   carpool.Member
		code string
	}{
		{"holder", member, ""},
		{"fleet manager", manager, ""},
		{"admin", admin, ""},
		{"other member", member2, carpool.EFORBIDDEN},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := carpool.Reservation{MemberID: member.ID, Status: carpool.ReservationActive}
			err := r.Cancel(tc.by, t0)
			if got := carpool.ErrorCode(err); got != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code == "" && (r.Status != carpool.ReservationCancelled || r.CancelledBy != tc.by.ID || !r.UpdatedAt.Equal(t0)) {
				t.Fatalf("got %+v", r)
			}
			if tc.code == "" {
				if err := r.Cancel(tc.by, t0); carpool.ErrorCode(err) != carpool.ECONFLICT {
					t.Fatalf("second cancel: got %v, want conflict", err)
				}
			}
		})
	}
	r := carpool.Reservation{MemberID: member.ID}
	if !r.VisibleTo(member) || !r.VisibleTo(manager) || r.VisibleTo(member2) {
		t.Fatal("reservation visibility: holder and fleet managers only")
	}
}
