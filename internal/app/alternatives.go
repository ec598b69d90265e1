package app

import (
	"context"

	"carpool/internal/carpool"
)

// Alternatives are the rides that can take a passenger whose booking was lost, best
// first, with where they board and leave, so that booking one keeps them.
type Alternatives struct {
	Booking carpool.Booking
	Rides   []RideResult
	// Pickup and Dropoff are the lost booking's, nil when it named none.
	Pickup, Dropoff *carpool.Place
	// PoolCars are the pool cars free at the lost ride's start site when it was to
	// leave: the passenger may drive instead of riding.
	PoolCars PoolCarOffer
}

// BookingAlternatives searches rides for the passenger of a booking that was rejected
// or cancelled without their doing (carpool.AlternativeQuery). The booking is the
// passenger's alone: 404 for anyone else, 409 while it still holds a seat or a place in
// line, or when the passenger cancelled it themselves.
func (a *App) BookingAlternatives(ctx context.Context, me carpool.Member, bookingID string) (Alternatives, error) {
	b, err := a.store.Booking(ctx, bookingID)
	if err != nil {
		return Alternatives{}, err
	}
	if me.ID == "" || b.PassengerID != me.ID {
		return Alternatives{}, carpool.Errorf(carpool.ENOTFOUND, "booking not found")
	}
	if !b.NeedsAlternatives() {
		return Alternatives{}, carpool.Errorf(carpool.ECONFLICT, "alternatives are for a booking the driver rejected or cancelled")
	}
	lost, err := a.store.Ride(ctx, b.RideID)
	if err != nil {
		return Alternatives{}, err
	}
	matches, err := carpool.SearchAlternatives(ctx, a.store, lost, b, a.Now())
	if err != nil {
		return Alternatives{}, err
	}
	rides, err := a.withDrivers(ctx, me, matches)
	if err != nil {
		return Alternatives{}, err
	}
	cars, err := a.poolCarOffer(ctx, me, lost)
	if err != nil {
		return Alternatives{}, err
	}
	return Alternatives{Booking: b, Rides: rides, Pickup: b.Pickup, Dropoff: b.Dropoff, PoolCars: cars}, nil
}
