package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// deactivate signs a member out everywhere and releases what they held ahead, in one
// transaction: the rides they drive are cancelled (their passengers told), their
// bookings cancelled as if they had cancelled themselves (their drivers told, waitlists
// moving up), their reservations cancelled. Past history stays as it was.
func (a *App) deactivate(ctx context.Context, id string, by carpool.Member) (carpool.Deactivation, error) {
	var out carpool.Deactivation
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		m, admins, err := tx.LockForAdmin(ctx, id)
		if err != nil {
			return err
		}
		if err := carpool.CheckDeactivation(by, m, admins); err != nil {
			return err
		}
		if out, err = a.release(ctx, tx, m, by); err != nil {
			return err
		}
		detail := fmt.Sprintf("released %d rides, %d bookings, %d reservations; %d sessions ended",
			out.Rides, out.Bookings, out.Reservations, out.Sessions)
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(by, carpool.AuditMemberDeactivated, "member", m.ID, detail, tx.Now()))
	})
	if err != nil {
		return carpool.Deactivation{}, fmt.Errorf("deactivate member: %w", err)
	}
	return out, nil
}

// erase releases a member's future as deactivate does and replaces their personal data
// for good (GDPR Art. 17), in one transaction. Shared history stays consistent: a
// passenger's past ride still has its driver, now "a former colleague".
func (a *App) erase(ctx context.Context, id string, by carpool.Member) error {
	defer a.drivers.forget(id) // no result names them once they are erased
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		m, admins, err := tx.LockForAdmin(ctx, id)
		if err != nil {
			return err
		}
		if err := carpool.CheckErasure(by, m, admins); err != nil {
			return err
		}
		if _, err := a.release(ctx, tx, m, by); err != nil {
			return err
		}
		if err := tx.ScrubMember(ctx, m, carpool.Erased(m)); err != nil {
			return err
		}
		// Their messages keep their place in the threads, so the replies still read
		// in order, but say nothing of them any more.
		if err := tx.RemoveMessages(ctx, m.ID); err != nil {
			return err
		}
		// Their requests for rides home stay counted in the reports; what they wrote goes.
		if err := tx.ForgetRideHomeNotes(ctx, m.ID); err != nil {
			return err
		}
		// Their proof records and check-ins go: a record is about two people, and
		// with one of them erased it proves nothing any more.
		if err := tx.EraseProofs(ctx, m.ID); err != nil {
			return err
		}
		if err := tx.EraseDriverNoShows(ctx, m.ID); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(by, carpool.AuditMemberErased, "member", m.ID, "", tx.Now()))
	})
	if err != nil {
		return fmt.Errorf("erase member: %w", err)
	}
	return nil
}

// release deactivates m within tx and cancels what they held ahead, each through the
// one path its kind has, with its events.
func (a *App) release(ctx context.Context, tx carpool.Tx, m, by carpool.Member) (carpool.Deactivation, error) {
	var out carpool.Deactivation
	now := tx.Now()
	if m.Active() {
		m.DeactivatedAt = now
	}
	m.UpdatedAt = now
	if err := tx.SetDeactivated(ctx, m.ID, m.DeactivatedAt); err != nil {
		return out, err
	}
	var err error
	if out.Sessions, err = tx.EndSessions(ctx, m.ID); err != nil {
		return out, err
	}
	held, err := tx.HeldAhead(ctx, m.ID, now)
	if err != nil {
		return out, err
	}
	for _, rideID := range held.RideIDs {
		rb, err := tx.LoadRideBook(ctx, rideID, "")
		if err != nil {
			return out, err
		}
		if err := rb.CancelRide(by, now); err != nil {
			return out, err
		}
		if err := a.saveRideBook(ctx, tx, rb); err != nil {
			return out, err
		}
	}
	for _, b := range held.Bookings {
		rb, err := tx.LoadRideBook(ctx, b.RideID, b.ID)
		if err != nil {
			return out, err
		}
		if _, err := rb.Cancel(b.ID, m, now); err != nil {
			return out, err
		}
		if err := a.saveRideBook(ctx, tx, rb); err != nil {
			return out, err
		}
	}
	for _, resID := range held.ReservationIDs {
		r, err := tx.LockReservation(ctx, resID)
		if err != nil {
			return out, err
		}
		if err := cancelReservation(ctx, tx, r, by); err != nil {
			return out, err
		}
	}
	out.Rides, out.Bookings, out.Reservations = len(held.RideIDs), len(held.Bookings), len(held.ReservationIDs)
	out.Member = m
	return out, nil
}
