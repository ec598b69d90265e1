package sqlstore

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// The member administration part of carpool.Tx.

func (u *unit) LockForAdmin(ctx context.Context, id string) (carpool.Member, int, error) {
	if err := knownID(id, "member"); err != nil {
		return carpool.Member{}, 0, err
	}
	return u.s.lockForAdmin(ctx, u.tx, id)
}

func (u *unit) SetDeactivated(ctx context.Context, id string, at time.Time) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE members SET deactivated_at = $1, updated_at = $2 WHERE id = $3`,
		nullTime(at), ts(u.now), id)
	if err != nil {
		return err
	}
	return mustAffect(res, "member")
}

func (u *unit) EndSessions(ctx context.Context, memberID string) (int, error) {
	res, err := u.tx.ExecContext(ctx, `DELETE FROM tokens WHERE member_id = $1`, memberID)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	// A link mailed before would otherwise outlive the deactivation (and an erasure,
	// with the new address it holds).
	if _, err := u.tx.ExecContext(ctx, `DELETE FROM account_links WHERE member_id = $1`, memberID); err != nil {
		return 0, err
	}
	return int(n), nil
}

func (u *unit) HeldAhead(ctx context.Context, memberID string, now time.Time) (carpool.Holdings, error) {
	var h carpool.Holdings
	var err error
	h.RideIDs, err = u.s.ids(ctx, u.tx, `SELECT id FROM rides WHERE driver_id = $1 AND status = 'open' AND depart_at > $2 ORDER BY id`, memberID, ts(now))
	if err != nil {
		return h, err
	}
	rows, err := u.tx.QueryContext(ctx, `SELECT `+prefixed("b.", bookingCols)+` FROM bookings b JOIN rides r ON r.id = b.ride_id
		WHERE b.passenger_id = $1 AND b.status IN `+activeStatuses+` AND r.depart_at > $2 ORDER BY b.id`, memberID, ts(now))
	if err != nil {
		return h, err
	}
	if h.Bookings, err = collect(rows, scanBooking); err != nil {
		return h, err
	}
	h.ReservationIDs, err = u.s.ids(ctx, u.tx, `SELECT id FROM reservations WHERE member_id = $1 AND status = 'active' AND ends_at > $2 ORDER BY id`, memberID, ts(now))
	return h, err
}

func (u *unit) ScrubMember(ctx context.Context, old, erased carpool.Member) error {
	ctx, tx, now := ctx, u.tx, u.now
	if _, err := tx.ExecContext(ctx, `UPDATE members SET email = $1, name = $2, phone = '', password_hash = '', language = '', time_zone = '', share_with_partners = 0, updated_at = $3 WHERE id = $4`,
		erased.Email, erased.Name, ts(now), old.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cars SET plate = 'ERASED-' || id, make = '', model = '', status = 'retired', updated_at = $1
		WHERE owner_id = $2`, ts(now), old.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rides SET notes = '' WHERE driver_id = $1`, old.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1`, old.ID); err != nil {
		return err
	}
	if err := u.s.forgetAnonymousAnswers(ctx, tx, old.Email); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_events WHERE recipient_id = $1`, old.ID); err != nil {
		return err
	}
	return u.s.forgetNotifications(ctx, tx, old, erased.Name)
}

func (u *unit) AppendAudit(ctx context.Context, e carpool.AuditEntry) error {
	return u.s.insertAudit(ctx, u.tx, e)
}

func (u *unit) SaveRole(ctx context.Context, m carpool.Member) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE members SET role = $1, updated_at = $2 WHERE id = $3`, string(m.Role), ts(m.UpdatedAt), m.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, "member")
}

func (u *unit) SaveProfile(ctx context.Context, m carpool.Member) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE members SET name = $1, phone = $2, password_hash = $3, language = $4,
		time_zone = $5, share_with_partners = $6, updated_at = $7 WHERE id = $8`,
		m.Name, m.Phone, m.PasswordHash, m.Language, m.TimeZone, boolInt(m.ShareWithPartners), ts(m.UpdatedAt), m.ID)
	if err != nil {
		return u.s.constraint(err, carpool.EINVALID, "")
	}
	return mustAffect(res, "member")
}
