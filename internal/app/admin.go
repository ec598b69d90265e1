package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// Operator is the acting member for the command line: someone who holds the database
// credentials acts as an admin, and the audit log records the action without a member.
var Operator = carpool.Member{Name: "command line", Role: carpool.RoleAdmin}

func requireAdmin(me carpool.Member, action carpool.Phrase) error {
	if me.Role != carpool.RoleAdmin {
		return carpool.Errorf(carpool.EFORBIDDEN, "only admins can %s", action)
	}
	return nil
}

// Members lists and searches members (admins).
func (a *App) Members(ctx context.Context, me carpool.Member, f carpool.MemberFilter, p carpool.Page) ([]carpool.Member, string, error) {
	if err := requireAdmin(me, carpool.Phrasef("list members")); err != nil {
		return nil, "", err
	}
	f, err := f.Normalize()
	if err != nil {
		return nil, "", err
	}
	return a.store.ListMembers(ctx, f, p)
}

// Member returns a member to an admin, or me to themselves; anyone else is not found.
func (a *App) Member(ctx context.Context, me carpool.Member, id string) (carpool.Member, error) {
	if me.ID != id && me.Role != carpool.RoleAdmin {
		return carpool.Member{}, carpool.Errorf(carpool.ENOTFOUND, "member not found")
	}
	return a.store.Member(ctx, id)
}

// MemberByEmail finds a member by address for the command line.
func (a *App) MemberByEmail(ctx context.Context, me carpool.Member, email string) (carpool.Member, error) {
	if err := requireAdmin(me, carpool.Phrasef("look members up")); err != nil {
		return carpool.Member{}, err
	}
	return a.store.MemberByEmail(ctx, email)
}

// SetRole changes a member's role (admins); the last admin cannot be demoted.
func (a *App) SetRole(ctx context.Context, me carpool.Member, id string, role carpool.Role) (carpool.Member, error) {
	return a.setRole(ctx, id, role, me)
}

// Deactivate signs a member out everywhere and releases their future rides, bookings
// and reservations, telling everyone concerned (admins; never the last admin).
func (a *App) Deactivate(ctx context.Context, me carpool.Member, id string) (carpool.Deactivation, error) {
	d, err := a.deactivate(ctx, id, me)
	if err != nil {
		return d, err
	}
	return d, a.stopCalendarFeed(ctx, id)
}

// Reactivate lets a deactivated member sign in again (admins); an erased one never.
func (a *App) Reactivate(ctx context.Context, me carpool.Member, id string) (carpool.Member, error) {
	return a.reactivate(ctx, id, me)
}

// ResetPassword sets a new password for a member (admins, for someone locked out) and
// ends all their sessions, so whoever knew the old one is signed out.
func (a *App) ResetPassword(ctx context.Context, me carpool.Member, id, password string) error {
	if err := requireAdmin(me, carpool.Phrasef("reset passwords")); err != nil {
		return err
	}
	target, err := a.store.Member(ctx, id)
	if err != nil {
		return err
	}
	if err := carpool.ValidatePassword(password, target.Email, target.Name); err != nil {
		return err
	}
	hash, err := a.hashPassword(ctx, password)
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	if _, err := a.changeMember(ctx, id, func(m *carpool.Member) error {
		m.PasswordHash = hash
		return nil
	}); err != nil {
		return err
	}
	if _, err := a.store.DeleteMemberTokens(ctx, id, ""); err != nil {
		return err
	}
	if err := a.passwordChanged(ctx, id); err != nil {
		return err
	}
	a.audit(ctx, me, carpool.AuditPasswordReset, "member", id, "")
	return nil
}

// AuditLog lets admins browse who did what.
func (a *App) AuditLog(ctx context.Context, me carpool.Member, f carpool.AuditFilter, p carpool.Page) ([]carpool.AuditEntry, string, error) {
	if err := requireAdmin(me, carpool.Phrasef("read the audit log")); err != nil {
		return nil, "", err
	}
	return a.store.AuditLog(ctx, f, p)
}

// audit records an action that has already happened, after its own transaction: a crash
// in between loses the line, never the change, and a line that cannot be written is
// logged rather than failing what succeeded. Role changes and deactivations write theirs
// in the same transaction instead. The detail is data (a name, a label, an id), never a
// sentence: the audit page says the action in its reader's language, and the data
// reads the same in every one.
func (a *App) audit(ctx context.Context, me carpool.Member, action, subjectType, subjectID, detail string) {
	e := carpool.NewAuditEntry(me, action, subjectType, subjectID, detail, a.Now())
	if err := a.store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		a.log.ErrorContext(ctx, "audit entry lost", "action", action, "subject", subjectID, "err", err)
	}
}

// MemberNames returns the names of the members with ids, by id, for admins reading the
// audit log.
func (a *App) MemberNames(ctx context.Context, me carpool.Member, ids []string) (map[string]string, error) {
	if err := requireAdmin(me, carpool.Phrasef("look members up")); err != nil {
		return nil, err
	}
	members, err := a.membersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(members))
	for id, m := range members {
		names[id] = m.Name
	}
	return names, nil
}
