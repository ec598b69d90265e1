package app

import (
	"context"
	"sort"

	"carpool/internal/carpool"
)

// maxAgenda bounds each list of the agenda; a member has far fewer upcoming rides.
const maxAgenda = carpool.MaxPageLimit

// Agenda is what is coming up for a member: rides they drive (with requests waiting for
// their decision), rides they booked, and their pool-car reservations.
type Agenda struct {
	Driving      []DrivenRide
	Passenger    []BookedRide
	Requests     []Request
	Reservations []HeldReservation
}

// DrivenRide is an upcoming ride of the member's with the number of pending requests.
type DrivenRide struct {
	Ride    carpool.Ride
	Pending int
}

// BookedRide is an upcoming ride the member booked, with its driver's name.
type BookedRide struct {
	Booking carpool.Booking
	Ride    carpool.Ride
	Driver  string
}

// Request is a pending booking on one of the member's rides.
type Request struct {
	Booking   carpool.Booking
	Ride      carpool.Ride
	Passenger string
}

// HeldReservation is an upcoming reservation of the member's with its car.
type HeldReservation struct {
	Reservation carpool.Reservation
	Car         carpool.Car
}

// Agenda collects me's upcoming rides, bookings, requests and reservations with a fixed
// number of reads, however many there are.
func (a *App) Agenda(ctx context.Context, me carpool.Member) (Agenda, error) {
	now := a.Now()
	var ag Agenda

	driving, _, err := a.MyRides(ctx, me, carpool.RideFilter{DepartAfter: now}, carpool.Page{Limit: maxAgenda})
	if err != nil {
		return ag, err
	}
	mine, _, err := a.store.Bookings(ctx, carpool.BookingFilter{PassengerID: me.ID, ActiveOnly: true, DepartAfter: now},
		carpool.Page{Limit: maxAgenda})
	if err != nil {
		return ag, err
	}
	bookedIDs := make([]string, len(mine))
	for i, b := range mine {
		bookedIDs[i] = b.RideID
	}
	booked, err := a.store.RidesByID(ctx, bookedIDs)
	if err != nil {
		return ag, err
	}
	drivenIDs := make([]string, len(driving))
	for i, r := range driving {
		drivenIDs[i] = r.ID
	}
	onMine, err := a.store.RideBookings(ctx, drivenIDs...)
	if err != nil {
		return ag, err
	}

	var people []string
	rides := make(map[string]carpool.Ride, len(driving)+len(booked))
	pending := map[string]int{}
	for _, r := range booked {
		rides[r.ID] = r
		people = append(people, r.DriverID)
	}
	for _, r := range driving {
		rides[r.ID] = r
	}
	for _, b := range onMine {
		if b.Status == carpool.BookingPending {
			pending[b.RideID]++
			ag.Requests = append(ag.Requests, Request{Booking: b, Ride: rides[b.RideID]})
			people = append(people, b.PassengerID)
		}
	}
	names, err := a.membersByID(ctx, people)
	if err != nil {
		return ag, err
	}
	for _, r := range driving {
		ag.Driving = append(ag.Driving, DrivenRide{Ride: r, Pending: pending[r.ID]})
	}
	sort.SliceStable(ag.Driving, func(i, j int) bool { return ag.Driving[i].Ride.DepartAt.Before(ag.Driving[j].Ride.DepartAt) })
	for i := range ag.Requests {
		ag.Requests[i].Passenger = names[ag.Requests[i].Booking.PassengerID].Name
	}
	for _, b := range mine {
		r, ok := rides[b.RideID]
		if !ok || !r.DepartAt.After(now) {
			continue
		}
		ag.Passenger = append(ag.Passenger, BookedRide{Booking: b, Ride: r, Driver: names[r.DriverID].Name})
	}
	sort.SliceStable(ag.Passenger, func(i, j int) bool { return ag.Passenger[i].Ride.DepartAt.Before(ag.Passenger[j].Ride.DepartAt) })

	ag.Reservations, err = a.heldReservations(ctx, me, carpool.ReservationFilter{ActiveOnly: true, Start: now})
	return ag, err
}

// heldReservations returns me's reservations that f selects, with their cars, by start.
func (a *App) heldReservations(ctx context.Context, me carpool.Member, f carpool.ReservationFilter) ([]HeldReservation, error) {
	res, _, err := a.MyReservations(ctx, me, f, carpool.Page{Limit: maxAgenda})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res))
	for i, x := range res {
		ids[i] = x.CarID
	}
	cars, err := a.store.CarsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]carpool.Car, len(cars))
	for _, c := range cars {
		byID[c.ID] = c
	}
	out := make([]HeldReservation, 0, len(res))
	for _, x := range res {
		out = append(out, HeldReservation{Reservation: x, Car: byID[x.CarID]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Reservation.Start.Before(out[j].Reservation.Start) })
	return out, nil
}

// OfferSource is a way me can drive a ride: their own active car, or a pool car they hold
// an upcoming trip reservation of (then Reservation is set).
type OfferSource struct {
	Car         carpool.Car
	Reservation *carpool.Reservation
}

// OfferSources lists the cars and reservations me can offer a ride from.
func (a *App) OfferSources(ctx context.Context, me carpool.Member) ([]OfferSource, error) {
	own, err := a.AllCars(ctx, me, carpool.CarFilter{Kind: carpool.CarPrivate, OwnerID: me.ID})
	if err != nil {
		return nil, err
	}
	var out []OfferSource
	for _, c := range own {
		if c.Status == carpool.CarActive {
			out = append(out, OfferSource{Car: c})
		}
	}
	held, err := a.heldReservations(ctx, me, carpool.ReservationFilter{ActiveOnly: true, Start: a.Now()})
	if err != nil {
		return nil, err
	}
	for _, h := range held {
		if h.Car.ID == "" || h.Reservation.Kind != carpool.ReservationTrip {
			continue
		}
		res := h.Reservation
		out = append(out, OfferSource{Car: h.Car, Reservation: &res})
	}
	return out, nil
}
