package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// rideHomeCar is how long a pool car approved for a ride home is reserved when the fleet
// manager names no end: the evening home and the morning back.
const rideHomeCar = 18 * time.Hour

// AskRideHome asks the fleet for a way home instead of the booking's lost ride.
func (a *App) AskRideHome(ctx context.Context, me carpool.Member, bookingID, note string) (carpool.RideHomeRequest, error) {
	b, err := a.store.Booking(ctx, bookingID)
	if err != nil || b.PassengerID != me.ID {
		return carpool.RideHomeRequest{}, carpool.Errorf(carpool.ENOTFOUND, "booking not found")
	}
	ride, err := a.store.Ride(ctx, b.RideID)
	if err != nil {
		return carpool.RideHomeRequest{}, fmt.Errorf("ask ride home: %w", err)
	}
	var out carpool.RideHomeRequest
	err = a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		// The member's lock queues two requests of theirs, so both cannot pass the limit.
		m, err := tx.LockMember(ctx, me.ID)
		if err != nil {
			return err
		}
		sites, err := tx.SitesIn(ctx, a.parking.Area(ride.From.Point()))
		if err != nil {
			return err
		}
		site, atSite := a.parking.SiteAt(ride.From.Point(), sites)
		local := now.In(m.Location(a.loc))
		used, err := tx.RideHomesSince(ctx, me.ID, time.Date(local.Year(), 1, 1, 0, 0, 0, 0, local.Location()))
		if err != nil {
			return err
		}
		q, err := carpool.NewRideHomeRequest(m, carpool.RideHomeAsk{Booking: b, Ride: ride, Site: site, AtSite: atSite,
			UsedThisYear: used, PerYear: a.limits.MaxRideHomesPerYear, Note: note}, now)
		if err != nil {
			return err
		}
		if err := tx.InsertRideHome(ctx, q); err != nil {
			return err
		}
		managers, err := tx.FleetManagerIDs(ctx)
		if err != nil {
			return err
		}
		var events []carpool.Event
		for _, id := range managers {
			events = append(events, carpool.RideHomeEvent(carpool.EventRideHomeRequested, q, id, now))
		}
		if err := tx.Append(ctx, events...); err != nil {
			return err
		}
		out = q
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(me, carpool.AuditRideHomeRequested, "ride_home", q.ID, b.ID, now))
	})
	if err != nil {
		return carpool.RideHomeRequest{}, fmt.Errorf("ask ride home: %w", err)
	}
	return out, nil
}

// DecideRideHome approves a request (a pool car reserved for the member until until,
// zero: rideHomeCar after the later of now and the lost ride's departure; or a taxi
// voucher) or declines it with a reason. The member hears of it at once.
func (a *App) DecideRideHome(ctx context.Context, me carpool.Member, id string, d carpool.RideHomeDecision, until time.Time) (carpool.RideHomeRequest, error) {
	if _, err := a.RideHome(ctx, me, id); err != nil {
		return carpool.RideHomeRequest{}, err
	}
	d, err := d.Check()
	if err != nil {
		return carpool.RideHomeRequest{}, err
	}
	var out carpool.RideHomeRequest
	err = a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		q, err := tx.LockRideHome(ctx, id)
		if err != nil {
			return err
		}
		if err := q.Decidable(me); err != nil {
			return err
		}
		var reservationID string
		if d.Approve && d.Means == carpool.RideHomePoolCar {
			holder, err := tx.LockMember(ctx, q.MemberID)
			if err != nil {
				return err
			}
			start := now
			if ride, err := a.store.Ride(ctx, q.RideID); err == nil && ride.DepartAt.After(start) {
				start = ride.DepartAt
			}
			end := until
			if end.IsZero() {
				end = start.Add(rideHomeCar)
			}
			res, err := a.reserveIn(ctx, tx, d.CarID, holder, carpool.ReservationTrip, start, end)
			if err != nil {
				return err
			}
			reservationID = res.ID
		}
		if err := q.Decide(me, d, reservationID, now); err != nil {
			return err
		}
		if err := tx.SaveRideHome(ctx, q); err != nil {
			return err
		}
		if err := tx.Append(ctx, carpool.RideHomeEvent(carpool.EventRideHomeDecided, q, q.MemberID, now)); err != nil {
			return err
		}
		out = q
		action := carpool.AuditRideHomeApproved
		if q.Status == carpool.RideHomeDeclined {
			action = carpool.AuditRideHomeDeclined
		}
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(me, action, "ride_home", q.ID, string(q.Means), now))
	})
	if err != nil {
		return carpool.RideHomeRequest{}, fmt.Errorf("decide ride home: %w", err)
	}
	return out, nil
}

