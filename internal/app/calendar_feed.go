package app

import (
	"context"
	"fmt"
)

// stopCalendarFeed revokes the member's calendar feed URL: the feed token is a
// credential like any other, so it ends with deactivation and erasure, and with a new
// password unless the operator keeps feeds then (KeepCalendarOnPasswordChange).
func (a *App) stopCalendarFeed(ctx context.Context, memberID string) error {
	if err := a.store.SetCalendarToken(ctx, memberID, "", a.Now()); err != nil {
		return fmt.Errorf("stop calendar feed: %w", err)
	}
	return nil
}

// passwordChanged ends what a new password ends besides sessions: the calendar feed.
func (a *App) passwordChanged(ctx context.Context, memberID string) error {
	if a.keepCalendar {
		return nil
	}
	return a.stopCalendarFeed(ctx, memberID)
}
