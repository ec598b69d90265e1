package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// CountPartnerRequest adds one request of a partner to the window starting at window and
// returns the window's count so far. One row per partner and window in the database, so
// every replica counts into the same figure. The first request of a window also clears
// the partner's windows older than it, so the table holds about one row per partner.
func (s *Store) CountPartnerRequest(ctx context.Context, partnerID string, window time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `INSERT INTO partner_request_counts (partner_id, window_start, requests)
		VALUES ($1, $2, 1)
		ON CONFLICT (partner_id, window_start) DO UPDATE SET requests = partner_request_counts.requests + 1
		RETURNING requests`, partnerID, ts(window)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count partner request: %w", err)
	}
	if n == 1 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM partner_request_counts WHERE partner_id = $1 AND window_start < $2`,
			partnerID, ts(window)); err != nil {
			return 0, fmt.Errorf("count partner request: %w", err)
		}
	}
	return n, nil
}
