package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// EmailChoices implements carpool.NotificationStore.
func (s *Store) EmailChoices(ctx context.Context, memberID string) (map[string]bool, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT kind, email FROM email_preferences WHERE member_id = $1`, memberID)
	if err != nil {
		return nil, fmt.Errorf("email preferences: %w", err)
	}
	type choice struct {
		kind  string
		email int
	}
	list, err := collect(rows, func(r rowScanner) (choice, error) {
		var c choice
		return c, r.Scan(&c.kind, &c.email)
	})
	if err != nil {
		return nil, fmt.Errorf("email preferences: %w", err)
	}
	out := make(map[string]bool, len(list))
	for _, c := range list {
		out[c.kind] = c.email == 1
	}
	return out, nil
}

// SetEmailChoices implements carpool.NotificationStore.
func (s *Store) SetEmailChoices(ctx context.Context, memberID string, choices map[string]bool) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM email_preferences WHERE member_id = $1`, memberID); err != nil {
			return err
		}
		for kind, want := range choices {
			email := 0
			if want {
				email = 1
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO email_preferences (member_id, kind, email) VALUES ($1, $2, $3)`, memberID, kind, email)
			if err != nil {
				return s.constraint(err, carpool.EINVALID, "member_id")
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set email preferences: %w", err)
	}
	return nil
}
