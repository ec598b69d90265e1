package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const accountLinkCols = "id, member_id, purpose, hash, email, created_at, expires_at"

func scanAccountLink(r rowScanner) (carpool.AccountLink, error) {
	var l carpool.AccountLink
	err := r.Scan(&l.ID, &l.MemberID, &l.Purpose, &l.Hash, &l.Email, timeCol{&l.CreatedAt}, timeCol{&l.ExpiresAt})
	return l, err
}

// CreateAccountLink stores l in place of the member's previous link of its purpose.
func (s *Store) CreateAccountLink(ctx context.Context, l carpool.AccountLink) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_links WHERE member_id = $1 AND purpose = $2`,
			l.MemberID, string(l.Purpose)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO account_links (`+accountLinkCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			l.ID, l.MemberID, string(l.Purpose), l.Hash, carpool.NormalizeEmail(l.Email), ts(l.CreatedAt), ts(l.ExpiresAt))
		return s.constraint(err, carpool.EINVALID, "member_id")
	})
	if err != nil {
		return fmt.Errorf("create account link: %w", err)
	}
	return nil
}

// AccountLink returns a usable link by the hash of its secret.
func (s *Store) AccountLink(ctx context.Context, purpose carpool.LinkPurpose, hash string, now time.Time) (carpool.AccountLink, error) {
	l, err := s.usableLink(ctx, s.read(), purpose, hash, now, "")
	if err != nil {
		return carpool.AccountLink{}, fmt.Errorf("account link: %w", err)
	}
	return l, nil
}

// usableLink reads the link of purpose with hash if it has not expired at now and its
// member is active; lock is appended to the query (a row lock, or nothing).
func (s *Store) usableLink(ctx context.Context, q queryer, purpose carpool.LinkPurpose, hash string, now time.Time, lock string) (carpool.AccountLink, error) {
	l, err := scanAccountLink(q.QueryRowContext(ctx, `SELECT l.id, l.member_id, l.purpose, l.hash, l.email, l.created_at, l.expires_at
		FROM account_links l JOIN members m ON m.id = l.member_id
		WHERE l.hash = $1 AND l.purpose = $2 AND l.expires_at > $3 AND m.deactivated_at IS NULL`+lock,
		hash, string(purpose), ts(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return carpool.AccountLink{}, carpool.ErrLinkInvalid()
	}
	return l, err
}

// PendingAccountLink returns the member's unexpired link of purpose.
func (s *Store) PendingAccountLink(ctx context.Context, memberID string, purpose carpool.LinkPurpose, now time.Time) (carpool.AccountLink, error) {
	l, err := scanAccountLink(s.read().QueryRowContext(ctx, `SELECT `+accountLinkCols+` FROM account_links
		WHERE member_id = $1 AND purpose = $2 AND expires_at > $3`, memberID, string(purpose), ts(now)))
	if err != nil {
		return carpool.AccountLink{}, fmt.Errorf("pending account link: %w", notFound(err, "account link"))
	}
	return l, nil
}

// useLink deletes a usable link within tx and returns it with its member, whose row it
// locks. Two requests with the same link find it in turn: the second finds it gone.
func (s *Store) useLink(ctx context.Context, tx *sql.Tx, purpose carpool.LinkPurpose, hash string, now time.Time) (carpool.AccountLink, carpool.Member, error) {
	l, err := s.usableLink(ctx, tx, purpose, hash, now, "")
	if err != nil {
		return l, carpool.Member{}, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM account_links WHERE id = $1`, l.ID)
	if err != nil {
		return l, carpool.Member{}, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		// Used by a concurrent request between the read and the delete.
		return l, carpool.Member{}, carpool.ErrLinkInvalid()
	}
	m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE id = $1`+s.dialect.ForUpdate(), l.MemberID))
	if err != nil {
		return l, carpool.Member{}, notFound(err, "member")
	}
	return l, m, nil
}

// ResetPasswordByLink uses a reset link: new password, every session revoked.
func (s *Store) ResetPasswordByLink(ctx context.Context, hash, passwordHash string, now time.Time) (carpool.Member, error) {
	var out carpool.Member
	err := s.withTx(ctx, func(tx *sql.Tx, stamp time.Time) error {
		_, m, err := s.useLink(ctx, tx, carpool.LinkPasswordReset, hash, now)
		if err != nil {
			return err
		}
		m.PasswordHash, m.UpdatedAt = passwordHash, stamp
		if _, err := tx.ExecContext(ctx, `UPDATE members SET password_hash = $1, updated_at = $2 WHERE id = $3`,
			passwordHash, ts(stamp), m.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE member_id = $1`, m.ID); err != nil {
			return err
		}
		out = m
		return nil
	})
	if err != nil {
		return carpool.Member{}, fmt.Errorf("reset password by link: %w", err)
	}
	return out, nil
}

// ConfirmEmailByLink uses an email-change link: the address becomes the member's if
// nobody else holds it by now.
func (s *Store) ConfirmEmailByLink(ctx context.Context, hash string, now time.Time) (carpool.Member, string, error) {
	var out carpool.Member
	var previous string
	err := s.withTx(ctx, func(tx *sql.Tx, stamp time.Time) error {
		l, m, err := s.useLink(ctx, tx, carpool.LinkEmailChange, hash, now)
		if err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE lower(email) = $1 AND id <> $2`,
			l.Email, m.ID).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return carpool.FieldErrorf(carpool.ECONFLICT, "email", "another account uses this address by now")
		}
		previous = m.Email
		m.Email, m.UpdatedAt = l.Email, stamp
		if _, err := tx.ExecContext(ctx, `UPDATE members SET email = $1, updated_at = $2 WHERE id = $3`,
			m.Email, ts(stamp), m.ID); err != nil {
			// The unique index decides a race with a sign-up or another change.
			return s.constraint(err, carpool.ECONFLICT, "email")
		}
		out = m
		return nil
	})
	if err != nil {
		return carpool.Member{}, "", fmt.Errorf("confirm email by link: %w", err)
	}
	return out, previous, nil
}
