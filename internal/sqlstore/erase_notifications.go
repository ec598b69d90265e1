package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"carpool/internal/carpool"
)

// forgetNotifications removes what the notification tables hold about an erased member,
// in the erasing transaction: their inbox, e-mail choices, calendar token, reminders and
// mails; and their name in other people's inbox texts and unsent mails, replaced by
// replacement (texts are written when an event is fanned out, so they may name them).
func (s *Store) forgetNotifications(ctx context.Context, tx *sql.Tx, m carpool.Member, replacement string) error {
	for _, q := range []string{
		`DELETE FROM notifications WHERE member_id = $1`,
		`DELETE FROM email_preferences WHERE member_id = $1`,
		`DELETE FROM calendar_tokens WHERE member_id = $1`,
		`DELETE FROM reminders WHERE member_id = $1`,
		`DELETE FROM deliveries WHERE channel = 'email' AND recipient = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, m.ID); err != nil {
			return fmt.Errorf("forget notifications: %w", err)
		}
	}
	if m.Name == "" {
		return nil
	}
	for _, q := range []string{
		`UPDATE notifications SET title = replace(title, $1, $2), body = replace(body, $1, $2)
			WHERE body <> replace(body, $1, $2) OR title <> replace(title, $1, $2)`,
		`UPDATE deliveries SET payload = replace(payload, $1, $2) WHERE payload <> replace(payload, $1, $2)`,
	} {
		if _, err := tx.ExecContext(ctx, q, m.Name, replacement); err != nil {
			return fmt.Errorf("forget notifications: %w", err)
		}
	}
	return nil
}
