// Package sqlitetest gives tests a migrated SQLite database file of their own without
// running the migrations for each test: applying them takes seconds under the race
// detector (the SQLite engine is Go code, so every memory access of it is checked),
// while copying a migrated file takes a millisecond. The schema is the one
// sqlite.Migrate makes; the migrations themselves are tested in package sqlite.
package sqlitetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"carpool/internal/sqlite"
)

// MigratedPath writes a fully migrated, empty database to a file in tb's temporary
// directory and returns its path, for sqlite.Open.
func MigratedPath(tb testing.TB) string {
	tb.Helper()
	image, err := migratedImage()
	if err != nil {
		tb.Fatalf("migrated SQLite database: %v", err)
	}
	path := filepath.Join(tb.TempDir(), "carpool.db")
	if err := os.WriteFile(path, image, 0o600); err != nil {
		tb.Fatalf("write migrated SQLite database: %v", err)
	}
	return path
}

// migratedImage migrates a database once per test binary and keeps its bytes; the file
// itself is removed at once, so nothing is left behind when the tests end.
var migratedImage = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "carpool-sqlitetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "carpool.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Everything goes into the main file, so that file alone is the whole database.
	if _, err := db.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})
