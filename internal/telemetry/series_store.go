package telemetry

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// The series methods of instrumentedStore: a span around each, like every store call.

func (s *instrumentedStore) CreateSeries(ctx context.Context, in carpool.SeriesInput, driver carpool.Member) (_ carpool.Series, err error) {
	ctx, end := s.start(ctx, "CreateSeries")
	defer func() { end(err) }()
	return s.next.CreateSeries(ctx, in, driver)
}

func (s *instrumentedStore) Series(ctx context.Context, id string) (_ carpool.Series, err error) {
	ctx, end := s.start(ctx, "Series")
	defer func() { end(err) }()
	return s.next.Series(ctx, id)
}

func (s *instrumentedStore) SeriesList(ctx context.Context, f carpool.SeriesFilter) (_ []carpool.Series, err error) {
	ctx, end := s.start(ctx, "SeriesList")
	defer func() { end(err) }()
	return s.next.SeriesList(ctx, f)
}

func (s *instrumentedStore) MaterialiseSeries(ctx context.Context, horizon time.Duration) (_ carpool.SeriesReport, err error) {
	ctx, end := s.start(ctx, "MaterialiseSeries")
	defer func() { end(err) }()
	return s.next.MaterialiseSeries(ctx, horizon)
}

func (s *instrumentedStore) Occurrences(ctx context.Context, seriesIDs []string, from, to carpool.Date) (_ []carpool.Occurrence, err error) {
	ctx, end := s.start(ctx, "Occurrences")
	defer func() { end(err) }()
	return s.next.Occurrences(ctx, seriesIDs, from, to)
}

func (s *instrumentedStore) SkipSeriesDate(ctx context.Context, id string, d carpool.Date, by carpool.Member) (_ carpool.Occurrence, err error) {
	ctx, end := s.start(ctx, "SkipSeriesDate")
	defer func() { end(err) }()
	return s.next.SkipSeriesDate(ctx, id, d, by)
}

func (s *instrumentedStore) UpdateSeries(ctx context.Context, id string, ifVersion int, p carpool.SeriesPatch, by carpool.Member) (_ carpool.Series, err error) {
	ctx, end := s.start(ctx, "UpdateSeries")
	defer func() { end(err) }()
	return s.next.UpdateSeries(ctx, id, ifVersion, p, by)
}

func (s *instrumentedStore) EndSeries(ctx context.Context, id string, by carpool.Member) (_ carpool.Series, err error) {
	ctx, end := s.start(ctx, "EndSeries")
	defer func() { end(err) }()
	return s.next.EndSeries(ctx, id, by)
}

func (s *instrumentedStore) Subscribe(ctx context.Context, seriesID string, passenger carpool.Member, days carpool.Weekdays, seats int) (_ carpool.Subscription, _ []carpool.Booking, err error) {
	ctx, end := s.start(ctx, "Subscribe")
	defer func() { end(err) }()
	return s.next.Subscribe(ctx, seriesID, passenger, days, seats)
}

func (s *instrumentedStore) Unsubscribe(ctx context.Context, seriesID string, passenger carpool.Member) (_ carpool.Subscription, err error) {
	ctx, end := s.start(ctx, "Unsubscribe")
	defer func() { end(err) }()
	return s.next.Unsubscribe(ctx, seriesID, passenger)
}

func (s *instrumentedStore) LeaveSeriesDate(ctx context.Context, seriesID string, d carpool.Date, passenger carpool.Member) (_ carpool.Booking, err error) {
	ctx, end := s.start(ctx, "LeaveSeriesDate")
	defer func() { end(err) }()
	return s.next.LeaveSeriesDate(ctx, seriesID, d, passenger)
}

func (s *instrumentedStore) Subscriptions(ctx context.Context, f carpool.SubscriptionFilter) (_ []carpool.Subscription, err error) {
	ctx, end := s.start(ctx, "Subscriptions")
	defer func() { end(err) }()
	return s.next.Subscriptions(ctx, f)
}
