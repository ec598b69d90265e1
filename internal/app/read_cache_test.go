package app_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// countingStore counts the site reads that reach the database, and can run a change
// between a read and its answer (as a concurrent request would).
type countingStore struct {
	carpool.Store
	reads     atomic.Int64
	afterRead func()
}

func (s *countingStore) Site(ctx context.Context, id string) (carpool.Site, error) {
	s.reads.Add(1)
	site, err := s.Store.Site(ctx, id)
	if f := s.afterRead; f != nil {
		s.afterRead = nil
		f()
	}
	return site, err
}

// TestSiteReadsAreCachedBriefly: a member's reads of a site are answered from memory
// for the TTL; a change through this App shows at once, even one that lands while a
// read is under way; a change through another replica shows once the TTL has passed;
// unknown sites are asked every time.
func TestSiteReadsAreCachedBriefly(t *testing.T) {
	f := newApp(t)
	const ttl = 5 * time.Second
	store := &countingStore{Store: f.store}
	a := app.New(store, app.Options{Now: f.clock.Now, SiteCacheTTL: ttl})
	other := app.New(f.store, app.Options{Now: f.clock.Now}) // another replica
	member := f.member(carpool.RoleMember)
	site := f.site("Depot")

	read := func(want string) {
		t.Helper()
		got, err := a.Site(f.ctx, member, site.ID)
		if err != nil {
			t.Fatalf("read site: %v", err)
		}
		if got.Name != want {
			t.Fatalf("site name %q, want %q", got.Name, want)
		}
	}
	read("Depot")
	read("Depot")
	if n := store.reads.Load(); n != 1 {
		t.Fatalf("two reads within the TTL asked the database %d times, want once", n)
	}

	// Another replica renames it: this one answers the old name until the TTL is over.
	if _, err := other.UpdateSite(f.ctx, f.fm, site.ID, 0, app.SitePatch{Name: ptr("Depot North")}); err != nil {
		t.Fatalf("rename on the other replica: %v", err)
	}
	f.clock.Advance(ttl - time.Millisecond)
	read("Depot")
	f.clock.Advance(time.Millisecond)
	read("Depot North")

	// Renamed through this replica: seen at once.
	if _, err := a.UpdateSite(f.ctx, f.fm, site.ID, 0, app.SitePatch{Name: ptr("Depot South")}); err != nil {
		t.Fatalf("rename: %v", err)
	}
	read("Depot South")

	// A rename through this replica that lands after a read got the old row, before
	// that read answers: the old row is answered once, not kept.
	f.clock.Advance(ttl)
	store.afterRead = func() {
		if _, err := a.UpdateSite(f.ctx, f.fm, site.ID, 0, app.SitePatch{Name: ptr("Depot East")}); err != nil {
			t.Errorf("rename during a read: %v", err)
		}
	}
	read("Depot South")
	read("Depot East")

	// Unknown sites are never kept.
	before := store.reads.Load()
	for range 2 {
		if _, err := a.Site(f.ctx, member, carpool.NewID()); carpool.ErrorCode(err) != carpool.ENOTFOUND {
			t.Fatalf("unknown site: got %v, want not found", err)
		}
	}
	if n := store.reads.Load() - before; n != 2 {
		t.Fatalf("two reads of an unknown site asked the database %d times, want twice", n)
	}
}
