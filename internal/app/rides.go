package app

import (
	"context"

	"carpool/internal/carpool"
)

// Person is another member as someone else sees them: Email and Phone are empty unless
// the viewer may see contact details (carpool.ContactVisible).
type Person struct {
	ID    string
	Name  string
	Email string
	Phone string
}

func person(m carpool.Member, id string, contact bool) Person {
	p := Person{ID: id, Name: m.Name}
	if contact {
		p.Email, p.Phone = m.Email, m.Phone
	}
	return p
}

// RideView is one ride as a member sees it: the driver (with contact details only for a
// confirmed passenger), the viewer's own active booking, and for the driver every active
// booking with its passenger.
type RideView struct {
	Ride       carpool.Ride
	Car        carpool.Car
	Driver     Person
	Mine       *carpool.Booking
	Passengers []Passenger
	// Space is the carpool parking space the ride holds, shown to its driver only.
	Space *RideSpace
}

// IsDriver reports whether the viewer drives the ride.
func (v RideView) IsDriver(me carpool.Member) bool { return v.Ride.DriverID == me.ID }

// Passenger is an active booking of a ride as its driver sees it.
type Passenger struct {
	Booking carpool.Booking
	Person  Person
	// Stop is the passenger's pickup as the driver may know it (HasStop false when they
	// board at the start): exact once confirmed, before that from its area only.
	Stop    carpool.Stop
	HasStop bool
}

// RideResult is one search result: the match and its driver as the searcher sees them.
type RideResult struct {
	carpool.RideMatch
	Driver Person
}

// CheckOffer reports every field of a ride offer that is wrong on its own, for a form
// that could not read all its inputs: it answers with all its errors at once.
// OfferRide checks them again, with the rest.
func (a *App) CheckOffer(in carpool.RideInput) error { return in.Check(a.Now()) }

// OfferRide offers a ride in a car that me may see: their own car, or a pool car they
// hold a covering reservation of (the domain decides).
func (a *App) OfferRide(ctx context.Context, me carpool.Member, in carpool.RideInput) (carpool.Ride, error) {
	if in.CarID == "" {
		return carpool.Ride{}, carpool.FieldErrorf(carpool.EINVALID, "car_id", "car_id is required")
	}
	// A private car of someone else is "not found" here as everywhere.
	if _, err := a.Car(ctx, me, in.CarID); err != nil {
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return carpool.Ride{}, carpool.FieldErrorf(carpool.EINVALID, "car_id", "no such car")
		}
		return carpool.Ride{}, err
	}
	return a.createRide(ctx, in, me)
}

// Ride shows one ride to me.
func (a *App) Ride(ctx context.Context, me carpool.Member, id string) (RideView, error) {
	ride, err := a.store.Ride(ctx, id)
	if err != nil {
		return RideView{}, err
	}
	if !ride.VisibleTo(me) {
		return RideView{}, carpool.Errorf(carpool.ENOTFOUND, "ride not found")
	}
	car, err := a.store.Car(ctx, ride.CarID)
	if err != nil {
		return RideView{}, err
	}
	bookings, err := a.store.RideBookings(ctx, ride.ID)
	if err != nil {
		return RideView{}, err
	}
	ids := []string{ride.DriverID}
	for _, b := range bookings {
		ids = append(ids, b.PassengerID)
	}
	people, err := a.membersByID(ctx, ids)
	if err != nil {
		return RideView{}, err
	}
	v := RideView{
		Ride: ride, Car: car,
		Driver: person(people[ride.DriverID], ride.DriverID, carpool.ContactVisible(ride, bookings, me.ID, ride.DriverID)),
	}
	for i, b := range bookings {
		if b.PassengerID == me.ID {
			v.Mine = &bookings[i]
		}
		if v.IsDriver(me) {
			pass := Passenger{
				Booking: b.WithPointsFor(me),
				Person:  person(people[b.PassengerID], b.PassengerID, carpool.ContactVisible(ride, bookings, me.ID, b.PassengerID)),
			}
			pass.Stop, pass.HasStop = b.StopFor(me, ride)
			v.Passengers = append(v.Passengers, pass)
		}
	}
	if v.Space, err = a.RideParking(ctx, me, ride); err != nil {
		return RideView{}, err
	}
	return v, nil
}

