package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/sqlite"
	"carpool/internal/storetest"
)

// openStore returns a migrated SQLite store in a fresh file of the test's temp dir.
func openStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "carpool.db"))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) carpool.Store { return openStore(t) })
}
