package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"carpool/internal/carpool"
)

const memberCols = "id, email, name, phone, role, password_hash, created_at, updated_at, deactivated_at, language, time_zone, share_with_partners"

func scanMember(r rowScanner) (carpool.Member, error) {
	var m carpool.Member
	err := r.Scan(&m.ID, &m.Email, &m.Name, &m.Phone, &m.Role, &m.PasswordHash,
		timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt}, timeCol{&m.DeactivatedAt}, &m.Language, &m.TimeZone, boolCol{&m.ShareWithPartners})
	return m, err
}

// CreateMember stores a new member; ECONFLICT (field email) if the email is taken,
// whatever its case.
func (s *Store) CreateMember(ctx context.Context, m carpool.Member) error {
	m.Email = carpool.NormalizeEmail(m.Email)
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		if m.UpdatedAt.IsZero() {
			m.UpdatedAt = m.CreatedAt
		}
		var taken int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE lower(email) = $1`, m.Email).Scan(&taken)
		if err != nil {
			return err
		}
		if taken > 0 {
			return carpool.FieldErrorf(carpool.ECONFLICT, "email", "a member with this email exists")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO members (`+memberCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			m.ID, m.Email, m.Name, m.Phone, string(m.Role), m.PasswordHash, ts(m.CreatedAt), ts(m.UpdatedAt), nullTime(m.DeactivatedAt), m.Language, m.TimeZone, boolInt(m.ShareWithPartners))
		return s.constraint(err, carpool.ECONFLICT, "email")
	})
	if err != nil {
		return fmt.Errorf("create member: %w", err)
	}
	return nil
}

// Member returns the member with id.
func (s *Store) Member(ctx context.Context, id string) (carpool.Member, error) {
	if err := knownID(id, "member"); err != nil {
		return carpool.Member{}, fmt.Errorf("member: %w", err)
	}
	m, err := scanMember(s.read().QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE id = $1`, id))
	if err != nil {
		return carpool.Member{}, fmt.Errorf("member: %w", notFound(err, "member"))
	}
	return m, nil
}

// MemberByEmail returns the member with the email, compared case-insensitively.
func (s *Store) MemberByEmail(ctx context.Context, email string) (carpool.Member, error) {
	if !utf8.ValidString(email) || strings.ContainsRune(email, 0) {
		// No stored address holds these bytes, and PostgreSQL cannot compare them.
		return carpool.Member{}, fmt.Errorf("member by email: %w", carpool.Errorf(carpool.ENOTFOUND, "member not found"))
	}
	m, err := scanMember(s.read().QueryRowContext(ctx,
		`SELECT `+memberCols+` FROM members WHERE lower(email) = $1`, carpool.NormalizeEmail(email)))
	if err != nil {
		return carpool.Member{}, fmt.Errorf("member by email: %w", notFound(err, "member"))
	}
	return m, nil
}

// Members returns the members with the given ids that exist, in no particular order.
func (s *Store) Members(ctx context.Context, ids []string) ([]carpool.Member, error) {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !carpool.ValidID(id) })
	return byIDs(ctx, s, "members", memberCols, ids, scanMember)
}

// CreateToken stores a token (its hash only).
func (s *Store) CreateToken(ctx context.Context, t carpool.Token) error {
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if t.CreatedAt.IsZero() {
			t.CreatedAt = now
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, member_id, hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, t.MemberID, t.Hash, ts(t.CreatedAt), ts(t.ExpiresAt))
		return s.constraint(err, carpool.EINVALID, "member_id")
	})
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// MemberByToken returns the active member and token for a token hash that has not
// expired at now. Deactivating a member deletes their tokens; the condition on
// deactivated_at holds even for a token created in a race with the deactivation.
func (s *Store) MemberByToken(ctx context.Context, hash string, now time.Time) (carpool.Member, carpool.Token, error) {
	row := s.read().QueryRowContext(ctx, `
		SELECT m.id, m.email, m.name, m.phone, m.role, m.password_hash, m.created_at, m.updated_at, m.language, m.time_zone, m.share_with_partners,
		       t.id, t.member_id, t.hash, t.created_at, t.expires_at
		FROM tokens t JOIN members m ON m.id = t.member_id
		WHERE t.hash = $1 AND t.expires_at > $2 AND m.deactivated_at IS NULL`, hash, ts(now))
	var m carpool.Member
	var t carpool.Token
	err := row.Scan(&m.ID, &m.Email, &m.Name, &m.Phone, &m.Role, &m.PasswordHash, timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt}, &m.Language, &m.TimeZone, boolCol{&m.ShareWithPartners},
		&t.ID, &t.MemberID, &t.Hash, timeCol{&t.CreatedAt}, timeCol{&t.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return carpool.Member{}, carpool.Token{}, carpool.Errorf(carpool.EUNAUTHORIZED, "the token is unknown or expired")
	}
	if err != nil {
		return carpool.Member{}, carpool.Token{}, fmt.Errorf("member by token: %w", err)
	}
	return m, t, nil
}

// DeleteToken revokes a token; ENOTFOUND if it does not exist.
func (s *Store) DeleteToken(ctx context.Context, id string) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return mustAffect(res, "token")
	})
	if err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}

// mustAffect returns ENOTFOUND when a statement touched no row.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return carpool.Errorf(carpool.ENOTFOUND, "%s not found", what)
	}
	return nil
}
