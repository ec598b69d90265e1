package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// ListMembers returns a page of the members f selects, in id (creation) order.
func (s *Store) ListMembers(ctx context.Context, f carpool.MemberFilter, p carpool.Page) ([]carpool.Member, string, error) {
	var a args
	var conds []string
	if q := strings.ToLower(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		conds = append(conds, "(lower(name) LIKE "+a.add(like)+" ESCAPE '\\' OR email LIKE "+a.add(like)+" ESCAPE '\\')")
	}
	if f.Role != "" {
		conds = append(conds, "role = "+a.add(string(f.Role)))
	}
	if !f.IncludeInactive {
		conds = append(conds, "deactivated_at IS NULL")
	}
	return listPage(ctx, s, "members", memberCols, conds, a, p, scanMember, func(m carpool.Member) string { return m.ID })
}

// escapeLike makes the LIKE wildcards in s match themselves.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// lockForAdmin reads a member under its row lock, with the number of active admins as the
// transaction sees them. The admins' rows are locked first, in id order, so two admins
// demoting each other at once cannot both see the other still in place, and every
// transaction takes the locks in the same order.
func (s *Store) lockForAdmin(ctx context.Context, tx *sql.Tx, id string) (carpool.Member, int, error) {
	admins, err := s.ids(ctx, tx, `SELECT id FROM members WHERE role = 'admin' AND deactivated_at IS NULL ORDER BY id`+s.dialect.ForUpdate())
	if err != nil {
		return carpool.Member{}, 0, err
	}
	m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE id = $1`+s.dialect.ForUpdate(), id))
	if err != nil {
		return carpool.Member{}, 0, notFound(err, "member")
	}
	return m, len(admins), nil
}

// forgetAnonymousAnswers deletes the stored answers of anonymous requests (sign-up) that
// hold email: their scope names nobody, so they are found by content.
func (s *Store) forgetAnonymousAnswers(ctx context.Context, tx *sql.Tx, email string) error {
	rows, err := tx.QueryContext(ctx, `SELECT idem_key, body FROM idempotency_keys WHERE scope = ''`)
	if err != nil {
		return err
	}
	type answer struct {
		key  string
		body []byte
	}
	answers, err := collect(rows, func(r rowScanner) (answer, error) {
		var a answer
		return a, r.Scan(&a.key, bytesCol{&a.body})
	})
	if err != nil {
		return err
	}
	for _, a := range answers {
		if bytes.Contains(bytes.ToLower(a.body), []byte(email)) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = '' AND idem_key = $1`, a.key); err != nil {
				return err
			}
		}
	}
	return nil
}

// MemberTokens returns a member's unexpired tokens (API tokens and web sessions), newest
// first.
func (s *Store) MemberTokens(ctx context.Context, memberID string, now time.Time) ([]carpool.Token, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT id, member_id, hash, created_at, expires_at FROM tokens
		WHERE member_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id LIMIT 200`, memberID, ts(now))
	if err != nil {
		return nil, fmt.Errorf("member tokens: %w", err)
	}
	tokens, err := collect(rows, func(r rowScanner) (carpool.Token, error) {
		var t carpool.Token
		return t, r.Scan(&t.ID, &t.MemberID, &t.Hash, timeCol{&t.CreatedAt}, timeCol{&t.ExpiresAt})
	})
	if err != nil {
		return nil, fmt.Errorf("member tokens: %w", err)
	}
	return tokens, nil
}

// DeleteMemberTokens revokes a member's tokens except keep (empty: all) and returns how
// many it revoked.
func (s *Store) DeleteMemberTokens(ctx context.Context, memberID, keep string) (int, error) {
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE member_id = $1 AND id <> $2`, memberID, keep)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete member tokens: %w", err)
	}
	return int(n), nil
}

// AppendAudit writes one audit entry in a transaction of its own.
func (s *Store) AppendAudit(ctx context.Context, e carpool.AuditEntry) error {
	if err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error { return s.insertAudit(ctx, tx, e) }); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

func (s *Store) insertAudit(ctx context.Context, tx *sql.Tx, e carpool.AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, action, subject_type, subject_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ID, ts(e.At), e.ActorID, e.Action, e.SubjectType, e.SubjectID, e.Detail)
	return err
}

const auditCols = "id, at, actor_id, action, subject_type, subject_id, detail"

func scanAudit(r rowScanner) (carpool.AuditEntry, error) {
	var e carpool.AuditEntry
	err := r.Scan(&e.ID, timeCol{&e.At}, &e.ActorID, &e.Action, &e.SubjectType, &e.SubjectID, &e.Detail)
	return e, err
}

// AuditLog returns a page of the audit entries f selects, oldest first.
func (s *Store) AuditLog(ctx context.Context, f carpool.AuditFilter, p carpool.Page) ([]carpool.AuditEntry, string, error) {
	var a args
	var conds []string
	if f.ActorID != "" {
		conds = append(conds, "actor_id = "+a.add(f.ActorID))
	}
	if f.SubjectID != "" {
		conds = append(conds, "subject_id = "+a.add(f.SubjectID))
	}
	if f.Action != "" {
		conds = append(conds, "action LIKE "+a.add(escapeLike(f.Action)+"%")+" ESCAPE '\\'")
	}
	if !f.Since.IsZero() {
		conds = append(conds, "at >= "+a.add(ts(f.Since)))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "at < "+a.add(ts(f.Until)))
	}
	return listPage(ctx, s, "audit_log", auditCols, conds, a, p, scanAudit, func(e carpool.AuditEntry) string { return e.ID })
}

// ids runs a query that selects one text column and returns its values.
func (s *Store) ids(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
}
