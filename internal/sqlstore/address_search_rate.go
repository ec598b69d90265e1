package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// CountAddressSearch implements carpool.AddressSearchRateStore: one row per member and
// window, incremented by a single upsert, so searches on every replica at once count
// into the same figure without a read-then-write race.
func (s *Store) CountAddressSearch(ctx context.Context, memberID string, window time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `INSERT INTO address_search_counts (member_id, window_start, searches)
		VALUES ($1, $2, 1)
		ON CONFLICT (member_id, window_start) DO UPDATE SET searches = address_search_counts.searches + 1
		RETURNING searches`, memberID, ts(window)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count address search: %w", err)
	}
	return n, nil
}

// PruneAddressSearchCounts implements carpool.AddressSearchRateStore.
func (s *Store) PruneAddressSearchCounts(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM address_search_counts WHERE window_start < $1`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("prune address search counts: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
