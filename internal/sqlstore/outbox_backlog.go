package sqlstore

import (
	"context"
	"fmt"
)

// OutboxBacklog counts the outbox events not yet delivered, for the
// carpool_outbox_backlog gauge. Nothing delivers events yet, so that is every event;
// when a relay comes, this must count only those past its cursor.
func (s *Store) OutboxBacklog(ctx context.Context) (int64, error) {
	var n int64
	if err := s.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox_events`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox backlog: %w", err)
	}
	return n, nil
}
