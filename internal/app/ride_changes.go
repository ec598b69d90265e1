package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// createRide checks the offer with carpool.NewRide and stores it with its event. A ride
// in a pool car rests on the reservation the input names, or else the driver's active
// trip reservation covering the departure; both the car's and the reservation's rows are
// locked, so neither can be retired or cancelled under the new ride.
func (a *App) createRide(ctx context.Context, in carpool.RideInput, driver carpool.Member) (carpool.Ride, error) {
	var out carpool.Ride
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		car, err := tx.LockCar(ctx, in.CarID)
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return carpool.FieldErrorf(carpool.EINVALID, "car_id", "car not found")
		}
		if err != nil {
			return err
		}
		var res *carpool.Reservation
		if car.Kind == carpool.CarPool {
			if res, err = ridesReservation(ctx, tx, in, driver); err != nil {
				return err
			}
		}
		ride, err := carpool.NewRide(in, driver, car, res, now)
		if err != nil {
			return err
		}
		if _, err := tx.LockMember(ctx, driver.ID); err != nil {
			return err
		}
		open, err := tx.OpenRidesOffered(ctx, driver.ID, now)
		if err != nil {
			return err
		}
		if err := a.limits.CheckRide(driver, ride.DepartAt, now, open); err != nil {
			return err
		}
		if err := a.noShowsAllow(ctx, tx, driver.ID, now); err != nil {
			return err
		}
		if err := tx.InsertRide(ctx, ride); err != nil {
			return err
		}
		out = ride
		return tx.Append(ctx, carpool.RideCreatedEvent(ride, now))
	})
	if err != nil {
		return carpool.Ride{}, fmt.Errorf("create ride: %w", err)
	}
	return out, nil
}

// ridesReservation finds, under its lock, the reservation a ride in a pool car rests on,
// or nil when there is none (NewRide then refuses the ride with a clear error).
func ridesReservation(ctx context.Context, tx carpool.Tx, in carpool.RideInput, driver carpool.Member) (*carpool.Reservation, error) {
	if in.ReservationID != "" {
		r, err := tx.LockReservation(ctx, in.ReservationID)
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return nil, nil
		}
		return &r, err
	}
	depart := carpool.Timestamp(in.DepartAt)
	// The reservations in force at the departure: those overlapping its first microsecond.
	held, err := tx.ActiveReservations(ctx, in.CarID, depart, depart.Add(time.Microsecond))
	if err != nil {
		return nil, err
	}
	for _, r := range held {
		if r.MemberID == driver.ID && r.Kind == carpool.ReservationTrip && !r.Start.After(depart) {
			locked, err := tx.LockReservation(ctx, r.ID)
			return &locked, err
		}
	}
	return nil, nil
}

// updateRide applies a driver's patch if the ride's version is still ifVersion (0: any).
func (a *App) updateRide(ctx context.Context, me carpool.Member, id string, ifVersion int, p carpool.RidePatch) (carpool.Ride, error) {
	var out carpool.Ride
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		rb, err := tx.LoadRideBook(ctx, id, "")
		if err != nil {
			return err
		}
		if ifVersion != 0 && rb.Ride.Version != ifVersion {
			return carpool.StaleVersion(carpool.Phrasef("ride"), rb.Ride.Version)
		}
		car, err := tx.LockCar(ctx, rb.Ride.CarID)
		if err != nil {
			return err
		}
		if err := a.moveRide(ctx, tx, rb, p, me, car); err != nil {
			return err
		}
		out = rb.Ride
		return nil
	})
	if err != nil {
		return carpool.Ride{}, fmt.Errorf("update ride: %w", err)
	}
	return out, nil
}

// moveRide is the one way a ride changes, alone or as a day of a series: the fair-use
// horizon for a new departure, the ride's reservation read under its lock so it stays
// while the ride moves within it, the seat and detour rules of RideBook.Update, and
// the change written with its events.
func (a *App) moveRide(ctx context.Context, tx carpool.Tx, rb *carpool.RideBook, p carpool.RidePatch, by carpool.Member, car carpool.Car) error {
	now := tx.Now()
	var res *carpool.Reservation
	if p.DepartAt != nil {
		if err := a.limits.CheckDeparture(carpool.Timestamp(*p.DepartAt), now); err != nil {
			return err
		}
		if rb.Ride.ReservationID != "" {
			r, err := tx.LockReservation(ctx, rb.Ride.ReservationID)
			switch {
			case err == nil:
				res = &r
			case carpool.ErrorCode(err) != carpool.ENOTFOUND:
				return err
			}
		}
	}
	if err := rb.Update(p, by, car, res, now); err != nil {
		return err
	}
	return a.saveRideBook(ctx, tx, rb)
}

// cancelRide cancels the ride and every active booking on it, telling each passenger.
func (a *App) cancelRide(ctx context.Context, me carpool.Member, id string, freeCar bool) (carpool.Ride, error) {
	var out carpool.Ride
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		rb, err := tx.LoadRideBook(ctx, id, "")
		if err != nil {
			return err
		}
		if err := rb.CancelRide(me, tx.Now()); err != nil {
			return err
		}
		out = rb.Ride
		if err := a.saveRideBook(ctx, tx, rb); err != nil {
			return err
		}
		if !freeCar || rb.Ride.ReservationID == "" {
			return nil
		}
		return freeUnusedReservation(ctx, tx, rb.Ride.ReservationID, me)
	})
	if err != nil {
		return carpool.Ride{}, fmt.Errorf("cancel ride: %w", err)
	}
	return out, nil
}

// freeUnusedReservation ends the reservation a cancelled ride rested on, when the driver
// asked for that and no other open ride still rests on it (that one still needs the
// car, so the reservation stays and nobody is stranded).
func freeUnusedReservation(ctx context.Context, tx carpool.Tx, reservationID string, by carpool.Member) error {
	r, err := tx.LockReservation(ctx, reservationID)
	if err != nil {
		return err
	}
	if r.Status != carpool.ReservationActive {
		return nil
	}
	rides, err := tx.OpenRidesOnReservation(ctx, r.ID, tx.Now())
	if err != nil || rides > 0 {
		return err
	}
	return cancelReservation(ctx, tx, r, by)
}