// RideHome returns a request its member or a fleet manager may see; any other is not
// found.
func (a *App) RideHome(ctx context.Context, me carpool.Member, id string) (carpool.RideHomeRequest, error) {
	q, err := a.store.RideHome(ctx, id)
	if err != nil {
		return carpool.RideHomeRequest{}, err
	}
	if q.MemberID != me.ID && !me.ManagesFleet() {
		return carpool.RideHomeRequest{}, carpool.Errorf(carpool.ENOTFOUND, "ride home request not found")
	}
	return q, nil
}

// RideHomes lists requests newest first: a member's own, or for fleet managers everyone's
// (mine narrows it to their own).
func (a *App) RideHomes(ctx context.Context, me carpool.Member, mine bool, status carpool.RideHomeStatus, p carpool.Page) ([]carpool.RideHomeRequest, string, error) {
	f := carpool.RideHomeFilter{Status: status}
	if mine || !me.ManagesFleet() {
		f.MemberID = me.ID
	}
	return a.store.RideHomes(ctx, f, p)
}

// LostRide is a booking of the member that a ride home may replace, with its ride.
type LostRide struct {
	Booking carpool.Booking
	Ride    carpool.Ride
}

// LostRides are me's bookings whose ride no longer takes them and leaves within
// carpool.RideHomeWindow of now: what a ride-home form offers to choose from.
func (a *App) LostRides(ctx context.Context, me carpool.Member) ([]LostRide, error) {
	now := a.Now()
	bookings, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Booking, string, error) {
		return a.store.Bookings(ctx, carpool.BookingFilter{PassengerID: me.ID, DepartAfter: now.Add(-carpool.RideHomeWindow)}, p)
	})
	if err != nil {
		return nil, fmt.Errorf("lost rides: %w", err)
	}
	var out []LostRide
	for _, b := range bookings {
		ride, err := a.store.Ride(ctx, b.RideID)
		if err != nil {
			return nil, fmt.Errorf("lost rides: %w", err)
		}
		if carpool.RideLost(me, b, ride, now) && carpool.InRideHomeWindow(ride, now) {
			out = append(out, LostRide{Booking: b, Ride: ride})
		}
	}
	return out, nil
}

// RideHomeNames names the members who asked, for fleet managers, who answer them: id to
// name. Others learn no names (they see only their own requests).
func (a *App) RideHomeNames(ctx context.Context, me carpool.Member, reqs []carpool.RideHomeRequest) (map[string]string, error) {
	names := map[string]string{}
	if !me.ManagesFleet() || len(reqs) == 0 {
		return names, nil
	}
	ids := make([]string, len(reqs))
	for i, q := range reqs {
		ids[i] = q.MemberID
	}
	members, err := a.store.Members(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("ride home names: %w", err)
	}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	return names, nil
}

// ExportedRideHome is a member's request for a ride home in their data export.
type ExportedRideHome struct {
	ID        string    `json:"id"`
	BookingID string    `json:"booking_id"`
	RideID    string    `json:"ride_id"`
	Note      string    `json:"note,omitempty"`
	Status    string    `json:"status"`
	Means     string    `json:"means,omitempty"`
	Voucher   string    `json:"voucher,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

func exportRideHome(q carpool.RideHomeRequest) ExportedRideHome {
	return ExportedRideHome{ID: q.ID, BookingID: q.BookingID, RideID: q.RideID, Note: q.Note, Status: string(q.Status),
		Means: string(q.Means), Voucher: q.Voucher, Reason: q.Reason, CreatedAt: q.CreatedAt, DecidedAt: q.DecidedAt}
}
