package carpool_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func rideInput(carID string) carpool.RideInput {
	return carpool.RideInput{
		CarID:    carID,
		From:     carpool.Place{Label: " Zurich ", Lat: 47.37, Lon: 8.54},
		To:       carpool.Place{Label: "Bern", Lat: 46.95, Lon: 7.44},
		DepartAt: t0.Add(24 * time.Hour),
		Seats:    3,
	}
}

func TestNewRide(t *testing.T) {
	private := carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: member.ID, Seats: 5, Status: carpool.CarActive}
	pool := carpool.Car{ID: "car", Kind: carpool.CarPool, SiteID: "s", Seats: 5, Status: carpool.CarActive}
	res := &carpool.Reservation{ID: "r", CarID: "car", MemberID: member.ID, Kind: carpool.ReservationTrip,
		Status: carpool.ReservationActive, Start: t0.Add(23 * time.Hour), End: t0.Add(26 * time.Hour)}
	with := func(edit func(*carpool.Reservation)) *carpool.Reservation {
		r := *res
		edit(&r)
		return &r
	}
	cases := []struct {
		name  string
		edit  func(*carpool.RideInput)
		car   carpool.Car
		res   *carpool.Reservation
		code  string
		field string
	}{
		{"private car", nil, private, nil, "", ""},
		{"pool car with reservation", nil, pool, res, "", ""},
		{"someone else's private car", nil, carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: "x", Seats: 5, Status: carpool.CarActive}, nil, carpool.EFORBIDDEN, "car_id"},
		{"private car with reservation id", func(in *carpool.RideInput) { in.ReservationID = "r" }, private, nil, carpool.EINVALID, "reservation_id"},
		{"pool car without reservation", nil, pool, nil, carpool.ECONFLICT, "reservation_id"},
		{"someone else's reservation", nil, pool, with(func(r *carpool.Reservation) { r.MemberID = "x" }), carpool.ECONFLICT, "reservation_id"},
		{"reservation of another car", nil, pool, with(func(r *carpool.Reservation) { r.CarID = "other" }), carpool.ECONFLICT, "reservation_id"},
		{"cancelled reservation", nil, pool, with(func(r *carpool.Reservation) { r.Status = carpool.ReservationCancelled }), carpool.ECONFLICT, "reservation_id"},
		{"maintenance block", nil, pool, with(func(r *carpool.Reservation) { r.Kind = carpool.ReservationMaintenance }), carpool.ECONFLICT, "reservation_id"},
		{"departure after the reservation", func(in *carpool.RideInput) { in.DepartAt = t0.Add(26 * time.Hour) }, pool, res, carpool.EINVALID, "depart_at"},
		{"car in maintenance", nil, carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: member.ID, Seats: 5, Status: carpool.CarMaintenance}, nil, carpool.ECONFLICT, "car_id"},
		{"all seats but the driver's", func(in *carpool.RideInput) { in.Seats = 4 }, private, nil, "", ""},
		{"the driver's seat too", func(in *carpool.RideInput) { in.Seats = 5 }, private, nil, carpool.EINVALID, "seats"},
		{"no seats", func(in *carpool.RideInput) { in.Seats = 0 }, private, nil, carpool.EINVALID, "seats"},
		{"one-seat car", func(in *carpool.RideInput) { in.Seats = 1 }, carpool.Car{ID: "pc", Kind: carpool.CarPrivate, OwnerID: member.ID, Seats: 1, Status: carpool.CarActive}, nil, carpool.EINVALID, "seats"},
		{"no origin label", func(in *carpool.RideInput) { in.From.Label = " " }, private, nil, carpool.EINVALID, "from.label"},
		{"bad destination", func(in *carpool.RideInput) { in.To.Lat = 100 }, private, nil, carpool.EINVALID, "to.lat"},
		{"no departure", func(in *carpool.RideInput) { in.DepartAt = time.Time{} }, private, nil, carpool.EINVALID, "depart_at"},
		{"departure now", func(in *carpool.RideInput) { in.DepartAt = t0 }, private, nil, carpool.EINVALID, "depart_at"},
		{"unknown mode", func(in *carpool.RideInput) { in.BookingMode = "auction" }, private, nil, carpool.EINVALID, "booking_mode"},
		{"long notes", func(in *carpool.RideInput) { in.Notes = strings.Repeat("n", carpool.MaxNotes+1) }, private, nil, carpool.EINVALID, "notes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := rideInput(tc.car.ID)
			if tc.edit != nil {
				tc.edit(&in)
			}
			r, err := carpool.NewRide(in, member, tc.car, tc.res, t0)
			if got := carpool.ErrorCode(err); got != tc.code || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want code %q field %q", err, tc.code, tc.field)
			}
			if tc.code != "" {
				return
			}
			if r.ID == "" || r.DriverID != member.ID || r.Status != carpool.RideOpen || r.Version != 1 ||
				r.BookingMode != carpool.BookingInstant || r.From.Label != "Zurich" || r.SeatsTaken != 0 {
				t.Fatalf("got %+v", r)
			}
			if tc.res != nil && r.ReservationID != tc.res.ID {
				t.Fatalf("reservation id %q, want %q", r.ReservationID, tc.res.ID)
			}
		})
	}
}

func TestRideBookable(t *testing.T) {
	cases := []struct {
		name string
		ride carpool.Ride
		code string
	}{
		{"open, later", carpool.Ride{Status: carpool.RideOpen, DepartAt: t0.Add(time.Minute)}, ""},
		{"cancelled", carpool.Ride{Status: carpool.RideCancelled, DepartAt: t0.Add(time.Hour)}, carpool.ECONFLICT},
		{"departing now", carpool.Ride{Status: carpool.RideOpen, DepartAt: t0}, carpool.ECONFLICT},
		{"departed", carpool.Ride{Status: carpool.RideOpen, DepartAt: t0.Add(-time.Hour)}, carpool.ECONFLICT},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := carpool.ErrorCode(tc.ride.Bookable(t0)); got != tc.code {
				t.Fatalf("got %q, want %q", got, tc.code)
			}
		})
	}
}
