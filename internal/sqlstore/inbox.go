package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"carpool/internal/carpool"
)

const notificationCols = "id, member_id, event_id, kind, title, body, link, language, created_at, read_at"

func scanNotification(r rowScanner) (carpool.Notification, error) {
	var n carpool.Notification
	err := r.Scan(&n.ID, &n.MemberID, &n.EventID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.Language, timeCol{&n.CreatedAt}, timeCol{&n.ReadAt})
	return n, err
}

// Notifications implements carpool.NotificationStore: newest first, so the cursor is
// the last id shown and the next page holds smaller ones.
func (s *Store) Notifications(ctx context.Context, memberID string, p carpool.Page) ([]carpool.Notification, string, error) {
	p, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	after, err := p.After()
	if err != nil {
		return nil, "", err
	}
	var a args
	q := `SELECT ` + notificationCols + ` FROM notifications WHERE member_id = ` + a.add(memberID)
	if after != "" {
		q += ` AND id < ` + a.add(after)
	}
	q += ` ORDER BY id DESC LIMIT ` + a.add(p.Limit+1)
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, "", fmt.Errorf("notifications: %w", err)
	}
	items, err := collect(rows, scanNotification)
	if err != nil {
		return nil, "", fmt.Errorf("notifications: %w", err)
	}
	items, next := carpool.PageOf(items, p.Limit, func(n carpool.Notification) string { return n.ID })
	return items, next, nil
}

// UnreadNotifications implements carpool.NotificationStore.
func (s *Store) UnreadNotifications(ctx context.Context, memberID string) (int, error) {
	var n int
	err := s.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE member_id = $1 AND read_at IS NULL`, memberID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationRead implements carpool.NotificationStore. Marking a read one again
// keeps the first time.
func (s *Store) MarkNotificationRead(ctx context.Context, memberID, id string, now time.Time) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var readAt time.Time
		err := tx.QueryRowContext(ctx, `SELECT read_at FROM notifications WHERE id = $1 AND member_id = $2`, id, memberID).Scan(timeCol{&readAt})
		if err != nil {
			return notFound(err, "notification")
		}
		if !readAt.IsZero() {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2`, ts(now), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark notification read: %w", err)
	}
	return nil
}

// MarkAllNotificationsRead implements carpool.NotificationStore.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, memberID string, now time.Time) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE member_id = $2 AND read_at IS NULL`, ts(now), memberID)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark all notifications read: %w", err)
	}
	return nil
}

const webhookCols = "id, url, secret, events, description, failures, created_at, disabled_at"

func scanWebhook(r rowScanner) (carpool.Webhook, error) {
	var w carpool.Webhook
	var events string
	err := r.Scan(&w.ID, &w.URL, &w.Secret, &events, &w.Description, &w.Failures, timeCol{&w.CreatedAt}, timeCol{&w.DisabledAt})
	if events != "" {
		w.Events = strings.Split(events, ",")
	}
	w.Enabled = w.DisabledAt.IsZero()
	return w, err
}

// CreateWebhook implements carpool.NotificationStore.
func (s *Store) CreateWebhook(ctx context.Context, w carpool.Webhook) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhooks (id, url, secret, events, description, failures, created_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6)`,
			w.ID, w.URL, w.Secret, strings.Join(w.Events, ","), w.Description, ts(w.CreatedAt))
		return s.constraint(err, carpool.ECONFLICT, "id")
	})
	if err != nil {
		return fmt.Errorf("create webhook: %w", err)
	}
	return nil
}

// Webhooks implements carpool.NotificationStore: every webhook, oldest first.
func (s *Store) Webhooks(ctx context.Context) ([]carpool.Webhook, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+webhookCols+` FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	ws, err := collect(rows, scanWebhook)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return ws, nil
}

// Webhook implements carpool.NotificationStore.
func (s *Store) Webhook(ctx context.Context, id string) (carpool.Webhook, error) {
	w, err := scanWebhook(s.read().QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE id = $1`, id))
	if err != nil {
		return carpool.Webhook{}, fmt.Errorf("webhook: %w", notFound(err, "webhook"))
	}
	return w, nil
}

// DeleteWebhook implements carpool.NotificationStore. Its pending deliveries die with it.
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return carpool.Errorf(carpool.ENOTFOUND, "webhook not found")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM deliveries WHERE channel = $1 AND recipient = $2 AND status <> $3`,
			carpool.ChannelWebhook, id, carpool.DeliveryDelivered)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	return nil
}

