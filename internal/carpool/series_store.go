package carpool

import (
	"context"
)

// SeriesStore reads ride series (commutes), their days and subscriptions; every change
// is the application layer's, in a Tx.
type SeriesStore interface {
	Series(ctx context.Context, id string) (Series, error)
	// SeriesList returns the series a driver offers or a passenger subscribes to
	// (active subscriptions), newest first, at most MaxSeriesList.
	SeriesList(ctx context.Context, f SeriesFilter) ([]Series, error)
	// ActiveSeries returns the active series of active drivers that may have days on
	// or after since, by id.
	ActiveSeries(ctx context.Context, since Date) ([]Series, error)
	// Occurrences returns the occurrences of the given series on days from..to
	// (inclusive), by day.
	Occurrences(ctx context.Context, seriesIDs []string, from, to Date) ([]Occurrence, error)
	// SeriesDaysMade returns, by series, the days from..to (inclusive) on which the given
	// series have an occurrence (made, or kept as a conflict or a skip), in no order: the
	// hourly pass reads it for every active series at once.
	SeriesDaysMade(ctx context.Context, seriesIDs []string, from, to Date) (map[string][]Date, error)
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
