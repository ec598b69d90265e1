package web

import (
	"net/http"
	"sort"

	"carpool/internal/carpool"
)

type homePage struct {
	Driving      []drivingRow
	Passenger    []passengerRow
	Requests     []requestRow
	Reservations []reservationRow
}

type drivingRow struct {
	Ride    carpool.Ride
	Pending int
}

type passengerRow struct {
	Booking carpool.Booking
	Ride    carpool.Ride
	Driver  string
}

type requestRow struct {
	Booking   carpool.Booking
	Ride      carpool.Ride
	Passenger string
}

type reservationRow struct {
	Reservation carpool.Reservation
	Car         carpool.Car
}

// home shows what is coming up for the member: rides they drive (with requests waiting
// for them), rides they booked, and their pool-car reservations.
func (s *Server) home(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	now := s.now()
	var p homePage

	driving, err := s.allRides(ctx, carpool.RideFilter{DriverID: me.Member.ID, DepartAfter: now})
	if err != nil {
		return err
	}
	var pending []requestRow
	for _, ride := range driving {
		bs, err := s.allBookings(ctx, carpool.BookingFilter{RideID: ride.ID, ActiveOnly: true})
		if err != nil {
			return err
		}
		row := drivingRow{Ride: ride}
		for _, b := range bs {
			if b.Status == carpool.BookingPending {
				row.Pending++
				pending = append(pending, requestRow{Booking: b, Ride: ride})
			}
		}
		p.Driving = append(p.Driving, row)
	}

	mine, err := s.allBookings(ctx, carpool.BookingFilter{PassengerID: me.Member.ID, ActiveOnly: true})
	if err != nil {
		return err
	}
	var ids []string
	for _, b := range mine {
		ride, err := s.store.Ride(ctx, b.RideID)
		if err != nil {
			return err
		}
		if !ride.DepartAt.After(now) {
			continue
		}
		p.Passenger = append(p.Passenger, passengerRow{Booking: b, Ride: ride})
		ids = append(ids, ride.DriverID)
	}
	for _, q := range pending {
		ids = append(ids, q.Booking.PassengerID)
	}
	names, err := s.members(ctx, ids...)
	if err != nil {
		return err
	}
	for i := range p.Passenger {
		p.Passenger[i].Driver = names[p.Passenger[i].Ride.DriverID].Name
	}
	sort.Slice(p.Passenger, func(i, j int) bool { return p.Passenger[i].Ride.DepartAt.Before(p.Passenger[j].Ride.DepartAt) })
	for i := range pending {
		pending[i].Passenger = names[pending[i].Booking.PassengerID].Name
	}
	p.Requests = pending

	res, err := s.allReservations(ctx, carpool.ReservationFilter{MemberID: me.Member.ID, ActiveOnly: true, Start: now})
	if err != nil {
		return err
	}
	var carIDs []string
	for _, x := range res {
		carIDs = append(carIDs, x.CarID)
	}
	cars, err := s.carsByID(ctx, carIDs...)
	if err != nil {
		return err
	}
	for _, x := range res {
		p.Reservations = append(p.Reservations, reservationRow{Reservation: x, Car: cars[x.CarID]})
	}
	s.render(w, r, http.StatusOK, "home", me, p)
	return nil
}
