package notify

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// seriesMessage tells a commute's driver or subscriber (and, for a conflict, every fleet
// manager) what happened to the commute: a day that will not run, its end, or a day
// whose pool car was taken by another reservation or a maintenance block.
func (r *Relay) seriesMessage(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	sr := &seriesRef{}
	got, err := r.store.Series(ctx, b.SeriesID)
	switch {
	case err == nil:
		sr.series, sr.ok = got, true
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return nil, err
	}
	m := message{member: e.RecipientID, link: "/commutes/" + b.SeriesID, data: []any{"Series", sr}}
	if d, err := carpool.ParseDate(b.Date); err == nil {
		m.data = append(m.data, "Day", day(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)))
	}
	switch e.Type {
	case carpool.EventSeriesSkipped:
		m.title, m.body = "notify.series_skipped.title", "notify.series_skipped.body"
	case carpool.EventSeriesEnded:
		m.title, m.body = "notify.series_ended.title", "notify.series_ended.body"
	default:
		m.title, m.body = "notify.series_conflict.title", "notify.series_conflict.body"
	}
	return []message{m}, nil
}
