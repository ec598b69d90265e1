package postgres_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"carpool/internal/carpool"
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

// noPlan plans nothing for an event: the relay tests below look only at which events a
// relay takes and when.
func noPlan(context.Context, carpool.Event) (carpool.Fanout, error) { return carpool.Fanout{}, nil }

// TestRelayWithNothingCommittedTakesNoFence: while a writer is still running and nothing
// has committed after the relay's cursor, a relay's tick returns at once. Taking the fence
// then would make it wait for that writer and every later writer wait behind it, on every
// tick of every replica.
func TestRelayWithNothingCommittedTakesNoFence(t *testing.T) {
	store := mustOpenMigrated(t)
	ctx := context.Background()
	writer, err := store.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Rollback()
	if _, err := insertEvent(ctx, writer, "running"); err != nil {
		t.Fatal(err)
	}
	// The bound only turns a wait into a failure instead of a hang.
	bounded, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	n, err := store.FanOutEvents(bounded, 10, noPlan)
	if err != nil || n != 0 {
		t.Fatalf("relay tick beside a running writer: got %d, %v; want 0 at once", n, err)
	}
}

// TestOneRelayReadsAtATime: while one replica's relay waits in the fence for a running
// writer, another replica's tick does not queue a second reader (each reader in the queue
// holds every later writer back); it returns at once and the first reader takes the
// events, the late one included.
func TestOneRelayReadsAtATime(t *testing.T) {
	store := mustOpenMigrated(t)
	db := store.DB()
	ctx := context.Background()
	late, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Rollback()
	if _, err := insertEvent(ctx, late, "late"); err != nil {
		t.Fatal(err)
	}
	early, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := insertEvent(ctx, early, "early"); err != nil {
		t.Fatal(err)
	}
	if err := early.Commit(); err != nil {
		t.Fatal(err)
	}

	type result struct {
		n   int
		err error
	}
	first := make(chan result, 1)
	go func() {
		n, err := store.FanOutEvents(ctx, 10, noPlan)
		first <- result{n, err}
	}()
	waitForAdvisoryWaiters(t, db, 1)

	bounded, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if n, err := store.FanOutEvents(bounded, 10, noPlan); err != nil || n != 0 {
		t.Fatalf("second relay while the first reads: got %d, %v; want 0 at once", n, err)
	}
	waitForAdvisoryWaiters(t, db, 1)

	if err := late.Commit(); err != nil {
		t.Fatal(err)
	}
	if r := <-first; r.err != nil || r.n != 2 {
		t.Fatalf("first relay: got %d, %v; want both events", r.n, r.err)
	}
}

// TestUnitOfWorkWritesEventsLast: a unit of work that appends its event and then waits
// for a row another transaction holds does not hold the outbox lock while it waits (the
// relay's reader would wait for it, and every other writer behind the reader); its event
// is written when the work is done.
func TestUnitOfWorkWritesEventsLast(t *testing.T) {
	store := mustOpenMigrated(t)
	db := store.DB()
	ctx := context.Background()
	now := carpool.Timestamp(time.Now())
	m := carpool.Member{ID: carpool.NewID(), Email: "held@example.com", Name: "Held", Role: carpool.RoleMember,
		PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	if err := store.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	holder, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.ExecContext(ctx, `SELECT id FROM members WHERE id = $1 FOR UPDATE`, m.ID); err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		done <- store.InTx(ctx, func(tx carpool.Tx) error {
			if err := tx.Append(ctx, carpool.Event{ID: carpool.NewID(), Type: "test.event", SubjectID: m.ID,
				RecipientID: m.ID, Payload: []byte(`{}`), CreatedAt: now}); err != nil {
				return err
			}
			_, err := tx.LockMember(ctx, m.ID)
			return err
		})
	}()
	waitForRowLockWaiter(t, db)
	var held int
	if err := db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'`).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("got %d advisory locks while the unit of work waits for a row, want none", held)
	}
	if err := holder.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("unit of work: %v", err)
	}
	if events, err := store.Events(ctx, 0, 10); err != nil || len(events) != 1 {
		t.Fatalf("got %d events, %v; want the appended one written", len(events), err)
	}
}

// waitForRowLockWaiter polls until a session of this database waits for a row lock.
func waitForRowLockWaiter(t *testing.T, db *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var waiting int
		if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND wait_event IN ('transactionid', 'tuple')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no session waits for the held row")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
