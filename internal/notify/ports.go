package notify

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// RelayStore is what the relay uses of the store: the outbox cursor, the deliveries, and
// the few reads its texts need. Declared here, so the relay's reach is plain to see.
type RelayStore interface {
	FanOutEvents(ctx context.Context, limit int, plan func(ctx context.Context, e carpool.Event) (carpool.Fanout, error)) (int, error)
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]carpool.Delivery, error)
	FinishDelivery(ctx context.Context, d carpool.Delivery, sendErr error, retryAt time.Time) error
	PurgeDeliveries(ctx context.Context, before time.Time) (int64, error)
	PruneAddressSearchCounts(ctx context.Context, before time.Time) (int64, error)
	DueReminders(ctx context.Context, now time.Time, lead time.Duration) (int, error)
	Webhooks(ctx context.Context) ([]carpool.Webhook, error)
	WebhookResult(ctx context.Context, id string, ok bool, maxFailures int, note carpool.Notification) (disabled bool, err error)
	EmailChoices(ctx context.Context, memberID string) (map[string]bool, error)

	Member(ctx context.Context, id string) (carpool.Member, error)
	Ride(ctx context.Context, id string) (carpool.Ride, error)
	Bookings(ctx context.Context, f carpool.BookingFilter, p carpool.Page) ([]carpool.Booking, string, error)
	Booking(ctx context.Context, id string) (carpool.Booking, error)
	SearchRides(ctx context.Context, q carpool.RideQuery, offset, limit int) ([]carpool.RideMatch, error)
	Reservation(ctx context.Context, id string) (carpool.Reservation, error)
	Series(ctx context.Context, id string) (carpool.Series, error)
	RideHome(ctx context.Context, id string) (carpool.RideHomeRequest, error)
}
