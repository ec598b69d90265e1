package telemetry

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// The notification methods pass through untraced: the relay calls them in a loop, and
// its own metrics (internal/notify) say how delivery goes.

func (s *instrumentedStore) FanOutEvents(ctx context.Context, limit int, plan func(context.Context, carpool.Event) (carpool.Fanout, error)) (int, error) {
	return s.next.FanOutEvents(ctx, limit, plan)
}
func (s *instrumentedStore) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]carpool.Delivery, error) {
	return s.next.ClaimDeliveries(ctx, now, lease, limit)
}
func (s *instrumentedStore) FinishDelivery(ctx context.Context, d carpool.Delivery, sendErr error, retryAt time.Time) error {
	return s.next.FinishDelivery(ctx, d, sendErr, retryAt)
}
func (s *instrumentedStore) DeadDeliveries(ctx context.Context, p carpool.Page) ([]carpool.Delivery, string, error) {
	return s.next.DeadDeliveries(ctx, p)
}
func (s *instrumentedStore) RetryDelivery(ctx context.Context, id string) error {
	return s.next.RetryDelivery(ctx, id)
}
func (s *instrumentedStore) PurgeDeliveries(ctx context.Context, before time.Time) (int64, error) {
	return s.next.PurgeDeliveries(ctx, before)
}
func (s *instrumentedStore) Notifications(ctx context.Context, memberID string, p carpool.Page) ([]carpool.Notification, string, error) {
	return s.next.Notifications(ctx, memberID, p)
}
func (s *instrumentedStore) UnreadNotifications(ctx context.Context, memberID string) (int, error) {
	return s.next.UnreadNotifications(ctx, memberID)
}
func (s *instrumentedStore) MarkNotificationRead(ctx context.Context, memberID, id string, now time.Time) error {
	return s.next.MarkNotificationRead(ctx, memberID, id, now)
}
func (s *instrumentedStore) MarkAllNotificationsRead(ctx context.Context, memberID string, now time.Time) error {
	return s.next.MarkAllNotificationsRead(ctx, memberID, now)
}
func (s *instrumentedStore) EmailKinds(ctx context.Context, memberID string) ([]string, error) {
	return s.next.EmailKinds(ctx, memberID)
}
func (s *instrumentedStore) SetEmailKinds(ctx context.Context, memberID string, kinds []string) error {
	return s.next.SetEmailKinds(ctx, memberID, kinds)
}
func (s *instrumentedStore) CreateWebhook(ctx context.Context, w carpool.Webhook) error {
	return s.next.CreateWebhook(ctx, w)
}
func (s *instrumentedStore) Webhooks(ctx context.Context) ([]carpool.Webhook, error) {
	return s.next.Webhooks(ctx)
}
func (s *instrumentedStore) Webhook(ctx context.Context, id string) (carpool.Webhook, error) {
	return s.next.Webhook(ctx, id)
}
func (s *instrumentedStore) DeleteWebhook(ctx context.Context, id string) error {
	return s.next.DeleteWebhook(ctx, id)
}
func (s *instrumentedStore) WebhookResult(ctx context.Context, id string, ok bool, maxFailures int, note carpool.Notification) (bool, error) {
	return s.next.WebhookResult(ctx, id, ok, maxFailures, note)
}
func (s *instrumentedStore) EnableWebhook(ctx context.Context, id string) error {
	return s.next.EnableWebhook(ctx, id)
}
func (s *instrumentedStore) DueReminders(ctx context.Context, now time.Time, lead time.Duration) (int, error) {
	return s.next.DueReminders(ctx, now, lead)
}
func (s *instrumentedStore) CalendarMember(ctx context.Context, tokenHash string) (carpool.Member, error) {
	return s.next.CalendarMember(ctx, tokenHash)
}
func (s *instrumentedStore) SetCalendarToken(ctx context.Context, memberID, tokenHash string, now time.Time) error {
	return s.next.SetCalendarToken(ctx, memberID, tokenHash, now)
}
func (s *instrumentedStore) HasCalendarToken(ctx context.Context, memberID string) (bool, error) {
	return s.next.HasCalendarToken(ctx, memberID)
}
