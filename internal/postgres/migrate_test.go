package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/pgtest"
	"carpool/internal/postgres"
	"carpool/internal/sqlstore"
)

// appliedVersions returns how often goose recorded each applied migration.
func appliedVersions(t *testing.T, db *postgres.DB) map[int64]int {
	t.Helper()
	rows, err := db.DB().QueryContext(context.Background(),
		"SELECT version_id, count(*) FROM goose_db_version WHERE version_id > 0 AND is_applied GROUP BY version_id")
	if err != nil {
		t.Fatalf("read goose_db_version: %v", err)
	}
	defer rows.Close()
	got := map[int64]int{}
	for rows.Next() {
		var v int64
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatalf("scan: %v", err)
		}
		got[v] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows: %v", err)
	}
	return got
}

// TestMigrateConcurrently starts three migrations at once, each with a connection pool
// of its own as three processes would have: all succeed, and each migration is applied
// exactly once (a second application would fail on CREATE TABLE, or be recorded twice).
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.NewDatabase(t)
	const runners = 3
	dbs := make([]*postgres.DB, runners)
	for i := range dbs {
		dbs[i] = mustOpenEmpty(t, url, postgres.WithMaxConns(2))
	}
	ctx := context.Background()
	start := make(chan struct{})
	versions := make([]int64, runners)
	errs := make([]error, runners)
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			versions[i], errs[i] = db.Migrate(ctx)
		}()
	}
	close(start)
	wg.Wait()

	_, known, err := postgres.SchemaVersion(ctx, dbs[0].DB())
	if err != nil {
		t.Fatalf("schema version: %v", err)
	}
	for i := range dbs {
		if errs[i] != nil {
			t.Errorf("migration %d: got error %v, want success", i, errs[i])
		}
		if versions[i] != known {
			t.Errorf("migration %d: got version %d, want %d", i, versions[i], known)
		}
	}
	applied := appliedVersions(t, dbs[0])
	// Versions may have gaps (branches number their migrations ahead), so the newest one
	// must be applied and none twice, not every number up to it.
	if applied[known] != 1 {
		t.Errorf("got %v applied, want version %d among them", applied, known)
	}
	for v, n := range applied {
		if n != 1 {
			t.Errorf("migration %d: applied %d times, want once", v, n)
		}
	}
}

func TestMigrateTwiceChangesNothing(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	before := appliedVersions(t, db)
	v, err := db.Migrate(ctx)
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if _, known, _ := postgres.SchemaVersion(ctx, db.DB()); v != known {
		t.Fatalf("got version %d, want %d", v, known)
	}
	if after := appliedVersions(t, db); len(after) != len(before) {
		t.Fatalf("got %d migrations recorded after a second run, want %d", len(after), len(before))
	}
}

// TestRefusesNewerSchema: a database migrated by a newer carpool is not opened nor
// migrated by this one, with an error that says so.
func TestRefusesNewerSchema(t *testing.T) {
	url := pgtest.NewDatabase(t)
	db := mustOpenEmpty(t, url)
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if _, err := db.DB().ExecContext(ctx,
		"INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, true)"); err != nil {
		t.Fatalf("pretend a newer migration: %v", err)
	}
	if _, err := postgres.Open(ctx, url); !errors.Is(err, sqlstore.ErrSchemaTooNew) {
		t.Errorf("open: got %v, want ErrSchemaTooNew", err)
	}
	if _, err := db.Migrate(ctx); !errors.Is(err, sqlstore.ErrSchemaTooNew) {
		t.Errorf("migrate: got %v, want ErrSchemaTooNew", err)
	}
}

func TestOpenRejectsBadURL(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://user:s3cret@[::1")
	if err == nil {
		t.Fatal("got no error for a malformed URL")
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") {
		t.Errorf("error %q shows the password", msg)
	}
}

// TestMigrateIgnoresStatementTimeout: migrations are not bound by the statement timeout
// that protects requests. Here a migration must wait longer than that timeout for the
// migration lock, which another session holds for a while.
func TestMigrateIgnoresStatementTimeout(t *testing.T) {
	db := mustOpenEmpty(t, pgtest.NewDatabase(t), postgres.WithStatementTimeout(200*time.Millisecond))
	ctx := context.Background()
	holder, err := db.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "SELECT pg_advisory_lock($1)", postgres.MigrationLockID); err != nil {
		t.Fatalf("take the migration lock: %v", err)
	}
	released := make(chan error, 1)
	go func() {
		time.Sleep(time.Second) // longer than the statement timeout
		_, err := holder.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", postgres.MigrationLockID)
		released <- err
	}()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate after waiting for the lock: %v", err)
	}
	if err := <-released; err != nil {
		t.Fatalf("release the lock: %v", err)
	}
}

// TestOpenDoesNotWaitForAMigration: a replica starting while another process holds the
// migration lock opens at once; only migrating waits for the lock.
func TestOpenDoesNotWaitForAMigration(t *testing.T) {
	url := pgtest.NewDatabase(t)
	holder := mustOpenEmpty(t, url)
	ctx := context.Background()
	conn, err := holder.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", postgres.MigrationLockID); err != nil {
		t.Fatalf("take the migration lock: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	db, err := postgres.Open(short, url)
	if err != nil {
		t.Fatalf("open while the lock is held: %v", err)
	}
	defer db.Close()
	blocked, cancelMigrate := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancelMigrate()
	if _, err := db.Migrate(blocked); err == nil {
		t.Fatal("migrate succeeded while another session held the migration lock")
	}
}
