package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
	"carpool/internal/storetest"
)

// openStore returns a migrated SQLite store in a fresh file of the test's temp dir: a
// copy of one migrated once per test binary (TestMigrate tests the migrating).
func openStore(tb testing.TB) *sqlite.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(tb))
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

// TestOpenNamesTheCause: a path that cannot hold the database says why, instead of
// SQLite's "unable to open database file (14)".
func TestOpenNamesTheCause(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, path, want string }{
		{"missing directory", filepath.Join(dir, "missing", "carpool.db"), "does not exist"},
		{"parent is a file", filepath.Join(file, "carpool.db"), "is not a directory"},
		{"path is a directory", dir, "is a directory"},
	}
	// Permissions do not bind root, under which CI containers may run.
	if os.Geteuid() != 0 {
		locked := filepath.Join(dir, "locked")
		if err := os.Mkdir(locked, 0o500); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct{ name, path, want string }{"read-only directory", filepath.Join(locked, "carpool.db"), "no permission"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sqlite.Open(context.Background(), tc.path)
			if err == nil {
				db.Close()
				t.Fatalf("got no error, want one saying %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "(14)") {
				t.Fatalf("got %q, want it to say %q", err, tc.want)
			}
		})
	}
}
