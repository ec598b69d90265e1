package backup_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"carpool/internal/backup"
	"carpool/internal/backup/backuptest"
	"carpool/internal/pgtest"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
	"carpool/internal/sqlite"
	"carpool/internal/sqlstore"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	for _, dir := range []string{fixture.dir, migrated.dir} {
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// fixtureBookings is the size of the generated fixtures: the 100,000 bookings the round
// trip and memory tests promise, or a fiftieth under the race detector (see raceEnabled),
// which keeps the race run to seconds; scripts/checks/50-backup.sh runs the full size.
func fixtureBookings() int {
	if raceEnabled {
		return 2_000
	}
	return 100_000
}

// restoreRides is how many rides the restore tests generate: enough that every table
// spans many rows, or a third of them under the race detector, where the pure-Go SQLite
// is some fiftyfold slower and each of these tests restores its archive several times.
// What they check (a refusal, a replacement, a rebuilt index) does not rest on the count.
func restoreRides() int {
	if raceEnabled {
		return 100
	}
	return 300
}

// fixture is one generated SQLite database of fixtureBookings bookings, made once per
// test binary; tests copy its file rather than generate their own.
var fixture struct {
	once sync.Once
	dir  string
	path string
	rows map[string]int64
	err  error
}

// mustOpenFixture opens a copy of the generated SQLite database and returns it with its
// row counts per table.
func mustOpenFixture(tb testing.TB) (*sqlite.DB, map[string]int64) {
	tb.Helper()
	if raceEnabled {
		tb.Logf("race detector on: the SQLite fixture has %d bookings; scripts/checks/50-backup.sh runs this test with 100,000 and no detector", fixtureBookings())
	}
	fixture.once.Do(func() {
		if fixture.dir, fixture.err = os.MkdirTemp("", "carpool-backup-fixture-"); fixture.err != nil {
			return
		}
		fixture.path = filepath.Join(fixture.dir, "fixture.db")
		ctx := context.Background()
		db, err := sqlite.Open(ctx, fixture.path)
		if err != nil {
			fixture.err = err
			return
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			fixture.err = err
			return
		}
		start := time.Now()
		fixture.rows, fixture.err = backuptest.Generate(ctx, db.DB(), backuptest.ForBookings(fixtureBookings()))
		tb.Logf("generated the %d-booking SQLite fixture in %s", fixtureBookings(), time.Since(start).Round(time.Millisecond))
	})
	if fixture.err != nil {
		tb.Fatalf("fixture: %v", fixture.err)
	}
	path := filepath.Join(tb.TempDir(), "carpool.db")
	copyFile(tb, fixture.path, path)
	return mustOpenSQLiteAt(tb, path), fixture.rows
}

// database is what the tests need of an engine.
type database interface {
	backup.Database
	Migrate(ctx context.Context) (int64, error)
	Close() error
}

// engines opens fresh, migrated databases of each engine.
var engines = []struct {
	name string
	open func(tb testing.TB) database
}{
	{"sqlite", func(tb testing.TB) database { return mustOpenSQLite(tb) }},
	{"postgres", func(tb testing.TB) database { return mustOpenPostgres(tb) }},
}

// mustOpenSQLite opens a fresh, migrated SQLite database in the test's directory: a copy
// of one migrated once per test binary.
func mustOpenSQLite(tb testing.TB) *sqlite.DB {
	tb.Helper()
	migrated.once.Do(func() {
		if migrated.dir, migrated.err = os.MkdirTemp("", "carpool-backup-migrated-"); migrated.err != nil {
			return
		}
		migrated.path = filepath.Join(migrated.dir, "migrated.db")
		ctx := context.Background()
		db, err := sqlite.Open(ctx, migrated.path)
		if err != nil {
			migrated.err = err
			return
		}
		defer db.Close()
		_, migrated.err = db.Migrate(ctx)
	})
	if migrated.err != nil {
		tb.Fatalf("migrated SQLite template: %v", migrated.err)
	}
	path := filepath.Join(tb.TempDir(), "carpool.db")
	copyFile(tb, migrated.path, path)
	return mustOpenSQLiteAt(tb, path)
}

// migrated is an empty, migrated SQLite database file that tests copy.
var migrated struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// copyFile copies a closed SQLite database (its WAL checkpointed into the file).
func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		tb.Fatalf("copy database: %v", err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		tb.Fatalf("copy database: %v", err)
	}
}

// mustOpenSQLiteAt opens (and migrates) the SQLite database at path, closed when the
// test ends.
func mustOpenSQLiteAt(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// mustOpenPostgres opens a fresh, migrated PostgreSQL database of the test's own.
func mustOpenPostgres(tb testing.TB) *postgres.DB {
	tb.Helper()
	ctx := context.Background()
	url := postgrestest.MigratedDatabase(tb)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// mustGenerate fills db with generated data of size s.
func mustGenerate(tb testing.TB, db backup.Database, s backuptest.Size) map[string]int64 {
	tb.Helper()
	start := time.Now()
	counts, err := backuptest.Generate(context.Background(), db.DB(), s)
	if err != nil {
		tb.Fatalf("generate: %v", err)
	}
	tb.Logf("generated %d bookings in %s on %s", counts["bookings"], time.Since(start).Round(time.Millisecond), db.Dialect().Name())
	return counts
}

// digests returns every table's row count and content digest.
func digests(tb testing.TB, db backup.Database) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, table := range sqlstore.Tables {
		n, sum, err := backuptest.Digest(context.Background(), db.DB(), table)
		if err != nil {
			tb.Fatalf("digest: %v", err)
		}
		out[table] = sum + " rows=" + strconv.FormatInt(n, 10)
	}
	return out
}

// mustBackup writes a backup of db into memory.
func mustBackup(tb testing.TB, db backup.Database) ([]byte, *backup.Manifest) {
	tb.Helper()
	var buf bytes.Buffer
	m, err := backup.Write(context.Background(), &buf, db, backup.Options{})
	if err != nil {
		tb.Fatalf("backup: %v", err)
	}
	return buf.Bytes(), m
}

// mustRestore restores an archive into db.
func mustRestore(tb testing.TB, archive []byte, db backup.Database) *backup.Manifest {
	tb.Helper()
	m, err := backup.Restore(context.Background(), bytes.NewReader(archive), db, backup.RestoreOptions{})
	if err != nil {
		tb.Fatalf("restore: %v", err)
	}
	return m
}

// assertSameData fails unless both databases hold the same rows in every table.
func assertSameData(tb testing.TB, got, want map[string]string) {
	tb.Helper()
	for _, table := range sqlstore.Tables {
		if got[table] != want[table] {
			tb.Errorf("table %s: got %s, want %s", table, got[table], want[table])
		}
	}
}

// assertSameTables fails unless two manifests describe the same table contents.
func assertSameTables(tb testing.TB, got, want *backup.Manifest) {
	tb.Helper()
	if !slices.Equal(got.Tables, want.Tables) {
		tb.Errorf("manifest tables: got %+v, want %+v", got.Tables, want.Tables)
	}
}
