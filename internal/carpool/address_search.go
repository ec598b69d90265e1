package carpool

import (
	"context"
	"time"
)

// A member's address searches are counted in the database, in windows of
// AddressSearchWindow, so the limit is the same however many replicas serve them: with
// a count kept in each process, a member spreading searches over N replicas would get N
// times the limit, and the geocoder's capacity is shared by the whole company.
const (
	AddressSearchWindow = time.Minute
	// AddressSearchesPerWindow is more than a person typing and correcting the two
	// places of a form needs, and far less than the geocoder's one answer a second.
	AddressSearchesPerWindow = 20
)

// AddressSearchRateStore counts address searches where every replica sees the same count.
type AddressSearchRateStore interface {
	// CountAddressSearch adds one search of the member to the window that starts at
	// window and returns how many the window holds now; the increment is atomic, so
	// concurrent searches on any replica each get their own number.
	CountAddressSearch(ctx context.Context, memberID string, window time.Time) (int, error)
	// PruneAddressSearchCounts deletes the windows that started before before and
	// returns how many it deleted.
	PruneAddressSearchCounts(ctx context.Context, before time.Time) (int64, error)
}

// AddressSearchWindowAt returns the start of the window now falls in.
func AddressSearchWindowAt(now time.Time) time.Time { return now.UTC().Truncate(AddressSearchWindow) }

// AddressSearchWait decides whether a member whose window starting at window holds
// count searches (this one included) may search at now: 0 when they may, else how long
// until the next window opens (at least a second, the unit of Retry-After).
func AddressSearchWait(count int, window, now time.Time) time.Duration {
	if count <= AddressSearchesPerWindow {
		return 0
	}
	return max(window.Add(AddressSearchWindow).Sub(now), time.Second)
}

// PrunableAddressSearches is the start before which every address-search window has
// closed at now: what housekeeping may delete.
func PrunableAddressSearches(now time.Time) time.Time { return AddressSearchWindowAt(now) }
