package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// admitAddressSearch counts one address search of the member in the database, where
// every replica counts into the same window, and refuses it (ETHROTTLED, with the wait
// until the next window) beyond carpool.AddressSearchesPerWindow.
//
// A refused member is remembered in this process until their window closes, so a
// flood costs no database write per request. That stays correct because a window's
// count only grows: once the database has said "over" for a window, it says so until
// the window ends, on every replica.
func (a *App) admitAddressSearch(ctx context.Context, memberID string) error {
	now := a.now()
	key := []carpool.ThrottleKey{{Key: "address-search:" + memberID}}
	if wait := a.addressSearchBlocked.wait(key, now); wait > 0 {
		return throttledFor(wait, carpool.Phrasef("address searches"))
	}
	window := carpool.AddressSearchWindowAt(now)
	n, err := a.store.CountAddressSearch(ctx, memberID, window)
	if err != nil {
		return err
	}
	if wait := carpool.AddressSearchWait(n, window, now); wait > 0 {
		a.addressSearchBlocked.note(key, []time.Duration{wait}, now)
		return throttledFor(wait, carpool.Phrasef("address searches"))
	}
	return nil
}
