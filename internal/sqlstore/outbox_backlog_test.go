package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
)

func TestOutboxBacklogCountsUndeliveredEvents(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	count := func() int64 {
		t.Helper()
		n, err := db.OutboxBacklog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := count(); got != 0 {
		t.Fatalf("backlog of an empty outbox: got %d, want 0", got)
	}
	for _, id := range []string{"e1", "e2"} {
		_, err := db.DB().ExecContext(ctx, `INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at)
			VALUES (?, 'booking.confirmed', 'r1', 'm1', '{}', ?)`, id, time.Now().UTC().Format("2006-01-02 15:04:05"))
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := count(); got != 2 {
		t.Fatalf("backlog after two events: got %d, want 2", got)
	}
}
