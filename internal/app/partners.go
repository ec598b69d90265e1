package app

import (
	"context"
	"strings"

	"carpool/internal/carpool"
)

// CreatePartner registers a partner operator (admins) and returns it with its key, which
// is shown this once: only its hash is kept.
func (a *App) CreatePartner(ctx context.Context, me carpool.Member, name string) (carpool.Partner, string, error) {
	if err := requireAdmin(me, carpool.Phrasef("register partners")); err != nil {
		return carpool.Partner{}, "", err
	}
	p, key, err := carpool.NewPartner(name, a.Now())
	if err != nil {
		return carpool.Partner{}, "", err
	}
	err = a.store.InTx(ctx, func(tx carpool.Tx) error {
		if err := tx.CreatePartner(ctx, p); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(me, carpool.AuditPartnerCreated, "partner", p.ID, p.Name, tx.Now()))
	})
	if err != nil {
		return carpool.Partner{}, "", err
	}
	return p, key, nil
}

// Partners lists the partner operators, revoked ones included (admins).
func (a *App) Partners(ctx context.Context, me carpool.Member) ([]carpool.Partner, error) {
	if err := requireAdmin(me, carpool.Phrasef("list partners")); err != nil {
		return nil, err
	}
	return a.store.Partners(ctx)
}

// RevokePartner ends a partner's access (admins); its key stops at the next request on
// every replica, since each request reads the partner from the database.
func (a *App) RevokePartner(ctx context.Context, me carpool.Member, id string) (carpool.Partner, error) {
	if err := requireAdmin(me, carpool.Phrasef("revoke partners")); err != nil {
		return carpool.Partner{}, err
	}
	var out carpool.Partner
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		p, err := tx.LockPartner(ctx, id)
		if err != nil {
			return err
		}
		if err := p.Revoke(tx.Now()); err != nil {
			return err
		}
		if err := tx.SetPartnerRevoked(ctx, p.ID, p.RevokedAt); err != nil {
			return err
		}
		out = p
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(me, carpool.AuditPartnerRevoked, "partner", p.ID, p.Name, tx.Now()))
	})
	return out, err
}

// AuthenticatePartner returns the active partner whose key this is; EUNAUTHORIZED for a
// missing, unknown or revoked key, alike, so a caller learns nothing about other keys.
func (a *App) AuthenticatePartner(ctx context.Context, key string) (carpool.Partner, error) {
	key = strings.TrimSpace(key)
	refused := carpool.Errorf(carpool.EUNAUTHORIZED, "a valid X-API-Key is required")
	if key == "" {
		return carpool.Partner{}, refused
	}
	p, err := a.store.PartnerByKeyHash(ctx, carpool.HashToken(key))
	if carpool.ErrorCode(err) == carpool.ENOTFOUND || err == nil && !p.Active() {
		return carpool.Partner{}, refused
	}
	if err != nil {
		return carpool.Partner{}, err
	}
	return p, nil
}
