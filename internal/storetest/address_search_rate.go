package storetest

import (
	"sort"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// testAddressSearchRate checks the address-search counts every replica shares: one
// count per member and window, an increment that no concurrent search loses, and a
// prune that deletes closed windows only.
func testAddressSearchRate(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	window := time.Date(2031, time.March, 3, 8, 0, 0, 0, time.UTC)
	count := func(t *testing.T, memberID string, w time.Time) int {
		t.Helper()
		n, err := e.s.CountAddressSearch(e.ctx, memberID, w)
		noErr(t, err, "count address search")
		return n
	}

	t.Run("one count per member and window", func(t *testing.T) {
		ann, bob := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		for want := 1; want <= 3; want++ {
			if got := count(t, ann.ID, window); got != want {
				t.Fatalf("Ann's search %d: got count %d, want %d", want, got, want)
			}
		}
		if got := count(t, bob.ID, window); got != 1 {
			t.Fatalf("Bob's first search: got count %d, want 1 (Ann's are hers)", got)
		}
		if got := count(t, ann.ID, window.Add(carpool.AddressSearchWindow)); got != 1 {
			t.Fatalf("Ann's first search of the next window: got count %d, want 1", got)
		}
		if got := count(t, ann.ID, window); got != 4 {
			t.Fatalf("Ann's fourth search of the first window: got count %d, want 4", got)
		}
	})

	t.Run("concurrent searches each get their own number", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		const searches = 16
		var wg sync.WaitGroup
		got := make([]int, searches)
		errs := make([]error, searches)
		for i := range searches {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = e.s.CountAddressSearch(e.ctx, m.ID, window)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			noErr(t, err, "count address search")
		}
		sort.Ints(got)
		for i, n := range got {
			if n != i+1 {
				t.Fatalf("counts of %d concurrent searches: got %v, want 1 to %d once each", searches, got, searches)
			}
		}
	})

	t.Run("prune deletes the windows before the given start only", func(t *testing.T) {
		e := newEnv(t, open)
		m := e.member(carpool.RoleMember)
		for _, w := range []time.Time{window.Add(-2 * time.Hour), window.Add(-carpool.AddressSearchWindow), window, window} {
			if _, err := e.s.CountAddressSearch(e.ctx, m.ID, w); err != nil {
				t.Fatalf("count address search: %v", err)
			}
		}
		n, err := e.s.PruneAddressSearchCounts(e.ctx, window)
		noErr(t, err, "prune")
		if n != 2 {
			t.Fatalf("pruned: got %d windows, want 2", n)
		}
		if got, err := e.s.CountAddressSearch(e.ctx, m.ID, window); err != nil || got != 3 {
			t.Fatalf("the window at the prune's start: got count %d, %v; want 3 (kept)", got, err)
		}
		if got, err := e.s.CountAddressSearch(e.ctx, m.ID, window.Add(-carpool.AddressSearchWindow)); err != nil || got != 1 {
			t.Fatalf("a pruned window: got count %d, %v; want 1 (started over)", got, err)
		}
		if n, err := e.s.PruneAddressSearchCounts(e.ctx, window.Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("prune with nothing older: got %d, %v; want 0", n, err)
		}
	})
}
