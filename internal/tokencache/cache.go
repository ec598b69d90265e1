// Package tokencache keeps recently checked API tokens in memory for a few seconds, so
// an authenticated request does not cost a database round trip every time.
//
// Revocation semantics (what a caller may rely on):
//
//   - A new token works at once on every replica: unknown hashes are never cached, they
//     always go to the store.
//   - A token revoked through a replica's Store (DeleteToken) stops working on that
//     replica at once; so does every token of a member changed through it (SetRole,
//     UpdateMember, DeactivateMember, EraseMember, DeleteMemberTokens), except that a
//     lookup racing such a member change may keep the old member for up to TTL.
//   - On every other replica a revoked token, or a member whose role or details changed,
//     is honoured for at most TTL after that replica last read it from the database.
//     TTL is therefore the longest a revocation takes to reach the whole fleet; keep it
//     short (DefaultTTL is 5 s).
//   - Expiry is exact: a token past its ExpiresAt is refused even while cached.
//
// The cache holds at most Size entries; when it is full, expired entries go first, then
// arbitrary ones, so memory stays bounded whatever the request mix.
package tokencache

import (
	"sync"
	"time"

	"carpool/internal/carpool"
)

// Defaults for Options left zero.
const (
	DefaultTTL  = 5 * time.Second
	DefaultSize = 10_000
)

// Options configure a Cache.
type Options struct {
	// TTL is how long an entry is trusted after it was read from the database.
	TTL time.Duration
	// Size bounds the number of entries.
	Size int
}

type entry struct {
	member  carpool.Member
	token   carpool.Token
	checked time.Time
}

// Cache maps token hashes to the member and token the database returned for them. It is
// safe for concurrent use.
type Cache struct {
	ttl  time.Duration
	size int

	mu      sync.Mutex
	entries map[string]entry
	// revoked remembers tokens forgotten within the last TTL, so a lookup that read
	// the token just before its revocation cannot put it back.
	revoked map[string]time.Time
}

// New returns an empty cache.
func New(o Options) *Cache {
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Size <= 0 {
		o.Size = DefaultSize
	}
	return &Cache{ttl: o.TTL, size: o.Size, entries: make(map[string]entry), revoked: make(map[string]time.Time)}
}

// Get returns the cached member and token for hash if the entry is younger than TTL and
// the token has not expired at now.
func (c *Cache) Get(hash string, now time.Time) (carpool.Member, carpool.Token, bool) {
	c.mu.Lock()
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if !ok || now.Sub(e.checked) >= c.ttl || now.Before(e.checked) || !now.Before(e.token.ExpiresAt) {
		return carpool.Member{}, carpool.Token{}, false
	}
	return e.member, e.token, true
}

// Put remembers what the database said about hash at now.
func (c *Cache) Put(hash string, m carpool.Member, t carpool.Token, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at, ok := c.revoked[t.ID]; ok {
		if now.Sub(at) < c.ttl {
			return
		}
		delete(c.revoked, t.ID)
	}
	if _, ok := c.entries[hash]; !ok && len(c.entries) >= c.size {
		c.evict(now)
	}
	c.entries[hash] = entry{member: m, token: t, checked: now}
}

// evict makes room for one entry: stale ones first, else one arbitrary entry (map order).
func (c *Cache) evict(now time.Time) {
	for h, e := range c.entries {
		if now.Sub(e.checked) >= c.ttl || !now.Before(e.token.ExpiresAt) {
			delete(c.entries, h)
		}
	}
	if len(c.entries) < c.size {
		return
	}
	for h := range c.entries {
		delete(c.entries, h)
		return
	}
}

// ForgetToken drops the entry of the token with id tokenID, if cached, and refuses to
// cache it again for TTL (a lookup may have read it just before it was revoked).
func (c *Cache) ForgetToken(tokenID string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, at := range c.revoked {
		if now.Sub(at) >= c.ttl {
			delete(c.revoked, id)
		}
	}
	if len(c.revoked) < c.size {
		c.revoked[tokenID] = now
	}
	for h, e := range c.entries {
		if e.token.ID == tokenID {
			delete(c.entries, h)
		}
	}
}

// ForgetMember drops every entry of a member, for callers that change a member's role or
// remove the member.
func (c *Cache) ForgetMember(memberID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.entries {
		if e.member.ID == memberID {
			delete(c.entries, h)
		}
	}
}

// Len returns the number of entries, for metrics and tests.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
