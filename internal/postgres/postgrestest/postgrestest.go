// Package postgrestest gives tests a migrated PostgreSQL database of their own, copied
// from a template that is migrated once per test binary: applying every migration to
// each test's database costs far more than PostgreSQL's copy of a template. The schema
// is the one postgres.Migrate makes; the migrations themselves are tested in package
// postgres. A test package using it runs pgtest.Main from its TestMain.
package postgrestest

import (
	"context"
	"testing"

	"carpool/internal/pgtest"
	"carpool/internal/postgres"
)

// MigratedDatabase returns the URL of a fresh, fully migrated, empty database on the
// shared test server, dropped when the test ends.
func MigratedDatabase(tb testing.TB) string {
	tb.Helper()
	return pgtest.Shared(tb).NewDatabaseFrom(tb, "postgrestest_migrated", migrate)
}

func migrate(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(ctx)
	return err
}
