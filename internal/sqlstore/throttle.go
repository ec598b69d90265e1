package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// TakeSignInAttempt charges one attempt to every key unless one must still wait. The keys
// are locked in sorted order (FOR UPDATE on PostgreSQL, the write lock on SQLite), so two
// replicas charging the same pair of keys never deadlock and never both pass a check that
// only one of them should.
func (s *Store) TakeSignInAttempt(ctx context.Context, given []carpool.ThrottleKey) ([]time.Duration, error) {
	// order lists the positions of given in the order their rows are locked.
	order := make([]int, len(given))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(given[a].Key, given[b].Key) })
	keys := make([]carpool.ThrottleKey, len(given))
	for i, at := range order {
		keys[i] = given[at]
	}
	var waits []time.Duration
	var stamp time.Time
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		waits, stamp = make([]time.Duration, len(given)), now
		wait := time.Duration(0)
		type counter struct {
			attempts int
			next     time.Time
		}
		counters := make([]counter, len(keys))
		for i, k := range keys {
			// Insert first so that the row exists to be locked; a concurrent insert of the
			// same key waits on ours and then does nothing.
			if _, err := tx.ExecContext(ctx, `INSERT INTO signin_throttle (throttle_key, attempts, last_at, next_at)
				VALUES ($1, 0, $2, $2) ON CONFLICT (throttle_key) DO NOTHING`, k.Key, now); err != nil {
				return err
			}
			var last time.Time
			err := tx.QueryRowContext(ctx, `SELECT attempts, last_at, next_at FROM signin_throttle
				WHERE throttle_key = $1`+s.dialect.ForUpdate(), k.Key).
				Scan(&counters[i].attempts, timeCol{&last}, timeCol{&counters[i].next})
			if err != nil {
				return err
			}
			if now.Sub(last) >= k.Policy.Forget {
				counters[i] = counter{next: now}
			}
			if w := counters[i].next.Sub(now); w > 0 {
				waits[order[i]] = w
				wait = max(wait, w)
			}
		}
		if wait > 0 {
			return nil
		}
		for i, k := range keys {
			n := counters[i].attempts + 1
			if _, err := tx.ExecContext(ctx, `UPDATE signin_throttle SET attempts = $1, last_at = $2, next_at = $3
				WHERE throttle_key = $4`, n, now, ts(now.Add(k.Policy.Wait(n))), k.Key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("take sign-in attempt: %w", err)
	}
	// Now and then, drop counters nobody has touched for a day, so the table holds only
	// recent attackers and typos. Outside the transaction: it must not hold their locks.
	if rand.N(100) == 0 {
		_, _ = s.db.ExecContext(ctx, `DELETE FROM signin_throttle WHERE last_at < $1`, ts(stamp.Add(-24*time.Hour)))
	}
	return waits, nil
}

// ResetSignInAttempts forgets the attempts of key.
func (s *Store) ResetSignInAttempts(ctx context.Context, key string) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM signin_throttle WHERE throttle_key = $1`, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("reset sign-in attempts: %w", err)
	}
	return nil
}

// RefundSignInAttempt takes back one attempt charged to key, and the wait it set: the
// next attempt waits as long as if this one had never been made.
func (s *Store) RefundSignInAttempt(ctx context.Context, key carpool.ThrottleKey) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		var attempts int
		var last time.Time
		err := tx.QueryRowContext(ctx, `SELECT attempts, last_at FROM signin_throttle WHERE throttle_key = $1`+s.dialect.ForUpdate(),
			key.Key).Scan(&attempts, timeCol{&last})
		if errors.Is(err, sql.ErrNoRows) || (err == nil && attempts == 0) {
			return nil
		}
		if err != nil {
			return err
		}
		attempts--
		_, err = tx.ExecContext(ctx, `UPDATE signin_throttle SET attempts = $1, next_at = $2 WHERE throttle_key = $3`,
			attempts, ts(last.Add(key.Policy.Wait(attempts))), key.Key)
		return err
	})
	if err != nil {
		return fmt.Errorf("refund sign-in attempt: %w", err)
	}
	return nil
}
