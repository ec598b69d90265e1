package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"carpool/internal/carpool"
)

// No-shows: a passenger marks the driver who never came (a driver marking a passenger
// is MarkNoShow, with the check-ins), fleet managers count both per member, and the
// no-show limit (carpool.Limits.CheckNoShows) stops members who keep not showing up
// from booking seats and offering rides.

// MarkDriverNoShow records that the driver of my confirmed booking never came. Anyone
// who may not see the booking learns nothing of it: it is not found for them.
func (a *App) MarkDriverNoShow(ctx context.Context, me carpool.Member, bookingID string) (carpool.DriverNoShow, error) {
	var out carpool.DriverNoShow
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		rideID, err := tx.RideOfBooking(ctx, bookingID)
		if err != nil {
			return err
		}
		rb, err := tx.LoadRideBook(ctx, rideID, bookingID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rb.Bookings, func(b carpool.Booking) bool { return b.ID == bookingID })
		if i < 0 || !rb.Bookings[i].VisibleTo(me) {
			return carpool.Errorf(carpool.ENOTFOUND, "booking not found")
		}
		_, err = tx.DriverNoShowOf(ctx, bookingID)
		if err != nil && carpool.ErrorCode(err) != carpool.ENOTFOUND {
			return err
		}
		if out, err = carpool.MarkDriverNoShow(me, rb.Ride, rb.Bookings[i], err == nil, tx.Now()); err != nil {
			return err
		}
		return tx.InsertDriverNoShow(ctx, out)
	})
	if err != nil {
		return carpool.DriverNoShow{}, fmt.Errorf("mark driver no-show: %w", err)
	}
	return out, nil
}

// DriverNoShowView is what the ride page shows a passenger about marking the driver.
type DriverNoShowView struct {
	// CanMark says the viewer may mark the driver as not there now.
	CanMark bool
	// MarkedAt is when the viewer did; zero when not.
	MarkedAt time.Time
}

// RideDriverNoShow returns the view for me on the ride: the zero view for anyone but a
// passenger with a booking on it.
func (a *App) RideDriverNoShow(ctx context.Context, me carpool.Member, v RideView) (DriverNoShowView, error) {
	if v.Mine == nil || v.Mine.PassengerID != me.ID {
		return DriverNoShowView{}, nil
	}
	var out DriverNoShowView
	n, err := a.store.DriverNoShow(ctx, v.Mine.ID)
	switch {
	case err == nil:
		out.MarkedAt = n.At
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return DriverNoShowView{}, err
	}
	out.CanMark = carpool.CanMarkDriverNoShow(me, v.Ride, *v.Mine, !out.MarkedAt.IsZero(), a.Now())
	return out, nil
}

// NoShowRow is one member's no-shows in a period as fleet managers see them.
type NoShowRow struct {
	Member Person
	carpool.NoShowCount
	// Limited says the member has reached the no-show limit, when one is set, and can
	// neither book nor offer now (only for a period that ends now).
	Limited bool
}

// NoShowReport is the no-shows of every member who had one in [From, To).
type NoShowReport struct {
	From, To time.Time
	// Limit and Period are the no-show limit in force (0: none).
	Limit  int
	Period time.Duration
	Rows   []NoShowRow
}

// NoShows counts, for fleet managers and admins only, every member's no-shows marked in
// [from, to), most first; zero times mean the limit's rolling period up to now. Other
// members never see them: a no-show count is between the member and the fleet.
func (a *App) NoShows(ctx context.Context, me carpool.Member, from, to time.Time) (NoShowReport, error) {
	if err := RequireFleet(me, carpool.Phrasef("see no-shows")); err != nil {
		return NoShowReport{}, err
	}
	now := a.Now()
	defFrom, defTo := a.limits.NoShowSpan(now)
	if from.IsZero() {
		from = defFrom
	}
	if to.IsZero() {
		to = defTo
	}
	if !from.Before(to) {
		return NoShowReport{}, carpool.FieldErrorf(carpool.EINVALID, "to", "to must be after from")
	}
	counts, err := a.store.NoShowCounts(ctx, from, to)
	if err != nil {
		return NoShowReport{}, fmt.Errorf("no-shows: %w", err)
	}
	ids := make([]string, len(counts))
	for i, c := range counts {
		ids[i] = c.MemberID
	}
	members, err := a.store.Members(ctx, ids)
	if err != nil {
		return NoShowReport{}, fmt.Errorf("no-shows: %w", err)
	}
	byID := make(map[string]carpool.Member, len(members))
	for _, m := range members {
		byID[m.ID] = m
	}
	rep := NoShowReport{From: from, To: to, Limit: a.limits.MaxNoShows, Period: a.limits.NoShowPeriod}
	current := from.Equal(defFrom) && to.Equal(defTo)
	for _, c := range counts {
		row := NoShowRow{Member: person(byID[c.MemberID], c.MemberID, true), NoShowCount: c}
		row.Limited = current && a.limits.CheckNoShows(c.Total()) != nil
		rep.Rows = append(rep.Rows, row)
	}
	slices.SortStableFunc(rep.Rows, func(x, y NoShowRow) int { return y.Total() - x.Total() })
	return rep, nil
}

// noShowsAllow applies the no-show limit to member, who is about to book a seat or
// offer a ride, inside tx: their no-shows in the rolling period before now decide.
func (a *App) noShowsAllow(ctx context.Context, tx carpool.Tx, memberID string, now time.Time) error {
	if a.limits.MaxNoShows <= 0 {
		return nil // no limit: no need to count
	}
	since, _ := a.limits.NoShowSpan(now)
	n, err := tx.NoShowsSince(ctx, memberID, since)
	if err != nil {
		return err
	}
	return a.limits.CheckNoShows(n)
}
