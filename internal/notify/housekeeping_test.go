package notify_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/sqlite"
)

// pruneWatch is the world's store, telling the test what each prune of the
// address-search counts deleted.
type pruneWatch struct {
	*sqlite.DB
	pruned chan int64
}

func (p pruneWatch) PruneAddressSearchCounts(ctx context.Context, before time.Time) (int64, error) {
	n, err := p.DB.PruneAddressSearchCounts(ctx, before)
	if err == nil {
		p.pruned <- n
	}
	return n, err
}

// TestRelayPrunesClosedAddressSearchWindows: a relay's housekeeping deletes the
// address-search windows that have closed as soon as it starts (then hourly), and
// leaves the open one counting.
func TestRelayPrunesClosedAddressSearchWindows(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	now := w.now
	open := carpool.AddressSearchWindowAt(now)
	for _, c := range []struct {
		member string
		window time.Time
	}{
		{w.driver.ID, open.Add(-carpool.AddressSearchWindow)},
		{w.rider.ID, open.Add(-3 * time.Hour)},
		{w.driver.ID, open},
		{w.driver.ID, open},
	} {
		if _, err := w.db.CountAddressSearch(w.ctx, c.member, c.window); err != nil {
			t.Fatal(err)
		}
	}
	store := pruneWatch{DB: w.db, pruned: make(chan int64, 10)}
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() {
		notify.New(store, notify.Options{Now: func() time.Time { return now }, Poll: 20 * time.Millisecond}).Run(ctx)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })

	select {
	case n := <-store.pruned:
		if n != 2 {
			t.Fatalf("pruned %d windows, want the 2 closed ones", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no prune of the address-search counts within 10s of the relay's start")
	}
	n, err := w.db.CountAddressSearch(w.ctx, w.driver.ID, open)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("the open window after the prune: got %d searches, want 3 (kept, counting on)", n)
	}
}
