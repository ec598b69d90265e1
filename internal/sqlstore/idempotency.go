package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// ReserveIdempotencyKey stores rec (Status 0) unless its scope and key exist; then it
// returns the stored record and true. A record older than carpool.IdempotencyTTL counts as
// absent and is replaced. The insert-or-read is atomic on both engines: ON CONFLICT DO
// NOTHING lets exactly one of several concurrent requests insert, and the others read
// what it inserted.
//
// A reservation of the same request (same hash) that is still in flight after
// carpool.IdempotencyLease was left by a replica that died, or belongs to a request
// that is very slow: rec takes it over by replacing its created_at, which is what the
// fence in runTx compares, so the old request can commit nothing afterwards. The
// takeover is one conditional UPDATE: of several retries at once exactly one wins (on
// PostgreSQL the others wait for its row lock and then no longer match).
func (s *Store) ReserveIdempotencyKey(ctx context.Context, rec carpool.IdempotencyRecord) (carpool.IdempotencyRecord, bool, error) {
	var out carpool.IdempotencyRecord
	var existed bool
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		rec := rec
		rec.Status, rec.Location, rec.Body = carpool.IdempotencyInFlight, "", nil
		if rec.CreatedAt.IsZero() {
			rec.CreatedAt = now
		}
		rec.CreatedAt = ts(rec.CreatedAt)
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND created_at < $3`,
			rec.Scope, rec.Key, ts(now.Add(-carpool.IdempotencyTTL))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, location, body, created_at)
			VALUES ($1, $2, $3, 0, '', NULL, $4) ON CONFLICT (scope, idem_key) DO NOTHING`,
			rec.Scope, rec.Key, rec.RequestHash, rec.CreatedAt)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			out, existed = rec, false
			return nil
		}
		stored, err := readIdempotencyKey(ctx, tx, rec.Scope, rec.Key)
		if err != nil {
			return err
		}
		if stored.Status == carpool.IdempotencyInFlight && stored.RequestHash == rec.RequestHash &&
			!now.Before(stored.CreatedAt.Add(carpool.IdempotencyLease)) && rec.CreatedAt.After(stored.CreatedAt) {
			res, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET created_at = $1
				WHERE scope = $2 AND idem_key = $3 AND status = 0 AND created_at = $4`,
				rec.CreatedAt, rec.Scope, rec.Key, stored.CreatedAt)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				out, existed = rec, false
				return nil
			}
			// Another retry took it over first.
			if stored, err = readIdempotencyKey(ctx, tx, rec.Scope, rec.Key); err != nil {
				return err
			}
		}
		out, existed = stored, true
		return nil
	})
	if err != nil {
		return carpool.IdempotencyRecord{}, false, fmt.Errorf("reserve idempotency key: %w", err)
	}
	return out, existed, nil
}

// IdempotencyKey implements carpool.IdempotencyStore: one read, no transaction.
func (s *Store) IdempotencyKey(ctx context.Context, scope, key string) (carpool.IdempotencyRecord, bool, error) {
	r, err := readIdempotencyKey(ctx, s.read(), scope, key)
	if errors.Is(err, sql.ErrNoRows) || err == nil && r.CreatedAt.Before(s.now().Add(-carpool.IdempotencyTTL)) {
		return carpool.IdempotencyRecord{}, false, nil
	}
	if err != nil {
		return carpool.IdempotencyRecord{}, false, fmt.Errorf("read idempotency key: %w", err)
	}
	return r, true, nil
}

func readIdempotencyKey(ctx context.Context, q queryer, scope, key string) (carpool.IdempotencyRecord, error) {
	var r carpool.IdempotencyRecord
	err := q.QueryRowContext(ctx, `SELECT scope, idem_key, request_hash, status, location, body, created_at
		FROM idempotency_keys WHERE scope = $1 AND idem_key = $2`, scope, key).
		Scan(&r.Scope, &r.Key, &r.RequestHash, &r.Status, &r.Location, bytesCol{&r.Body}, timeCol{&r.CreatedAt})
	return r, err
}

// claimUnreservedKey inserts the key of an Unreserved claim, IdempotencyApplied, in the
// transaction that commits the request's change; a record older than IdempotencyTTL
// gives way. It reports false when a record holds the key: another request's (which, on
// PostgreSQL, this waited for if it was still uncommitted) or this request's own from an
// earlier transaction.
func claimUnreservedKey(ctx context.Context, tx *sql.Tx, claim carpool.IdempotencyRecord, now time.Time) (bool, error) {
	claim.Status, claim.Location, claim.Body = carpool.IdempotencyApplied, "", nil
	return insertUnreservedKey(ctx, tx, claim, now)
}

// insertUnreservedKey inserts rec, with its Status, Location and Body, under its key;
// a record older than IdempotencyTTL gives way. It reports false when a record holds the
// key.
func insertUnreservedKey(ctx context.Context, tx *sql.Tx, rec carpool.IdempotencyRecord, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, location, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (scope, idem_key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
			location = excluded.location, body = excluded.body, created_at = excluded.created_at
		WHERE idempotency_keys.created_at < $8`,
		rec.Scope, rec.Key, rec.RequestHash, rec.Status, rec.Location, rec.Body, ts(rec.CreatedAt), ts(now.Add(-carpool.IdempotencyTTL)))
	if err != nil {
		return false, fmt.Errorf("idempotency key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("idempotency key: %w", err)
	}
	return n == 1, nil
}

