package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const partnerCols = "id, name, key_hash, alias_salt, created_at, revoked_at"

func scanPartner(r rowScanner) (carpool.Partner, error) {
	var p carpool.Partner
	err := r.Scan(&p.ID, &p.Name, &p.KeyHash, &p.AliasSalt, timeCol{&p.CreatedAt}, timeCol{&p.RevokedAt})
	return p, err
}

// Partners returns every partner, oldest first; there are a handful, so no page.
func (s *Store) Partners(ctx context.Context) ([]carpool.Partner, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+partnerCols+` FROM partners ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("partners: %w", err)
	}
	out, err := collect(rows, scanPartner)
	if err != nil {
		return nil, fmt.Errorf("partners: %w", err)
	}
	return out, nil
}

// PartnerByKeyHash is read on every partner request, from the database and not a cache,
// so a revocation holds at once on every replica.
func (s *Store) PartnerByKeyHash(ctx context.Context, hash string) (carpool.Partner, error) {
	p, err := scanPartner(s.read().QueryRowContext(ctx, `SELECT `+partnerCols+` FROM partners WHERE key_hash = $1`, hash))
	return p, notFound(err, "partner")
}

func (u *unit) CreatePartner(ctx context.Context, p carpool.Partner) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO partners (`+partnerCols+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.Name, p.KeyHash, p.AliasSalt, ts(p.CreatedAt), nullTime(p.RevokedAt))
	if err != nil {
		return fmt.Errorf("create partner: %w", err)
	}
	return nil
}

func (u *unit) LockPartner(ctx context.Context, id string) (carpool.Partner, error) {
	if err := knownID(id, "partner"); err != nil {
		return carpool.Partner{}, err
	}
	p, err := scanPartner(u.tx.QueryRowContext(ctx, `SELECT `+partnerCols+` FROM partners WHERE id = $1`+u.s.dialect.ForUpdate(), id))
	return p, notFound(err, "partner")
}

func (u *unit) SetPartnerRevoked(ctx context.Context, id string, at time.Time) error {
	if _, err := u.tx.ExecContext(ctx, `UPDATE partners SET revoked_at = $1 WHERE id = $2`, nullTime(at), id); err != nil {
		return fmt.Errorf("revoke partner: %w", err)
	}
	return nil
}
