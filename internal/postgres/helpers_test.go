package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"carpool/internal/pgtest"
	"carpool/internal/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// mustOpen opens a fresh, migrated database of the test's own.
func mustOpen(tb testing.TB, opts ...postgres.Option) *postgres.DB {
	tb.Helper()
	db := mustOpenEmpty(tb, pgtest.NewDatabase(tb), opts...)
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// mustOpenEmpty opens the database at url as it is, closed when the test ends.
func mustOpenEmpty(tb testing.TB, url string, opts ...postgres.Option) *postgres.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.Open(ctx, url, opts...)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}
