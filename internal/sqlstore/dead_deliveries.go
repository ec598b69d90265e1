package sqlstore

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// DeadDeliveriesByChannel counts, per channel, the deliveries that used all their
// attempts and wait for an admin's retry, for the carpool_notify_dead_deliveries gauge.
// Channels without one are absent from the map.
func (s *Store) DeadDeliveriesByChannel(ctx context.Context) (map[string]int64, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT channel, COUNT(*) FROM deliveries WHERE status = $1 GROUP BY channel`,
		carpool.DeliveryDead)
	if err != nil {
		return nil, fmt.Errorf("count dead deliveries: %w", err)
	}
	defer rows.Close()
	counts := map[string]int64{}
	for rows.Next() {
		var channel string
		var n int64
		if err := rows.Scan(&channel, &n); err != nil {
			return nil, fmt.Errorf("count dead deliveries: %w", err)
		}
		counts[channel] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count dead deliveries: %w", err)
	}
	return counts, nil
}
