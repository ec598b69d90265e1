package carpool

import (
	"context"
	"time"
)

// SeriesStore keeps ride series, their occurrences and subscriptions. Every change to an
// occurrence's ride or bookings goes through RideBook under the ride's lock, exactly as
// for a single ride, with its events.
type SeriesStore interface {
	// CreateSeries checks the series with NewSeries against the car as it is in the
	// transaction and stores it. Its rides appear with the next MaterialiseSeries.
	CreateSeries(ctx context.Context, in SeriesInput, driver Member) (Series, error)
	Series(ctx context.Context, id string) (Series, error)
	// SeriesList returns the series a driver offers or a passenger subscribes to
	// (active subscriptions), newest first, at most MaxSeriesList.
	SeriesList(ctx context.Context, f SeriesFilter) ([]Series, error)
	// MaterialiseSeries makes the rides of every active series whose departure lies
	// within horizon of now, each (series, day) exactly once even when several
	// processes run it at the same time, books the subscribers on them, and reserves
	// pool cars, reporting the days whose car was taken. Each series is one transaction,
	// so one busy series neither waits for nor blocks the others.
	MaterialiseSeries(ctx context.Context, horizon time.Duration) (SeriesReport, error)
	// Occurrences returns the occurrences of the given series on days from..to
	// (inclusive), by day.
	Occurrences(ctx context.Context, seriesIDs []string, from, to Date) ([]Occurrence, error)
	// SkipSeriesDate cancels day d (its ride, if made, with every booking) and keeps
	// it from being made; subscribers are told.
	SkipSeriesDate(ctx context.Context, id string, d Date, by Member) (Occurrence, error)
	// UpdateSeries changes the series and every future occurrence's ride, all or
	// nothing: one ride that refuses the change refuses it for all.
	UpdateSeries(ctx context.Context, id string, ifVersion int, p SeriesPatch, by Member) (Series, error)
	// EndSeries ends the series and cancels its future rides (passengers told) and the
	// pool-car reservations made for them.
	EndSeries(ctx context.Context, id string, by Member) (Series, error)
	// Subscribe stores a subscription and books it on the occurrences already made
	// (waitlisted where full); ECONFLICT if the passenger already subscribes.
	Subscribe(ctx context.Context, seriesID string, passenger Member, days Weekdays, seats int) (Subscription, []Booking, error)
	// Unsubscribe ends the passenger's subscription and cancels its future bookings.
	Unsubscribe(ctx context.Context, seriesID string, passenger Member) (Subscription, error)
	// LeaveSeriesDate cancels the passenger's booking on day d of the series.
	LeaveSeriesDate(ctx context.Context, seriesID string, d Date, passenger Member) (Booking, error)
	// Subscriptions returns the active subscriptions of a series or of a passenger.
	Subscriptions(ctx context.Context, f SubscriptionFilter) ([]Subscription, error)
}

// MaxSeriesList bounds SeriesList: nobody drives or rides hundreds of commutes.
const MaxSeriesList = 200

// SeriesFilter selects series by driver or by active subscriber; one of them is set.
type SeriesFilter struct {
	DriverID     string
	SubscriberID string
}

// SubscriptionFilter selects active subscriptions by series or passenger.
type SubscriptionFilter struct {
	SeriesID    string
	PassengerID string
}
