package app

import (
	"context"
	"slices"

	"carpool/internal/carpool"
)

// Inbox returns a page of the member's notifications, newest first.
func (a *App) Inbox(ctx context.Context, me carpool.Member, p carpool.Page) ([]carpool.Notification, string, error) {
	return a.store.Notifications(ctx, me.ID, p)
}

// Unread counts the member's unread notifications.
func (a *App) Unread(ctx context.Context, me carpool.Member) (int, error) {
	return a.store.UnreadNotifications(ctx, me.ID)
}

// MarkRead marks one of the member's notifications read; ENOTFOUND for anyone else's.
func (a *App) MarkRead(ctx context.Context, me carpool.Member, id string) error {
	return a.store.MarkNotificationRead(ctx, me.ID, id, a.Now())
}

// MarkAllRead marks all of the member's notifications read.
func (a *App) MarkAllRead(ctx context.Context, me carpool.Member) error {
	return a.store.MarkAllNotificationsRead(ctx, me.ID, a.Now())
}

// EmailKinds returns the event types the member also gets by e-mail: their choices, and
// for the kinds they never chose about the default (carpool.MailedByDefault).
func (a *App) EmailKinds(ctx context.Context, me carpool.Member) ([]string, error) {
	choices, err := a.store.EmailChoices(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	return carpool.MailedKinds(choices), nil
}

// SetEmailKinds chooses the event types the member also wants by e-mail; the rest reach
// the inbox only. The choice is kept for every kind there is now, so a default changed
// later does not overturn it; a kind added later starts at its default.
func (a *App) SetEmailKinds(ctx context.Context, me carpool.Member, kinds []string) error {
	for _, k := range kinds {
		if !carpool.IsNotificationKind(k) {
			return carpool.FieldErrorf(carpool.EINVALID, "email", "%q is not a kind of notification", k)
		}
	}
	choices := make(map[string]bool, len(carpool.NotificationKinds))
	for _, k := range carpool.NotificationKinds {
		choices[k] = slices.Contains(kinds, k)
	}
	return a.store.SetEmailChoices(ctx, me.ID, choices)
}
