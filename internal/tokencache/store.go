package tokencache

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// Store is a carpool.Store whose MemberByToken answers from a Cache, and whose
// DeleteToken forgets the token locally before revoking it in the database. Every other
// method goes to the wrapped store unchanged.
type Store struct {
	carpool.Store
	cache *Cache
	now   func() time.Time
}

// Wrap returns store with token lookups cached as o says.
func Wrap(store carpool.Store, o Options) *Store {
	return &Store{Store: store, cache: New(o), now: time.Now}
}

// WithClock replaces the clock DeleteToken stamps revocations with, for tests.
func (s *Store) WithClock(now func() time.Time) *Store {
	s.now = now
	return s
}

// Cache returns the cache, so code that changes a member can call ForgetMember.
func (s *Store) Cache() *Cache { return s.cache }

// MemberByToken returns a fresh cached answer, or asks the wrapped store and caches a
// success. Failures (unknown, expired, database down) are never cached.
func (s *Store) MemberByToken(ctx context.Context, hash string, now time.Time) (carpool.Member, carpool.Token, error) {
	if m, t, ok := s.cache.Get(hash, now); ok {
		return m, t, nil
	}
	m, t, err := s.Store.MemberByToken(ctx, hash, now)
	if err != nil {
		return m, t, err
	}
	s.cache.Put(hash, m, t, now)
	return m, t, nil
}

// DeleteToken revokes the token; this replica stops honouring it at once, the others
// within the cache's TTL.
func (s *Store) DeleteToken(ctx context.Context, id string) error {
	err := s.Store.DeleteToken(ctx, id)
	// Forgotten even when the delete failed: the next lookup asks the database.
	s.cache.ForgetToken(id, s.now())
	return err
}

// The methods below change a member or revoke their tokens: this replica forgets the
// member's cached tokens at once (others within the TTL), whether or not the change
// succeeded, so the next request asks the database.

// InTx runs a unit of work; the members whose role it changes, or whom it deactivates,
// reactivates, erases or signs out, are forgotten once it is over.
func (s *Store) InTx(ctx context.Context, fn func(tx carpool.Tx) error) error {
	var changed []string
	err := s.Store.InTx(ctx, func(tx carpool.Tx) error {
		changed = nil // a rerun starts over
		return fn(&forgetting{Tx: tx, changed: &changed})
	})
	for _, id := range changed {
		s.cache.ForgetMember(id)
	}
	return err
}

// forgetting notes the members whose standing a transaction changes.
type forgetting struct {
	carpool.Tx
	changed *[]string
}

func (t *forgetting) SaveRole(ctx context.Context, m carpool.Member) error {
	*t.changed = append(*t.changed, m.ID)
	return t.Tx.SaveRole(ctx, m)
}

func (t *forgetting) SaveProfile(ctx context.Context, m carpool.Member) error {
	*t.changed = append(*t.changed, m.ID)
	return t.Tx.SaveProfile(ctx, m)
}

func (t *forgetting) SetDeactivated(ctx context.Context, id string, at time.Time) error {
	*t.changed = append(*t.changed, id)
	return t.Tx.SetDeactivated(ctx, id, at)
}

func (t *forgetting) EndSessions(ctx context.Context, memberID string) (int, error) {
	*t.changed = append(*t.changed, memberID)
	return t.Tx.EndSessions(ctx, memberID)
}

// DeleteMemberTokens revokes a member's tokens except keep. The kept token's entry goes
// too; it is simply read again.
func (s *Store) DeleteMemberTokens(ctx context.Context, memberID, keep string) (int, error) {
	n, err := s.Store.DeleteMemberTokens(ctx, memberID, keep)
	s.cache.ForgetMember(memberID)
	return n, err
}

// ResetPasswordByLink sets a new password through a mailed link and revokes every
// session of the member, who is known only once the link is.
func (s *Store) ResetPasswordByLink(ctx context.Context, hash, passwordHash string, now time.Time) (carpool.Member, error) {
	m, err := s.Store.ResetPasswordByLink(ctx, hash, passwordHash, now)
	if err == nil {
		s.cache.ForgetMember(m.ID)
	}
	return m, err
}

// ConfirmEmailByLink changes a member's address through a mailed link.
func (s *Store) ConfirmEmailByLink(ctx context.Context, hash string, now time.Time) (carpool.Member, string, error) {
	m, previous, err := s.Store.ConfirmEmailByLink(ctx, hash, now)
	if err == nil {
		s.cache.ForgetMember(m.ID)
	}
	return m, previous, err
}
