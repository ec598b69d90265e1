// Package sqlite is the embedded storage engine: carpool's Store on one SQLite file,
// through the pure-Go modernc.org/sqlite driver (so the binary stays CGO-free). The SQL
// itself lives in internal/sqlstore, shared with the PostgreSQL engine; this package
// opens the file the way SQLite wants to be used by a server and owns its migrations.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"carpool/internal/sqlstore"
)

// BusyTimeout is how long a connection waits for a lock another process holds (a
// concurrent `carpool migrate`, a backup) before its transaction fails and is retried.
const BusyTimeout = 5 * time.Second

// readConns is the size of the pool that serves reads. WAL lets readers run alongside
// the single writer; more than a few gains nothing on the small machines SQLite is for.
const readConns = 4

// DB is an open SQLite database: a carpool.Store (through the embedded *sqlstore.Store)
// plus what the CLI and tests need beside it.
type DB struct {
	*sqlstore.Store
	write *sql.DB
	read  *sql.DB
}

// Option changes how Open sets up the store.
type Option func(*config)

type config struct {
	store []sqlstore.Option
}

// WithStoreOptions passes options (a test clock, say) to the shared store.
func WithStoreOptions(opts ...sqlstore.Option) Option {
	return func(c *config) { c.store = append(c.store, opts...) }
}

// Open opens (creating if needed) the SQLite database file at path. It does not apply
// migrations (call Migrate for that, as `carpool serve` and `carpool migrate` do), but it
// refuses a database whose schema is newer than this binary.
//
// Writes go through one connection whose transactions begin IMMEDIATE, so writers queue
// in Go instead of failing with SQLITE_BUSY, and a read-then-write transaction can never
// be overtaken by another writer; reads use a separate small pool of query-only
// connections that WAL lets run during a write.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if path == "" || strings.ContainsAny(path, "?#") || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open sqlite: path %q must be a plain file path", path)
	}
	if err := checkPath(path); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write, err := openPool(ctx, path, 1, false)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := openPool(ctx, path, readConns, true)
	if err != nil {
		write.Close()
		return nil, err
	}
	storeOpts := append([]sqlstore.Option{sqlstore.WithReadDB(read), sqlstore.WithPreparedReads()}, cfg.store...)
	return &DB{Store: sqlstore.New(write, dialect{}, storeOpts...), write: write, read: read}, nil
}

// checkPath names the cause when the database file cannot be opened for writing, which
// SQLite reports only as "unable to open database file (14)": the directory is missing or
// not a directory, the file is a directory, or the process may not write there (SQLite
// also creates its -wal and -shm files beside the database).
func checkPath(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist: create it or choose another path", dir)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("no permission to reach directory %s", dir)
	case err != nil:
		return fmt.Errorf("directory %s: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory, not a database file", path)
	}
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
	} else if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("no permission to write the database file %s", path)
	}
	probe, err := os.CreateTemp(dir, ".carpool-write-check-*")
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("no permission to create files in directory %s (the database and its -wal and -shm files live there)", dir)
		}
		return fmt.Errorf("directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

func openPool(ctx context.Context, path string, conns int, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)") // durable in WAL mode except for the last commits on power loss
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		// Reads map the file instead of copying each page through a read(2) into a
		// small per-connection cache: a ride search over 100k rides spent a fifth of
		// its CPU there. Only pages a query touches become resident, and they are the
		// kernel's page cache, shared by the connections; writes keep the plain path.
		q.Add("_pragma", "mmap_size(268435456)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	if !readOnly {
		q.Set("_txlock", "immediate")
	}
	// One fixed text format for every time written: with all times in UTC, text order is
	// time order, which the SQL's comparisons rely on.
	q.Set("_time_format", "sqlite")
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := pingWhileBusy(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// pingWhileBusy opens the first connection, which runs the pragmas. Switching a new
// database to WAL takes a lock that SQLite does not wait for with the busy timeout, so
// processes opening the same new file at once may be told SQLITE_BUSY: they try again,
// for as long as the busy timeout would have waited.
func pingWhileBusy(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(BusyTimeout)
	for {
		err := db.PingContext(ctx)
		if err == nil || !(dialect{}).Retryable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10*time.Millisecond + rand.N(20*time.Millisecond)):
		}
	}
}

// DB returns the writing connection pool, for migrations, backups and tests that need
// raw SQL.
func (db *DB) DB() *sql.DB { return db.write }

// ReadDB returns the query-only pool that serves reads, for its pool metrics.
func (db *DB) ReadDB() *sql.DB { return db.read }

// Migrate applies the embedded migrations and returns the schema version.
func (db *DB) Migrate(ctx context.Context) (int64, error) { return Migrate(ctx, db.write) }

// Close closes both connection pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}
