package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// PurgeBefore deletes what is older than the retention. On PostgreSQL a row two
// processes both try to delete is deleted (and counted) by the first; the second's
// DELETE finds it gone once the first commits. On SQLite the write lock serialises them.
func (u *unit) PurgeBefore(ctx context.Context, before, now time.Time) (carpool.Purged, error) {
	var out carpool.Purged
	var notices int64 // when members were told of a thread: not worth a count of its own
	steps := []struct {
		n    *int64
		stmt string
		args []any
	}{
		{&out.Notifications, `DELETE FROM notifications WHERE created_at < $1`, []any{ts(before)}},
		{&out.Deliveries, `DELETE FROM deliveries WHERE status = $1 AND delivered_at < $2`,
			[]any{carpool.DeliveryDelivered, ts(before)}},
		// As PurgeDeliveries: only events the relay has passed and whose deliveries
		// are all done, so nothing undelivered is lost.
		{&out.Events, `DELETE FROM outbox_events WHERE created_at < $1
				AND seq <= (SELECT last_seq FROM relay_cursor WHERE name = $2)
				AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = outbox_events.id AND d.status <> $3)`,
			[]any{ts(before), relayCursor, carpool.DeliveryDelivered}},
		{&out.Audit, `DELETE FROM audit_log WHERE at < $1`, []any{ts(before)}},
		{&out.Links, `DELETE FROM account_links WHERE expires_at <= $1`, []any{ts(now)}},
		{&out.Messages, `DELETE FROM ride_messages WHERE created_at < $1`, []any{ts(before)}},
		{&notices, `DELETE FROM ride_message_notices WHERE notified_at < $1`, []any{ts(before)}},
	}
	for _, st := range steps {
		res, err := u.tx.ExecContext(ctx, st.stmt, st.args...)
		if err == nil {
			*st.n, err = res.RowsAffected()
		}
		if err != nil {
			return carpool.Purged{}, fmt.Errorf("purge before: %w", err)
		}
	}
	return out, nil
}
