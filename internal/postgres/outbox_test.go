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

// waitForAdvisoryWaiters polls until n sessions wait for an advisory lock in this
// database, or fails the test after a generous bound.
func waitForAdvisoryWaiters(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var waiting int
		if err := db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d sessions waiting for an advisory lock, want %d", waiting, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOutboxWritersDoNotQueue: two transactions that write events commit independently;
// the second does not wait for the first to end (numbering takes no lock that
// serialises writers).
func TestOutboxWritersDoNotQueue(t *testing.T) {
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

	// The bound only turns a wait into a failure instead of a hang.
	bounded, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	second, err := db.BeginTx(bounded, nil)
	if err != nil {
		t.Fatal(err)
	}
	secondSeq, err := insertEvent(bounded, second, "second")
	if err != nil {
		second.Rollback()
		t.Fatalf("second event while the first is uncommitted: %v, want it written at once", err)
	}
	if err := second.Commit(); err != nil {
		t.Fatalf("commit second while the first is uncommitted: %v", err)
	}
	if secondSeq <= firstSeq {
		t.Fatalf("got seq %d after %d, want numbers drawn in order", secondSeq, firstSeq)
	}
	if err := first.Commit(); err != nil {
		t.Fatalf("commit first: %v", err)
	}
}

// TestOutboxReaderNeverSkipsLateCommit: an event numbered lower but committed later than
// another is still read by a reader that resumes after the last seq it read. The reader
// waits for the uncommitted writer instead of returning the higher seq alone.
func TestOutboxReaderNeverSkipsLateCommit(t *testing.T) {
	store := mustOpenMigrated(t)
	db := store.DB()
	ctx := context.Background()

	late, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Rollback()
	lateSeq, err := insertEvent(ctx, late, "late")
	if err != nil {
		t.Fatalf("late event: %v", err)
	}
	early, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	earlySeq, err := insertEvent(ctx, early, "early")
	if err != nil {
		t.Fatalf("early event: %v", err)
	}
	if err := early.Commit(); err != nil {
		t.Fatal(err)
	}

	type result struct {
		seqs []int64
		err  error
	}
	read := make(chan result, 1)
	go func() {
		events, err := store.Events(ctx, 0, 10)
		var seqs []int64
		for _, e := range events {
			seqs = append(seqs, e.Seq)
		}
		read <- result{seqs, err}
	}()
	waitForAdvisoryWaiters(t, db, 1)
	select {
	case r := <-read:
		t.Fatalf("reader returned %v while seq %d was uncommitted, want it to wait", r.seqs, lateSeq)
	default:
	}

	// A writer that starts now waits behind the reader, and its number comes after
	// every number the reader can return.
	next := make(chan int64, 1)
	go func() {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			next <- -1
			return
		}
		seq, err := insertEvent(ctx, tx, "next")
		if err != nil || tx.Commit() != nil {
			tx.Rollback()
			next <- -1
			return
		}
		next <- seq
	}()
	waitForAdvisoryWaiters(t, db, 2)

	if err := late.Commit(); err != nil {
		t.Fatalf("commit late: %v", err)
	}
	r := <-read
	if r.err != nil {
		t.Fatalf("events: %v", r.err)
	}
	want := []int64{lateSeq, earlySeq}
	if len(r.seqs) != 2 || r.seqs[0] != want[0] || r.seqs[1] != want[1] {
		t.Fatalf("got seqs %v, want %v", r.seqs, want)
	}
	if got := <-next; got <= earlySeq {
		t.Fatalf("got seq %d for an event written while the reader read, want more than %d", got, earlySeq)
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
