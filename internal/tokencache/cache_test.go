package tokencache_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/tokencache"
)

// tokenDB is the shared database of several replicas: tokens by hash, and how often
// each replica's lookups reached it.
type tokenDB struct {
	carpool.Store // methods the tests do not call stay nil

	mu      sync.Mutex
	member  carpool.Member
	tokens  map[string]carpool.Token
	lookups int
}

func (d *tokenDB) MemberByToken(_ context.Context, hash string, now time.Time) (carpool.Member, carpool.Token, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	t, ok := d.tokens[hash]
	if !ok || !now.Before(t.ExpiresAt) {
		return carpool.Member{}, carpool.Token{}, carpool.Errorf(carpool.EUNAUTHORIZED, "the token is unknown or expired")
	}
	return d.member, t, nil
}

func (d *tokenDB) DeleteToken(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for h, t := range d.tokens {
		if t.ID == id {
			delete(d.tokens, h)
			return nil
		}
	}
	return carpool.Errorf(carpool.ENOTFOUND, "token not found")
}

// InTx runs fn over a transaction whose SaveRole writes the member's role.
func (d *tokenDB) InTx(_ context.Context, fn func(carpool.Tx) error) error {
	return fn(roleTx{d: d})
}

type roleTx struct {
	carpool.Tx
	d *tokenDB
}

func (t roleTx) SaveRole(_ context.Context, m carpool.Member) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.member.Role = m.Role
	return nil
}

func (t roleTx) SaveProfile(_ context.Context, m carpool.Member) error {
	t.d.mu.Lock()
	defer t.d.mu.Unlock()
	t.d.member.Language = m.Language
	return nil
}

func (d *tokenDB) DeleteMemberTokens(_ context.Context, memberID, keep string) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for h, t := range d.tokens {
		if t.MemberID == memberID && t.ID != keep {
			delete(d.tokens, h)
			n++
		}
	}
	return n, nil
}

func (d *tokenDB) add(hash string, expires time.Time) carpool.Token {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := carpool.Token{ID: "id-" + hash, MemberID: d.member.ID, Hash: hash, ExpiresAt: expires}
	d.tokens[hash] = t
	return t
}

// clock is a manual clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func setup(t *testing.T, replicas int) (*tokenDB, []*tokencache.Store, *clock) {
	t.Helper()
	db := &tokenDB{member: carpool.Member{ID: "m1", Role: carpool.RoleMember}, tokens: map[string]carpool.Token{}}
	clk := &clock{t: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	var stores []*tokencache.Store
	for range replicas {
		stores = append(stores, tokencache.Wrap(db, tokencache.Options{TTL: 5 * time.Second, Size: 100}).WithClock(clk.now))
	}
	return db, stores, clk
}

func authed(s *tokencache.Store, hash string, now time.Time) bool {
	_, _, err := s.MemberByToken(context.Background(), hash, now)
	return err == nil
}

func TestRepeatedLookupsSkipTheDatabase(t *testing.T) {
	db, stores, clk := setup(t, 1)
	db.add("h1", clk.now().Add(time.Hour))
	for range 10 {
		if !authed(stores[0], "h1", clk.now()) {
			t.Fatal("got unauthorized, want the token accepted")
		}
		clk.advance(100 * time.Millisecond)
	}
	if db.lookups != 1 {
		t.Fatalf("got %d database lookups for 10 requests within the TTL, want 1", db.lookups)
	}
}

// TestRevocationAcrossReplicas: the replica that revokes refuses the token at once; the
// others accept it until their entry is TTL old, never longer.
func TestRevocationAcrossReplicas(t *testing.T) {
	db, stores, clk := setup(t, 3)
	tok := db.add("h1", clk.now().Add(time.Hour))
	for i, s := range stores {
		if !authed(s, "h1", clk.now()) {
			t.Fatalf("replica %d: got unauthorized before revocation", i)
		}
	}
	clk.advance(time.Second)
	if err := stores[0].DeleteToken(context.Background(), tok.ID); err != nil {
		t.Fatal(err)
	}
	if authed(stores[0], "h1", clk.now()) {
		t.Error("revoking replica: got the token accepted after DeleteToken, want refused at once")
	}
	if !authed(stores[1], "h1", clk.now()) {
		t.Error("other replica within TTL: got refused, want the cached answer (documented staleness)")
	}
	clk.advance(4 * time.Second) // 5 s after the other replicas read it
	for i, s := range stores {
		if authed(s, "h1", clk.now()) {
			t.Errorf("replica %d: got the token accepted TTL after it was read, want refused", i)
		}
	}
}