// MyRides lists the rides me drives.
func (a *App) MyRides(ctx context.Context, me carpool.Member, f carpool.RideFilter, p carpool.Page) ([]carpool.Ride, string, error) {
	f.DriverID = me.ID
	return a.store.Rides(ctx, f, p)
}

// SearchRides returns the open rides that match q, best first, at most limit after
// offset; q is normalised here (defaults, bounds) against the clock.
func (a *App) SearchRides(ctx context.Context, me carpool.Member, q carpool.RideQuery, offset, limit int) ([]RideResult, error) {
	q, err := q.Normalize(a.Now())
	if err != nil {
		return nil, err
	}
	matches, err := a.store.SearchRides(ctx, q, offset, limit)
	if err != nil {
		return nil, err
	}
	return a.withDrivers(ctx, me, matches)
}

// withDrivers adds each match's driver as me may see them: contact details only where me
// holds a confirmed booking of that ride.
func (a *App) withDrivers(ctx context.Context, me carpool.Member, matches []carpool.RideMatch) ([]RideResult, error) {
	ids := make([]string, 0, len(matches))
	rideIDs := make([]string, 0, len(matches))
	for _, m := range matches {
		ids = append(ids, m.Ride.DriverID)
		rideIDs = append(rideIDs, m.Ride.ID)
	}
	drivers, err := a.shownDrivers(ctx, ids)
	if err != nil {
		return nil, err
	}
	var mine []carpool.Booking
	if me.ID != "" && len(rideIDs) > 0 {
		if mine, err = a.store.PassengerBookings(ctx, me.ID, rideIDs); err != nil {
			return nil, err
		}
	}
	out := make([]RideResult, len(matches))
	for i, m := range matches {
		out[i] = RideResult{RideMatch: m, Driver: person(drivers[m.Ride.DriverID], m.Ride.DriverID,
			carpool.ContactVisible(m.Ride, mine, me.ID, m.Ride.DriverID))}
	}
	return out, nil
}

// UpdateRide changes a ride me drives if its version is still ifVersion (0: any).
func (a *App) UpdateRide(ctx context.Context, me carpool.Member, id string, ifVersion int, p carpool.RidePatch) (carpool.Ride, error) {
	return a.updateRide(ctx, me, id, ifVersion, p)
}

// CancelRide cancels a ride me drives; its passengers' bookings end with it. With freeCar,
// the pool-car reservation the ride rests on ends with it too, in the same transaction,
// unless another open ride still rests on it.
func (a *App) CancelRide(ctx context.Context, me carpool.Member, id string, freeCar bool) (carpool.Ride, error) {
	ride, err := a.cancelRide(ctx, me, id, freeCar)
	if err != nil {
		return carpool.Ride{}, err
	}
	if ride.DriverID != me.ID {
		a.audit(ctx, me, carpool.AuditRideCancelled, "ride", ride.ID, ride.DriverID)
	}
	return ride, nil
}

// shownDrivers returns the drivers with ids as results show them (shownPerson), by id,
// from the drivers' read cache where it holds them; ids may repeat.
func (a *App) shownDrivers(ctx context.Context, ids []string) (map[string]carpool.Member, error) {
	now := a.now()
	out := make(map[string]carpool.Member, len(ids))
	var missing []string
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		if m, ok := a.drivers.get(id, now); ok {
			out[id] = m
			continue
		}
		out[id] = carpool.Member{} // asked once below even when it repeats
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return out, nil
	}
	gen := a.drivers.generation()
	ms, err := a.store.Members(ctx, missing)
	if err != nil {
		return nil, err
	}
	for _, id := range missing {
		delete(out, id) // a member the store no longer has stays out, as membersByID leaves it
	}
	for _, m := range ms {
		m = shownPerson(m)
		out[m.ID] = m
		a.drivers.put(m.ID, m, gen, now)
	}
	return out, nil
}

// membersByID returns the members with ids, by id; ids may repeat.
func (a *App) membersByID(ctx context.Context, ids []string) (map[string]carpool.Member, error) {
	out := make(map[string]carpool.Member, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ms, err := a.store.Members(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out, nil
}
