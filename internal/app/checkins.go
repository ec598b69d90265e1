package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"carpool/internal/carpool"
)

// Check-in and no-show: the occupants of a ride say they are there, from their
// device's position or by scanning the code shown at a site; the driver marks a
// passenger who did not come. Each changes the ride's proof records in the same
// transaction (carpool.ProofBook decides).

// CheckIn checks me in on the ride at the position lat, lon.
func (a *App) CheckIn(ctx context.Context, me carpool.Member, rideID string, lat, lon float64) (carpool.CheckIn, error) {
	ci, err := a.checkIn(ctx, me, rideID, carpool.Point{Lat: lat, Lon: lon}, carpool.CheckInPosition, "")
	if err != nil {
		return carpool.CheckIn{}, fmt.Errorf("check in: %w", err)
	}
	return ci, nil
}

// CheckInByCode checks me in on the ride with a site's code scanned today: the site's
// location stands for the position.
func (a *App) CheckInByCode(ctx context.Context, me carpool.Member, rideID, code string) (carpool.CheckIn, error) {
	site, err := a.verifyCode(ctx, code)
	if err != nil {
		return carpool.CheckIn{}, fmt.Errorf("check in by code: %w", err)
	}
	ci, err := a.checkIn(ctx, me, rideID, carpool.Point{Lat: site.Lat, Lon: site.Lon}, carpool.CheckInQR, site.ID)
	if err != nil {
		return carpool.CheckIn{}, fmt.Errorf("check in by code: %w", err)
	}
	return ci, nil
}

func (a *App) checkIn(ctx context.Context, me carpool.Member, rideID string, p carpool.Point, method carpool.CheckInMethod, siteID string) (carpool.CheckIn, error) {
	var out carpool.CheckIn
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		pb, err := tx.LoadProofBook(ctx, rideID)
		if err != nil {
			return err
		}
		if !pb.Ride.VisibleTo(me) {
			return carpool.Errorf(carpool.ENOTFOUND, "ride not found")
		}
		pb.Zone = a.proofZone()
		if out, err = pb.CheckIn(a.checkInRule, me, p, method, siteID, tx.Now()); err != nil {
			return err
		}
		return tx.SaveProofBook(ctx, pb)
	})
	return out, err
}

// MarkNoShow marks the passenger of a confirmed booking as not there (the ride's
// driver, after departure, while the ride's day lasts). Others learn nothing of the
// booking: it is not found for them, as for every booking they may not see.
func (a *App) MarkNoShow(ctx context.Context, me carpool.Member, bookingID string) (carpool.Proof, error) {
	var out carpool.Proof
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		rideID, err := tx.RideOfBooking(ctx, bookingID)
		if err != nil {
			return err
		}
		pb, err := tx.LoadProofBook(ctx, rideID)
		if err != nil {
			return err
		}
		if me.ID != pb.Ride.DriverID && !slices.ContainsFunc(pb.Bookings, func(b carpool.Booking) bool {
			return b.ID == bookingID && b.PassengerID == me.ID
		}) {
			return carpool.Errorf(carpool.ENOTFOUND, "booking not found")
		}
		pb.Zone = a.proofZone()
		if out, err = pb.NoShow(bookingID, me, tx.Now()); err != nil {
			return err
		}
		return tx.SaveProofBook(ctx, pb)
	})
	if err != nil {
		return carpool.Proof{}, fmt.Errorf("mark no-show: %w", err)
	}
	return out, nil
}

// RideCheckIns returns the check-ins of a ride for its page: its driver and its
// passengers see them; others see none.
func (a *App) RideCheckIns(ctx context.Context, me carpool.Member, ride carpool.Ride, bookings []carpool.Booking) ([]carpool.CheckIn, []carpool.Proof, error) {
	if !carpool.ContactVisible(ride, bookings, me.ID, ride.DriverID) {
		return nil, nil, nil
	}
	cs, err := a.store.RideCheckIns(ctx, ride.ID)
	if err != nil {
		return nil, nil, err
	}
	ps, err := a.store.RideProofs(ctx, ride.ID)
	return cs, ps, err
}

// proofZone is the zone whose days seal proof records: the deployment's.
func (a *App) proofZone() *time.Location { return a.parking.SiteZone(carpool.Site{}) }
