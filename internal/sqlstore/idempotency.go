package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// ReserveIdempotencyKey stores rec (Status 0) unless its scope and key exist; then it
// returns the stored record and true. A record older than carpool.IdempotencyTTL counts as
// absent and is replaced. The insert-or-read is atomic on both engines: ON CONFLICT DO
// NOTHING lets exactly one of several concurrent requests insert, and the others read
// what it inserted.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, rec carpool.IdempotencyRecord) (carpool.IdempotencyRecord, bool, error) {
	var out carpool.IdempotencyRecord
	var existed bool
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		rec := rec
		rec.Status, rec.Location, rec.Body = 0, "", nil
		if rec.CreatedAt.IsZero() {
			rec.CreatedAt = now
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND created_at < $3`,
			rec.Scope, rec.Key, ts(now.Add(-carpool.IdempotencyTTL))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, location, body, created_at)
			VALUES ($1, $2, $3, 0, '', NULL, $4) ON CONFLICT (scope, idem_key) DO NOTHING`,
			rec.Scope, rec.Key, rec.RequestHash, ts(rec.CreatedAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			out, existed = rec, false
			out.CreatedAt = ts(rec.CreatedAt)
			return nil
		}
		stored := carpool.IdempotencyRecord{}
		err = tx.QueryRowContext(ctx, `SELECT scope, idem_key, request_hash, status, location, body, created_at
			FROM idempotency_keys WHERE scope = $1 AND idem_key = $2`, rec.Scope, rec.Key).
			Scan(&stored.Scope, &stored.Key, &stored.RequestHash, &stored.Status, &stored.Location,
				bytesCol{&stored.Body}, timeCol{&stored.CreatedAt})
		if err != nil {
			return err
		}
		out, existed = stored, true
		return nil
	})
	if err != nil {
		return carpool.IdempotencyRecord{}, false, fmt.Errorf("reserve idempotency key: %w", err)
	}
	return out, existed, nil
}

// CompleteIdempotencyKey stores the answer to the first request under its key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, rec carpool.IdempotencyRecord) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, location = $2, body = $3
			WHERE scope = $4 AND idem_key = $5`, rec.Status, rec.Location, rec.Body, rec.Scope, rec.Key)
		if err != nil {
			return err
		}
		return mustAffect(res, "idempotency key")
	})
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a key whose request failed, so it can be retried.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2`, scope, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}
