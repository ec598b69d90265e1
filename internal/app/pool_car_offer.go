package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"carpool/internal/carpool"
)

// PoolCarOffer is "take the pool car yourself": the pool cars free at the start site of
// a ride that fell through, when it was to leave, with the window a reservation of one
// would cover (Reserve with these, and the car is the member's).
type PoolCarOffer struct {
	Site       carpool.Site
	Cars       []carpool.Car
	Start, End time.Time
}

// RidePoolCars offers the driver of a cancelled ride that has not left yet the pool
// cars free at its start site then: the ride was cancelled under them (a fleet manager,
// their car retired or blocked) or by them, and either way they still have to go. The
// ride's passengers find the same offer with their alternatives. Others may not ask:
// not found for those who may not see the ride, forbidden for those who may.
func (a *App) RidePoolCars(ctx context.Context, me carpool.Member, rideID string) (PoolCarOffer, error) {
	ride, err := a.store.Ride(ctx, rideID)
	if err != nil {
		return PoolCarOffer{}, err
	}
	if !ride.VisibleTo(me) {
		return PoolCarOffer{}, carpool.Errorf(carpool.ENOTFOUND, "ride not found")
	}
	if ride.DriverID != me.ID {
		return PoolCarOffer{}, carpool.Errorf(carpool.EFORBIDDEN, "only the driver is offered pool cars for their ride")
	}
	if ride.Status != carpool.RideCancelled {
		return PoolCarOffer{}, carpool.Errorf(carpool.ECONFLICT, "pool cars are offered once a ride is cancelled")
	}
	offer, err := a.poolCarOffer(ctx, me, ride)
	if err != nil {
		return PoolCarOffer{}, fmt.Errorf("ride pool cars: %w", err)
	}
	return offer, nil
}

// poolCarOffer finds the pool cars free at the site ride leaves from when it leaves;
// the zero offer when it leaves from no site or has left.
func (a *App) poolCarOffer(ctx context.Context, me carpool.Member, ride carpool.Ride) (PoolCarOffer, error) {
	start, end, ok := carpool.PoolCarWindow(ride, a.Now())
	if !ok {
		return PoolCarOffer{}, nil
	}
	sites, err := a.AllSites(ctx, me)
	if err != nil {
		return PoolCarOffer{}, err
	}
	site, atSite := a.parking.SiteAt(ride.From.Point(), sites)
	if !atSite {
		return PoolCarOffer{}, nil
	}
	cars, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Car, string, error) {
		return a.store.Cars(ctx, carpool.CarFilter{Kind: carpool.CarPool, SiteID: site.ID}, p)
	})
	if err != nil {
		return PoolCarOffer{}, err
	}
	out := PoolCarOffer{Site: site, Start: start, End: end}
	for _, c := range cars {
		held, _, err := a.store.Reservations(ctx, carpool.ReservationFilter{CarID: c.ID, ActiveOnly: true, Start: start, End: end},
			carpool.Page{Limit: 1})
		if err != nil {
			return PoolCarOffer{}, err
		}
		if carpool.PoolCarFree(c, held, start, end) {
			out.Cars = append(out.Cars, c)
		}
	}
	return out, nil
}

// LostRidePoolCars is the offer the page of a cancelled ride shows me: to its driver,
// and to a passenger whose booking ended with it; the zero offer to anyone else, or
// while the ride holds.
func (a *App) LostRidePoolCars(ctx context.Context, me carpool.Member, v RideView) (PoolCarOffer, error) {
	if v.Ride.Status != carpool.RideCancelled {
		return PoolCarOffer{}, nil
	}
	if v.Ride.DriverID != me.ID {
		// The view holds active bookings only: the lost one is read on its own.
		mine, _, err := a.store.Bookings(ctx, carpool.BookingFilter{PassengerID: me.ID, RideID: v.Ride.ID}, carpool.Page{Limit: 10})
		if err != nil {
			return PoolCarOffer{}, err
		}
		if !slices.ContainsFunc(mine, carpool.Booking.NeedsAlternatives) {
			return PoolCarOffer{}, nil
		}
	}
	return a.poolCarOffer(ctx, me, v.Ride)
}
