package sqlstore

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// SharedSeries returns the commutes partners may see; the search itself is the domain's
// (carpool.PartnerTripSearch.Match), since commutes are few and matching one takes its
// weekdays, zone and detour budget.
func (s *Store) SharedSeries(ctx context.Context, since carpool.Date) ([]carpool.Series, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+seriesCols+` FROM ride_series
		WHERE status = 'active' AND (ends_on = '' OR ends_on >= $1)
		  AND driver_id IN (SELECT id FROM members WHERE deactivated_at IS NULL)
		  AND `+sharedBy("ride_series")+`
		ORDER BY created_at, id LIMIT $2`, since.String(), carpool.MaxSharedSeries)
	if err != nil {
		return nil, fmt.Errorf("shared series: %w", err)
	}
	out, err := collect(rows, scanSeries)
	if err != nil {
		return nil, fmt.Errorf("shared series: %w", err)
	}
	return out, nil
}
