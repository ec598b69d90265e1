package app

import (
	"sync"
	"time"

	"carpool/internal/carpool"
)

// siteCache keeps the sites members read (App.Site: the API's and the web's site pages)
// for a short time. A site changes a few times a year and is read on every such page:
// the database read was a third of an authenticated read's CPU. Only that read uses
// it: decisions (parking, places, reports) read the store. A change made through this
// replica is seen at once (UpdateSite forgets the site); one made through another
// replica within the TTL, like a revoked token (internal/tokencache). Failed reads,
// unknown sites among them, are never kept.
type siteCache struct {
	ttl  time.Duration
	size int
	mu   sync.Mutex
	m    map[string]cachedSite
	// gen counts the changes forgotten: a read that began before one (and so may hold
	// the site as it was) is not kept.
	gen uint64
}

type cachedSite struct {
	site    carpool.Site
	expires time.Time
}

// DefaultSiteCacheSize bounds the sites kept; a company has tens to hundreds.
const DefaultSiteCacheSize = 1000

func newSiteCache(ttl time.Duration, size int) *siteCache {
	if ttl <= 0 {
		return nil
	}
	if size <= 0 {
		size = DefaultSiteCacheSize
	}
	return &siteCache{ttl: ttl, size: size, m: make(map[string]cachedSite)}
}

// get returns a fresh site, or the generation to hand put with what the store says.
func (c *siteCache) get(id string, now time.Time) (carpool.Site, uint64, bool) {
	if c == nil {
		return carpool.Site{}, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || !now.Before(e.expires) {
		return carpool.Site{}, c.gen, false
	}
	return e.site, c.gen, true
}

// put keeps site until now+TTL. When the cache is full the expired entries go first,
// then everything: sites are few, and a cold cache only costs reads.
func (c *siteCache) put(site carpool.Site, gen uint64, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return // a site changed while it was read
	}
	if _, ok := c.m[site.ID]; !ok && len(c.m) >= c.size {
		for id, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, id)
			}
		}
		if len(c.m) >= c.size {
			clear(c.m)
		}
	}
	c.m[site.ID] = cachedSite{site: site, expires: now.Add(c.ttl)}
}

func (c *siteCache) forget(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
	c.gen++
}
