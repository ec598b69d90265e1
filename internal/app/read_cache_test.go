package app_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// countingStore counts the site and member reads that reach the database, and can run
// a change between a site read and its answer (as a concurrent request would).
type countingStore struct {
	carpool.Store
	reads       atomic.Int64
	memberReads atomic.Int64
	afterRead   func()
}

func (s *countingStore) Members(ctx context.Context, ids []string) ([]carpool.Member, error) {
	s.memberReads.Add(1)
	return s.Store.Members(ctx, ids)
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

// cachingReplica returns an App whose reads are cached for ttl over a store that counts
// them, and another replica without the cache over the same database.
func cachingReplica(f *fixture, ttl time.Duration) (*countingStore, *app.App, *app.App) {
	store := &countingStore{Store: f.store}
	return store, app.New(store, app.Options{Now: f.clock.Now, ReadCacheTTL: ttl}),
		app.New(f.store, app.Options{Now: f.clock.Now})
}

// TestSiteReadsAreCachedBriefly: a member's reads of a site are answered from memory
// for the TTL; a change through this App shows at once, even one that lands while a
// read is under way; a change through another replica shows once the TTL has passed;
// unknown sites are asked every time.
func TestSiteReadsAreCachedBriefly(t *testing.T) {
	f := newApp(t)
	const ttl = 5 * time.Second
	store, a, other := cachingReplica(f, ttl)
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

// TestDriversInResultsAreCachedBriefly: the drivers a search names are read from the
// database once per TTL; a driver's own change through this replica shows at once, one
// through another replica once the TTL has passed; contact details stay hidden from a
// stranger whatever the cache holds.
func TestDriversInResultsAreCachedBriefly(t *testing.T) {
	f := newApp(t)
	const ttl = 5 * time.Second
	store, a, other := cachingReplica(f, ttl)
	driver := f.member(carpool.RoleMember)
	f.ride(driver, at(24*h), 3, carpool.BookingInstant)
	stranger := f.member(carpool.RoleMember)
	from, to := zurich.Point(), bern.Point()
	q := carpool.RideQuery{From: &from, To: &to, DepartAfter: at(20 * h), DepartBefore: at(30 * h), Seats: 1}

	named := func(want string) {
		t.Helper()
		got, err := a.SearchRides(f.ctx, stranger, q, 0, 10)
		mustDo(t, err)
		if len(got) != 1 {
			t.Fatalf("got %d results, want the one ride", len(got))
		}
		if d := got[0].Driver; d.Name != want || d.Email != "" || d.Phone != "" {
			t.Fatalf("driver shown as %+v, want name %q and no contact details", d, want)
		}
	}
	named(driver.Name)
	named(driver.Name)
	if n := store.memberReads.Load(); n != 1 {
		t.Fatalf("two searches within the TTL read the drivers %d times, want once", n)
	}

	// Renamed through another replica: the old name until the TTL is over.
	if _, err := other.UpdateProfile(f.ctx, driver, app.ProfilePatch{Name: ptr("Ann Other")}); err != nil {
		t.Fatalf("rename on the other replica: %v", err)
	}
	f.clock.Advance(ttl - time.Millisecond)
	named(driver.Name)
	f.clock.Advance(time.Millisecond)
	named("Ann Other")

	// Renamed through this replica: seen at once.
	if _, err := a.UpdateProfile(f.ctx, driver, app.ProfilePatch{Name: ptr("Ann Third")}); err != nil {
		t.Fatalf("rename: %v", err)
	}
	named("Ann Third")
}
