package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// insertEvent writes an outbox event the way the store does, letting the database
// number it, and returns its seq.
func insertEvent(ctx context.Context, tx *sql.Tx, id string) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at)
		VALUES ($1, 'test.event', 's', 'r', '{}', now()) RETURNING seq`, id).Scan(&seq)
	return seq, err
}

// TestOutboxNumbersInCommitOrder: while a transaction holds an uncommitted event, a
// second transaction's event cannot commit before it, so no reader can see a higher
// seq before a lower one: a relay that remembers the last seq it read misses nothing.
func TestOutboxNumbersInCommitOrder(t *testing.T) {
	db := mustOpenMigrated(t).DB()
	ctx := context.Background()
	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback()
	firstSeq, err := insertEvent(ctx, first, "first")
	if err != nil {
		t.Fatalf("first event: %v", err)
	}

	type result struct {
		seq int64
		err error
	}
	second := make(chan result, 1)
	go func() {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			second <- result{err: err}
			return
		}
		seq, err := insertEvent(ctx, tx, "second")
		if err != nil {
			tx.Rollback()
			second <- result{err: err}
			return
		}
		second <- result{seq: seq, err: tx.Commit()}
	}()

	// The second transaction must end up waiting for the first, not commit past it.
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case r := <-second:
			t.Fatalf("second event committed (seq %d, %v) while the first (seq %d) was uncommitted, want it to wait", r.seq, r.err, firstSeq)
		default:
		}
		var waiting int
		if err := db.QueryRowContext(ctx,
			`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("second transaction neither waited nor committed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.Commit(); err != nil {
		t.Fatalf("commit first: %v", err)
	}
	r := <-second
	if r.err != nil {
		t.Fatalf("second event: %v", r.err)
	}
	if r.seq <= firstSeq {
		t.Fatalf("got seq %d for the event committed second, want more than %d", r.seq, firstSeq)
	}
}

// TestOutboxKeepsGivenSeq: a restore writes events with their seq, which stays.
func TestOutboxKeepsGivenSeq(t *testing.T) {
	db := mustOpenMigrated(t).DB()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `INSERT INTO outbox_events VALUES (1000, 'restored', 'test.event', 's', 'r', '{}', now())`); err != nil {
		t.Fatal(err)
	}
	var seq int64
	if err := db.QueryRowContext(ctx, `SELECT seq FROM outbox_events WHERE id = 'restored'`).Scan(&seq); err != nil || seq != 1000 {
		t.Fatalf("got seq %d, %v; want 1000 kept", seq, err)
	}
	var owned sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT pg_get_serial_sequence('outbox_events', 'seq')`).Scan(&owned); err != nil || !owned.Valid {
		t.Fatalf("got sequence %v, %v; want the column's sequence findable, so a restore can move it past restored rows", owned, err)
	}
}
