package app

import (
	"sync"
	"time"

	"carpool/internal/carpool"
)

// readCache keeps, for a short time, what members read on every page but what changes
// rarely: the sites (App.Site: the API's and the web's site pages; its database read
// was a third of an authenticated read's CPU) and the drivers named in search results
// (their read by id was a fifth of a search's). Only those reads use it: decisions
// (parking, places, reports, who is told what) read the store. A change made through
// this replica is seen at once (the use case that makes it forgets the entry); one made
// through another replica within the TTL, like a revoked token (internal/tokencache).
// Failed reads, unknown ids among them, are never kept.
type readCache[V any] struct {
	ttl  time.Duration
	size int
	mu   sync.Mutex
	m    map[string]cached[V]
	// gen counts the changes forgotten: a read that began before one (and so may hold
	// the value as it was) is not kept.
	gen uint64
}

type cached[V any] struct {
	value   V
	expires time.Time
}

// DefaultReadCacheSize bounds the entries of each cache: a company has tens to hundreds
// of sites and a few thousand drivers.
const DefaultReadCacheSize = 5000

func newReadCache[V any](ttl time.Duration, size int) *readCache[V] {
	if ttl <= 0 {
		return nil
	}
	if size <= 0 {
		size = DefaultReadCacheSize
	}
	return &readCache[V]{ttl: ttl, size: size, m: make(map[string]cached[V])}
}

// generation is what to hand put with a value read from the store after this call.
func (c *readCache[V]) generation() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the value kept for id if it is still fresh at now.
func (c *readCache[V]) get(id string, now time.Time) (V, bool) {
	var zero V
	if c == nil {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || !now.Before(e.expires) {
		return zero, false
	}
	return e.value, true
}

// put keeps v until now+TTL unless something was forgotten since gen. When the cache is
// full the expired entries go first, then everything: a cold cache only costs reads.
func (c *readCache[V]) put(id string, v V, gen uint64, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // something changed while it was read
	}
	if _, ok := c.m[id]; !ok && len(c.m) >= c.size {
		for id, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, id)
			}
		}
		if len(c.m) >= c.size {
			clear(c.m)
		}
	}
	c.m[id] = cached[V]{value: v, expires: now.Add(c.ttl)}
}

func (c *readCache[V]) forget(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
	c.gen++
}

// shownPerson is what a result shows of a person (person), all that the drivers' cache
// keeps of a member: no password hash or settings stay in memory longer than a request.
func shownPerson(m carpool.Member) carpool.Member {
	return carpool.Member{ID: m.ID, Name: m.Name, Email: m.Email, Phone: m.Phone}
}
