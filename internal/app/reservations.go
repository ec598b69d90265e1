package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// Reserve holds a pool car that me may see for [start, end): a trip, or a maintenance
// block (fleet managers and admins; the domain decides).
func (a *App) Reserve(ctx context.Context, me carpool.Member, carID string, kind carpool.ReservationKind, start, end time.Time) (carpool.Reservation, error) {
	if _, err := a.Car(ctx, me, carID); err != nil {
		return carpool.Reservation{}, err
	}
	res, err := a.createReservation(ctx, carID, me, kind, start, end)
	if err != nil {
		return carpool.Reservation{}, err
	}
	if res.Kind == carpool.ReservationMaintenance {
		a.audit(ctx, me, carpool.AuditMaintenance, "reservation", res.ID, res.Start.Format(time.RFC3339)+" – "+res.End.Format(time.RFC3339))
	}
	return res, nil
}

// Reservation returns a reservation that me holds or may manage; any other is reported
// as not found.
func (a *App) Reservation(ctx context.Context, me carpool.Member, id string) (carpool.Reservation, error) {
	res, err := a.store.Reservation(ctx, id)
	if err != nil {
		return carpool.Reservation{}, err
	}
	if !res.VisibleTo(me) {
		return carpool.Reservation{}, carpool.Errorf(carpool.ENOTFOUND, "reservation not found")
	}
	return res, nil
}

// CarReservations shows when a car that me may see is taken, so a member can pick a free
// window. Who holds another member's reservation is left out (see shownTo).
func (a *App) CarReservations(ctx context.Context, me carpool.Member, carID string, f carpool.ReservationFilter, p carpool.Page) ([]carpool.Reservation, string, error) {
	if _, err := a.Car(ctx, me, carID); err != nil {
		return nil, "", err
	}
	f.CarID, f.MemberID = carID, ""
	return a.reservations(ctx, me, f, p)
}

// MyReservations lists me's own reservations.
func (a *App) MyReservations(ctx context.Context, me carpool.Member, f carpool.ReservationFilter, p carpool.Page) ([]carpool.Reservation, string, error) {
	f.MemberID = me.ID
	return a.reservations(ctx, me, f, p)
}

func (a *App) reservations(ctx context.Context, me carpool.Member, f carpool.ReservationFilter, p carpool.Page) ([]carpool.Reservation, string, error) {
	if !f.Start.IsZero() && !f.End.IsZero() && !f.End.After(f.Start) {
		return nil, "", carpool.FieldErrorf(carpool.EINVALID, "end", "end must be after start")
	}
	list, next, err := a.store.Reservations(ctx, f, p)
	if err != nil {
		return nil, "", err
	}
	for i := range list {
		list[i] = shownTo(list[i], me)
	}
	return list, next, nil
}

// shownTo returns res as me may see it: members who neither hold it nor manage the fleet
// learn only when the car is taken, not by whom.
func shownTo(res carpool.Reservation, me carpool.Member) carpool.Reservation {
	if res.VisibleTo(me) {
		return res
	}
	res.MemberID, res.CancelledBy = "", ""
	res.CreatedAt, res.UpdatedAt = time.Time{}, time.Time{}
	return res
}

// CancelReservation frees a reservation (its holder, or a fleet manager or admin).
func (a *App) CancelReservation(ctx context.Context, me carpool.Member, id string) (carpool.Reservation, error) {
	held, err := a.Reservation(ctx, me, id)
	if err != nil {
		return carpool.Reservation{}, err
	}
	res, err := a.freeReservation(ctx, id, me)
	if err != nil {
		return carpool.Reservation{}, err
	}
	if held.MemberID != me.ID {
		a.audit(ctx, me, carpool.AuditReservationFreed, "reservation", res.ID, held.MemberID)
	}
	return res, nil
}

// Holders returns who holds each reservation as me may see them: fleet managers and
// admins see every holder with contact details (they must reach whoever has a pool car);
// members see only themselves.
func (a *App) Holders(ctx context.Context, me carpool.Member, list []carpool.Reservation) (map[string]Person, error) {
	var ids []string
	for _, r := range list {
		if r.MemberID != "" && (me.ManagesFleet() || r.MemberID == me.ID) {
			ids = append(ids, r.MemberID)
		}
	}
	people, err := a.membersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Person, len(people))
	for id, m := range people {
		out[id] = person(m, id, true)
	}
	return out, nil
}
