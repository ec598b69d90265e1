package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"carpool/internal/sqlite"
	"carpool/internal/sqlstore"
)

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "carpool.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	current, known, err := sqlite.SchemaVersion(ctx, db.DB())
	if err != nil || current != 0 || known < 1 {
		t.Fatalf("fresh database: version %d of %d, %v", current, known, err)
	}
	v, err := db.Migrate(ctx)
	if err != nil || v != known {
		t.Fatalf("migrate: got version %d, %v; want %d", v, err, known)
	}
	v, err = db.Migrate(ctx)
	if err != nil || v != known {
		t.Fatalf("migrate again: got version %d, %v; want %d", v, err, known)
	}

	t.Run("pragmas", func(t *testing.T) {
		var mode string
		var fk, timeout int
		noErr := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		noErr(db.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		noErr(db.DB().QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		noErr(db.DB().QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout))
		if mode != "wal" || fk != 1 || timeout != int(sqlite.BusyTimeout.Milliseconds()) {
			t.Fatalf("journal_mode %q foreign_keys %d busy_timeout %d; want wal 1 %d", mode, fk, timeout, sqlite.BusyTimeout.Milliseconds())
		}
	})

	t.Run("refuses a newer schema", func(t *testing.T) {
		_, err := db.DB().ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, 1)`, known+1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); !errors.Is(err, sqlstore.ErrSchemaTooNew) {
			t.Fatalf("migrate: got %v, want ErrSchemaTooNew", err)
		}
		again, err := sqlite.Open(ctx, path)
		if err == nil {
			again.Close()
		}
		if !errors.Is(err, sqlstore.ErrSchemaTooNew) {
			t.Fatalf("open: got %v, want ErrSchemaTooNew", err)
		}
	})
}

// Several `carpool migrate` processes may start together; each opens the file itself.
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "carpool.db")
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	versions := make([]int64, n)
	for i := range n {
		wg.Go(func() {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			versions[i], errs[i] = db.Migrate(ctx)
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || versions[i] < 1 {
			t.Fatalf("migration %d: version %d, %v", i, versions[i], errs[i])
		}
	}
}

func TestOpenRefusesOddPaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db", "x.db?mode=ro"} {
		if db, err := sqlite.Open(context.Background(), p); err == nil {
			db.Close()
			t.Errorf("open %q: got no error", p)
		}
	}
}
