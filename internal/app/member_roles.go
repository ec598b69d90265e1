package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// setRole gives a member a role, by an admin (never demoting the last active admin) or
// by carpool.RoleClaim (only ever raising it; a claim that would not raise it changes
// nothing and writes no audit line). The active admins are locked before the member,
// so two admins demoting each other at once cannot both see the other still in place.
func (a *App) setRole(ctx context.Context, id string, role carpool.Role, by carpool.Member) (carpool.Member, error) {
	var out carpool.Member
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		m, admins, err := tx.LockForAdmin(ctx, id)
		if err != nil {
			return err
		}
		out = m
		change, err := carpool.CheckRoleChange(by, m, role, admins)
		if err != nil || !change {
			return err
		}
		audit := carpool.RoleChangeAudit(by, m, role, now)
		m.Role, m.UpdatedAt = role, now
		if err := tx.SaveRole(ctx, m); err != nil {
			return err
		}
		out = m
		return tx.AppendAudit(ctx, audit)
	})
	if err != nil {
		return carpool.Member{}, fmt.Errorf("set role: %w", err)
	}
	return out, nil
}

// reactivate lets a deactivated member sign in again, checked against the member as
// they are under the lock (an erasure may have come first).
func (a *App) reactivate(ctx context.Context, id string, by carpool.Member) (carpool.Member, error) {
	var out carpool.Member
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		m, _, err := tx.LockForAdmin(ctx, id)
		if err != nil {
			return err
		}
		if err := carpool.CheckReactivation(by, m); err != nil {
			return err
		}
		if err := tx.SetDeactivated(ctx, m.ID, time.Time{}); err != nil {
			return err
		}
		m.DeactivatedAt, m.UpdatedAt = time.Time{}, now
		out = m
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(by, carpool.AuditMemberReactivated, "member", m.ID, "", now))
	})
	if err != nil {
		return carpool.Member{}, fmt.Errorf("reactivate member: %w", err)
	}
	return out, nil
}
