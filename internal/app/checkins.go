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

// CheckInView is what the ride page shows of check-in to one of its occupants.
type CheckInView struct {
	// Occupant says the viewer drives the ride or holds a confirmed booking on it.
	Occupant bool
	// Open says the viewer may check in now: inside the window, not yet checked in,
	// not marked as not there.
	Open bool
	// Opens and Closes bound the window.
	Opens, Closes time.Time
	// Mine is the viewer's check-in, when made; NoShowAt when the driver marked them.
	Mine     *carpool.CheckIn
	NoShowAt time.Time
	// For the driver: who checked in and who is marked as not there, by member id, and
	// whether marking someone is possible now (departed, the day not over).
	CheckedIn   map[string]time.Time
	NoShow      map[string]bool
	CanMarkGone bool
}

// RideCheckIn returns check-in as the ride page shows it to me; the zero view for
// anyone who is not an occupant.
func (a *App) RideCheckIn(ctx context.Context, me carpool.Member, v RideView) (CheckInView, error) {
	r := v.Ride
	out := CheckInView{Occupant: me.ID == r.DriverID || (v.Mine != nil && v.Mine.Status == carpool.BookingConfirmed)}
	if !out.Occupant {
		return CheckInView{}, nil
	}
	cs, err := a.store.RideCheckIns(ctx, r.ID)
	if err != nil {
		return CheckInView{}, err
	}
	ps, err := a.store.RideProofs(ctx, r.ID)
	if err != nil {
		return CheckInView{}, err
	}
	now := a.Now()
	out.Opens, out.Closes = carpool.CheckInWindow(r)
	out.CheckedIn, out.NoShow = map[string]time.Time{}, map[string]bool{}
	for _, c := range cs {
		out.CheckedIn[c.MemberID] = c.At
		if c.MemberID == me.ID {
			c := c
			out.Mine = &c
		}
	}
	for _, p := range ps {
		if !p.NoShowAt.IsZero() {
			out.NoShow[p.PassengerID] = true
			if p.PassengerID == me.ID {
				out.NoShowAt = p.NoShowAt
			}
		}
	}
	out.Open = r.Status == carpool.RideOpen && out.Mine == nil && out.NoShowAt.IsZero() &&
		!now.Before(out.Opens) && !now.After(out.Closes)
	_, end := carpool.ProofDay(r, a.proofZone())
	out.CanMarkGone = me.ID == r.DriverID && !now.Before(r.DepartAt) && now.Before(end)
	return out, nil
}

// proofZone is the zone whose days seal proof records: the deployment's.
func (a *App) proofZone() *time.Location { return a.parking.SiteZone(carpool.Site{}) }

// CodeRides returns the site of a scanned code and the rides I may check in on with
// it now: those I drive or hold a confirmed seat on whose window is open.
func (a *App) CodeRides(ctx context.Context, me carpool.Member, code string) (carpool.Site, []carpool.Ride, error) {
	site, err := a.verifyCode(ctx, code)
	if err != nil {
		return carpool.Site{}, nil, err
	}
	now := a.Now()
	// A ride's window is open from 30 min before departure to 2 h after.
	after, before := now.Add(-carpool.CheckInClosesAfter-time.Second), now.Add(carpool.CheckInOpensBefore+time.Second)
	rides, _, err := a.store.Rides(ctx, carpool.RideFilter{DriverID: me.ID, DepartAfter: after, DepartBefore: before}, carpool.Page{Limit: 20})
	if err != nil {
		return carpool.Site{}, nil, err
	}
	bookings, _, err := a.store.Bookings(ctx, carpool.BookingFilter{PassengerID: me.ID, ActiveOnly: true, DepartAfter: after}, carpool.Page{Limit: 20})
	if err != nil {
		return carpool.Site{}, nil, err
	}
	for _, b := range bookings {
		if b.Status != carpool.BookingConfirmed {
			continue
		}
		r, err := a.store.Ride(ctx, b.RideID)
		if err != nil {
			return carpool.Site{}, nil, err
		}
		if r.DepartAt.Before(before) {
			rides = append(rides, r)
		}
	}
	open := rides[:0]
	for _, r := range rides {
		opens, closes := carpool.CheckInWindow(r)
		if r.Status == carpool.RideOpen && !now.Before(opens) && !now.After(closes) {
			open = append(open, r)
		}
	}
	return site, open, nil
}