// TestLookupRacingRevocationIsNotCached: an answer read from the database just before
// the revocation must not be put back into the revoking replica's cache.
func TestLookupRacingRevocationIsNotCached(t *testing.T) {
	_, _, clk := setup(t, 0)
	c := tokencache.New(tokencache.Options{TTL: 5 * time.Second})
	tok := carpool.Token{ID: "t1", Hash: "h1", ExpiresAt: clk.now().Add(time.Hour)}
	c.ForgetToken(tok.ID, clk.now())
	c.Put("h1", carpool.Member{ID: "m1"}, tok, clk.now())
	if _, _, ok := c.Get("h1", clk.now()); ok {
		t.Fatal("got a revoked token cached, want it refused for TTL")
	}
}

func TestNewTokenWorksAtOnceEverywhere(t *testing.T) {
	db, stores, clk := setup(t, 2)
	if authed(stores[1], "h2", clk.now()) {
		t.Fatal("unknown token accepted")
	}
	db.add("h2", clk.now().Add(time.Hour))
	if !authed(stores[1], "h2", clk.now()) {
		t.Fatal("got a new token refused right after a failed lookup, want failures never cached")
	}
}

func TestExpiryIsExactEvenWhenCached(t *testing.T) {
	db, stores, clk := setup(t, 1)
	db.add("h3", clk.now().Add(2*time.Second))
	if !authed(stores[0], "h3", clk.now()) {
		t.Fatal("got unauthorized before expiry")
	}
	clk.advance(2 * time.Second)
	if authed(stores[0], "h3", clk.now()) {
		t.Fatal("got an expired token accepted from the cache")
	}
}

func TestSizeIsBounded(t *testing.T) {
	c := tokencache.New(tokencache.Options{TTL: time.Minute, Size: 10})
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for i := range 100 {
		h := fmt.Sprintf("h%d", i)
		c.Put(h, carpool.Member{ID: "m"}, carpool.Token{ID: h, ExpiresAt: now.Add(time.Hour)}, now)
	}
	if got := c.Len(); got > 10 {
		t.Fatalf("got %d entries, want at most 10", got)
	}
	if _, _, ok := c.Get("h99", now); !ok {
		t.Fatal("got the newest entry missing, want it kept")
	}
}

func TestForgetMember(t *testing.T) {
	c := tokencache.New(tokencache.Options{})
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	c.Put("a", carpool.Member{ID: "m1"}, carpool.Token{ID: "a", ExpiresAt: now.Add(time.Hour)}, now)
	c.Put("b", carpool.Member{ID: "m2"}, carpool.Token{ID: "b", ExpiresAt: now.Add(time.Hour)}, now)
	c.ForgetMember("m1")
	if _, _, ok := c.Get("a", now); ok {
		t.Error("got m1's token cached after ForgetMember")
	}
	if _, _, ok := c.Get("b", now); !ok {
		t.Error("got m2's token dropped by ForgetMember(m1)")
	}
}

// TestMemberChangesReachTheActingReplicaAtOnce: a role change, a profile change or "sign
// out everywhere" made through a replica is seen by that replica on the next request.
func TestMemberChangesReachTheActingReplicaAtOnce(t *testing.T) {
	db, stores, clk := setup(t, 2)
	db.add("h1", clk.now().Add(time.Hour))
	ctx := context.Background()
	for _, s := range stores {
		authed(s, "h1", clk.now())
	}
	err := stores[0].InTx(ctx, func(tx carpool.Tx) error {
		return tx.SaveRole(ctx, carpool.Member{ID: "m1", Role: carpool.RoleAdmin})
	})
	if err != nil {
		t.Fatal(err)
	}
	if m, _, err := stores[0].MemberByToken(ctx, "h1", clk.now()); err != nil || m.Role != carpool.RoleAdmin {
		t.Fatalf("acting replica: got role %q, %v; want admin at once", m.Role, err)
	}
	if m, _, _ := stores[1].MemberByToken(ctx, "h1", clk.now()); m.Role != carpool.RoleMember {
		t.Fatalf("other replica within TTL: got role %q, want the cached member (documented staleness)", m.Role)
	}
	// A member who switches to German reads the next page in German on this replica.
	err = stores[0].InTx(ctx, func(tx carpool.Tx) error {
		return tx.SaveProfile(ctx, carpool.Member{ID: "m1", Language: "de"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if m, _, err := stores[0].MemberByToken(ctx, "h1", clk.now()); err != nil || m.Language != "de" {
		t.Fatalf("acting replica: got language %q, %v; want de at once", m.Language, err)
	}
	if _, err := stores[0].DeleteMemberTokens(ctx, "m1", ""); err != nil {
		t.Fatal(err)
	}
	if authed(stores[0], "h1", clk.now()) {
		t.Fatal("acting replica: got a token accepted after its member was signed out everywhere")
	}
}