// CompleteIdempotencyKey stores the answer to the request that reserved or claimed rec.
// An Unreserved claim whose request committed nothing has no record yet: the answer is
// inserted (unless another request took the key meanwhile).
func (s *Store) CompleteIdempotencyKey(ctx context.Context, rec carpool.IdempotencyRecord) error {
	q := `UPDATE idempotency_keys SET status = $1, location = $2, body = $3
		WHERE scope = $4 AND idem_key = $5 AND created_at = $6 AND status < 100`
	args := []any{rec.Status, rec.Location, rec.Body, rec.Scope, rec.Key, ts(rec.CreatedAt)}
	if rec.Unreserved {
		q = `INSERT INTO idempotency_keys (status, location, body, scope, idem_key, created_at, request_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (scope, idem_key) DO UPDATE SET status = excluded.status, location = excluded.location,
				body = excluded.body, request_hash = excluded.request_hash, created_at = excluded.created_at
			WHERE idempotency_keys.created_at = excluded.created_at AND idempotency_keys.status < 100
				OR idempotency_keys.created_at < $8`
		args = append(args, rec.RequestHash, ts(s.now().Add(-carpool.IdempotencyTTL)))
	}
	res, err := s.execAlone(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	} else if n != 1 {
		return fmt.Errorf("complete idempotency key: %w", carpool.Errorf(carpool.ECONFLICT, "the idempotency key was taken over by a retry"))
	}
	return nil
}

// ReleaseIdempotencyKey forgets the reservation rec while its request has committed
// nothing, so it can be retried.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, rec carpool.IdempotencyRecord) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND created_at = $3 AND status = 0`,
			rec.Scope, rec.Key, ts(rec.CreatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// fenceIdempotencyKey runs first in every write transaction of a request that holds an
// Idempotency-Key (carpool.WithIdempotencyClaim): it proves the request's reservation
// still holds the key and marks it applied, in the transaction that commits the change
// (first, so that the outbox events stay the last writes; see insertEvents).
// A reservation that was taken over matches no row, and the change rolls back. On
// PostgreSQL the UPDATE locks the key's row until the commit, so a takeover running at
// the same time either waits and then finds the key applied, or wins first and this
// finds no row.
func fenceIdempotencyKey(ctx context.Context, tx *sql.Tx, now time.Time) error {
	claim, ok := carpool.IdempotencyClaim(ctx)
	if !ok {
		return nil
	}
	if claim.Unreserved {
		if claimed, err := claimUnreservedKey(ctx, tx, claim, now); err != nil || claimed {
			return err
		}
		// Held: by this request since an earlier transaction (the UPDATE below matches
		// its CreatedAt), or by another (it matches nothing).
	}
	res, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1
		WHERE scope = $2 AND idem_key = $3 AND created_at = $4 AND status IN (0, 1)`,
		carpool.IdempotencyApplied, claim.Scope, claim.Key, ts(claim.CreatedAt))
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	} else if n != 1 {
		return carpool.ErrIdempotencyKeyHeld
	}
	return nil
}
