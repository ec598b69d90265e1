package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// heldTx is carpool.HeldCommit: the one transaction of an idempotent request, begun by
// its first write and committed with its answer. Writes of the request reach it through
// the context (withTx, InTx and execAlone join it); reads go to the read pool as always
// and see what is committed, so a request that reads back its own change must not run
// held. One request's goroutine uses it.
type heldTx struct {
	s       *Store
	claim   carpool.IdempotencyRecord
	tx      *sql.Tx
	now     time.Time
	events  []carpool.Event // written last, at the commit: see insertEvents
	broken  error           // a savepoint that could not be undone: the commit must fail
	settled bool            // committed or rolled back: the request writes no more
}

type heldKey struct{}

// HoldCommit implements carpool.IdempotencyStore. A claim that is not Unreserved (a held
// key, with its lease and takeover) is not held: its writes commit as they come.
func (s *Store) HoldCommit(ctx context.Context, claim carpool.IdempotencyRecord) (context.Context, carpool.HeldCommit) {
	h := &heldTx{s: s, claim: claim}
	if !claim.Unreserved {
		return ctx, h
	}
	return context.WithValue(ctx, heldKey{}, h), h
}

// held returns the transaction a request under HoldCommit holds on this store, if any.
func (s *Store) held(ctx context.Context) *heldTx {
	h, _ := ctx.Value(heldKey{}).(*heldTx)
	if h == nil || h.s != s {
		return nil
	}
	return h
}

// run runs fn in the held transaction. The first write begins it, and reruns as withTx
// would after a retryable failure (nothing is held yet then); later writes run in a
// savepoint, so that one that fails undoes only its own writes.
func (h *heldTx) run(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	if h.settled {
		return errHeldSettled
	}
	if h.tx == nil {
		return h.s.retrying(ctx, func() error {
			tx, err := h.s.db.BeginTx(ctx, nil)
			if err != nil {
				return fmt.Errorf("begin: %w", err)
			}
			now := carpool.Timestamp(h.s.now())
			if err := fn(tx, now); err != nil {
				_ = tx.Rollback()
				return err
			}
			h.tx, h.now = tx, now
			return nil
		})
	}
	if _, err := h.tx.ExecContext(ctx, `SAVEPOINT held`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(h.tx, h.now); err != nil {
		if _, rerr := h.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT held`); rerr != nil && h.broken == nil {
			h.broken = fmt.Errorf("undo a failed write: %w", rerr)
		}
		return err
	}
	if _, err := h.tx.ExecContext(ctx, `RELEASE SAVEPOINT held`); err != nil {
		h.broken = fmt.Errorf("release savepoint: %w", err)
		return h.broken
	}
	return nil
}

// Commit implements carpool.HeldCommit. The key goes in last but for the events: on
// PostgreSQL a second request with the same key, running at the same time, waits at its
// own insert for this commit and then finds the key held; it rolls back all it did.
func (h *heldTx) Commit(ctx context.Context, rec carpool.IdempotencyRecord) (bool, error) {
	tx := h.tx
	h.tx, h.settled = nil, true
	if tx == nil {
		return false, nil
	}
	err := h.broken
	if err == nil {
		var claimed bool
		claimed, err = insertUnreservedKey(ctx, tx, rec, h.now)
		if err == nil && !claimed {
			err = carpool.ErrIdempotencyKeyHeld
		}
	}
	if err == nil {
		err = h.s.insertEvents(ctx, tx, h.events...)
	}
	if err != nil {
		_ = tx.Rollback()
		return true, err
	}
	if err := tx.Commit(); err != nil {
		return true, fmt.Errorf("commit: %w", err)
	}
	return true, nil
}

// Rollback implements carpool.HeldCommit.
func (h *heldTx) Rollback() {
	h.settled = true
	if h.tx != nil {
		_ = h.tx.Rollback()
		h.tx = nil
	}
}

// errHeldSettled refuses a write that comes after its request's transaction was settled.
var errHeldSettled = errors.New("the request's transaction is already settled")