// WebhookResult implements carpool.NotificationStore.
func (s *Store) WebhookResult(ctx context.Context, id string, ok bool, maxFailures int, note carpool.Notification) (bool, error) {
	var disabled bool
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		disabled = false
		w, err := scanWebhook(tx.QueryRowContext(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE id = $1`+s.dialect.ForUpdate(), id))
		if err != nil {
			return notFound(err, "webhook")
		}
		if ok {
			_, err = tx.ExecContext(ctx, `UPDATE webhooks SET failures = 0 WHERE id = $1`, id)
			return err
		}
		failures := w.Failures + 1
		if w.Enabled && failures >= maxFailures {
			disabled = true
			if _, err = tx.ExecContext(ctx, `UPDATE webhooks SET failures = $1, disabled_at = $2 WHERE id = $3`, failures, ts(now), id); err != nil {
				return err
			}
			return s.notifyAdmins(ctx, tx, note, now)
		}
		_, err = tx.ExecContext(ctx, `UPDATE webhooks SET failures = $1 WHERE id = $2`, failures, id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("webhook result: %w", err)
	}
	return disabled, nil
}

// EnableWebhook implements carpool.NotificationStore.
func (s *Store) EnableWebhook(ctx context.Context, id string) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET failures = 0, disabled_at = NULL WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return carpool.Errorf(carpool.ENOTFOUND, "webhook not found")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enable webhook: %w", err)
	}
	return nil
}

// DueReminders implements carpool.NotificationStore. The reminders primary key decides:
// a replica whose insert finds the pair taken writes no event.
func (s *Store) DueReminders(ctx context.Context, now time.Time, lead time.Duration) (int, error) {
	var n int
	err := s.withTx(ctx, func(tx *sql.Tx, txNow time.Time) error {
		var events []carpool.Event
		rows, err := tx.QueryContext(ctx, `SELECT `+rideCols+` FROM rides WHERE status = $1 AND depart_at > $2 AND depart_at <= $3`,
			carpool.RideOpen, ts(now), ts(now.Add(lead)))
		if err != nil {
			return err
		}
		rides, err := collect(rows, scanRide)
		if err != nil {
			return err
		}
		for _, r := range rides {
			people := []string{r.DriverID}
			prow, err := tx.QueryContext(ctx, `SELECT passenger_id FROM bookings WHERE ride_id = $1 AND status = $2 ORDER BY id`,
				r.ID, carpool.BookingConfirmed)
			if err != nil {
				return err
			}
			passengers, err := collect(prow, func(r rowScanner) (string, error) {
				var id string
				return id, r.Scan(&id)
			})
			if err != nil {
				return err
			}
			people = append(people, passengers...)
			for _, m := range people {
				res, err := tx.ExecContext(ctx, `INSERT INTO reminders (ride_id, member_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
					r.ID, m, ts(txNow))
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k == 0 {
					continue
				}
				events = append(events, carpool.ReminderEvent(r, m, txNow))
			}
		}
		n = len(events)
		return s.insertEvents(ctx, tx, events...) // last; see insertEvents
	})
	if err != nil {
		return 0, fmt.Errorf("due reminders: %w", err)
	}
	return n, nil
}

// CalendarMember implements carpool.NotificationStore.
func (s *Store) CalendarMember(ctx context.Context, tokenHash string) (carpool.Member, error) {
	m, err := scanMember(s.read().QueryRowContext(ctx, `SELECT `+prefixed("m.", memberCols)+` FROM members m
		JOIN calendar_tokens c ON c.member_id = m.id WHERE c.token_hash = $1`, tokenHash))
	if err != nil {
		return carpool.Member{}, fmt.Errorf("calendar member: %w", notFound(err, "calendar"))
	}
	return m, nil
}

// SetCalendarToken implements carpool.NotificationStore.
func (s *Store) SetCalendarToken(ctx context.Context, memberID, tokenHash string, now time.Time) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_tokens WHERE member_id = $1`, memberID); err != nil {
			return err
		}
		if tokenHash == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_tokens (member_id, token_hash, created_at) VALUES ($1, $2, $3)`,
			memberID, tokenHash, ts(now))
		return s.constraint(err, carpool.EINVALID, "member_id")
	})
	if err != nil {
		return fmt.Errorf("set calendar token: %w", err)
	}
	return nil
}

// HasCalendarToken implements carpool.NotificationStore.
func (s *Store) HasCalendarToken(ctx context.Context, memberID string) (bool, error) {
	var n int
	if err := s.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM calendar_tokens WHERE member_id = $1`, memberID).Scan(&n); err != nil {
		return false, fmt.Errorf("calendar token: %w", err)
	}
	return n > 0, nil
}

// prefixed qualifies each column of a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// notifyAdmins puts note into the inbox of every admin.
func (s *Store) notifyAdmins(ctx context.Context, tx *sql.Tx, note carpool.Notification, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM members WHERE role = $1 ORDER BY id`, carpool.RoleAdmin)
	if err != nil {
		return err
	}
	admins, err := collect(rows, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, a := range admins {
		n := note
		n.ID, n.MemberID, n.CreatedAt = carpool.NewID(), a, now
		if err := s.insertFanout(ctx, tx, carpool.Fanout{Notifications: []carpool.Notification{n}}, now); err != nil {
			return err
		}
	}
	return nil
}
