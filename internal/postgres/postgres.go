// Package postgres is the storage engine for many replicas: carpool's Store on one
// PostgreSQL database, through a pgx connection pool. The SQL itself lives in
// internal/sqlstore, shared with the SQLite engine; this package opens the pool, tells
// the shared SQL how PostgreSQL differs (dialect.go) and owns the PostgreSQL schema
// (migrations/), which enforces every integrity rule with constraints of its own.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"carpool/internal/sqlstore"
)

// Defaults of the pool; each has an Option.
const (
	DefaultMaxConns         = 10
	DefaultConnectTimeout   = 5 * time.Second
	DefaultStatementTimeout = 30 * time.Second
)

// DB is an open PostgreSQL database: a carpool.Store (through the embedded
// *sqlstore.Store) plus what the CLI, metrics and tests need beside it.
type DB struct {
	*sqlstore.Store
	pool *pgxpool.Pool
	db   *sql.DB
}

// Option changes how Open sets up the pool and the store.
type Option func(*config)

type config struct {
	maxConns         int32
	connectTimeout   time.Duration
	statementTimeout time.Duration
	store            []sqlstore.Option
}

// WithMaxConns sets the most connections the process opens (CARPOOL_DB_MAX_CONNS), at
// least 2. Replicas × MaxConns must stay below the server's max_connections.
func WithMaxConns(n int) Option { return func(c *config) { c.maxConns = int32(n) } }

// WithConnectTimeout bounds establishing one connection (CARPOOL_DB_CONNECT_TIMEOUT).
func WithConnectTimeout(d time.Duration) Option { return func(c *config) { c.connectTimeout = d } }

// WithStatementTimeout makes the server cancel any statement running longer, so a
// stuck query cannot hold a connection (and the row locks it took) forever. 0 turns the
// limit off.
func WithStatementTimeout(d time.Duration) Option {
	return func(c *config) { c.statementTimeout = d }
}

// WithStoreOptions passes options (a test clock, say) to the shared store.
func WithStoreOptions(opts ...sqlstore.Option) Option {
	return func(c *config) { c.store = append(c.store, opts...) }
}

// Open connects to the database at url (postgres://user:pass@host:port/db?sslmode=...).
// It does not apply migrations (call Migrate for that, as `carpool serve` and `carpool
// migrate` do), but it refuses a database whose schema is newer than this binary.
//
// Settings in the URL (pool_max_conns, connect_timeout, ...) are honoured; options
// given here win over them.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	cfg := config{
		maxConns:         DefaultMaxConns,
		connectTimeout:   DefaultConnectTimeout,
		statementTimeout: DefaultStatementTimeout,
	}
	for _, o := range opts {
		o(&cfg)
	}
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included: keep it out of logs.
		return nil, errors.New("open postgres: the database URL cannot be parsed")
	}
	if cfg.maxConns > 0 {
		pc.MaxConns = cfg.maxConns
	}
	// Migrations hold their lock on one connection while they work through another.
	pc.MaxConns = max(pc.MaxConns, 2)
	if cfg.connectTimeout > 0 {
		pc.ConnConfig.ConnectTimeout = cfg.connectTimeout
	}
	if pc.ConnConfig.RuntimeParams == nil {
		pc.ConnConfig.RuntimeParams = map[string]string{}
	}
	pc.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.statementTimeout.Milliseconds(), 10)
	// A transaction left open by a crashed request must not hold its row locks for long.
	pc.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "60000"
	if _, ok := pc.ConnConfig.RuntimeParams["application_name"]; !ok {
		pc.ConnConfig.RuntimeParams["application_name"] = "carpool"
	}
	pc.ConnConfig.RuntimeParams["timezone"] = "UTC"
	// A connection that sat idle is pinged before use (pgxpool's default); bounding the
	// ping keeps a request from waiting long on a server that went away, and the dead
	// connection is replaced, so the pool recovers by itself when the server is back.
	pc.PingTimeout = cfg.connectTimeout
	pc.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		// Times come back in UTC, as the domain keeps them, whatever the process's zone.
		c.TypeMap().RegisterType(&pgtype.Type{
			Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		return nil
	}

	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := checkVersion(ctx, db); err != nil {
		db.Close()
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &DB{Store: sqlstore.New(db, dialect{}, cfg.store...), pool: pool, db: db}, nil
}

// DB returns the database/sql handle over the pool, for migrations, backups and tests
// that need raw SQL.
func (db *DB) DB() *sql.DB { return db.db }

// Stats returns the pool's counters (connections in use, idle, waits) for metrics.
func (db *DB) Stats() *pgxpool.Stat { return db.pool.Stat() }

// Migrate applies the embedded migrations and returns the schema version. It runs them
// on connections of its own without the statement timeout, so that a long index build
// of a future migration is not cut off where a request would be.
func (db *DB) Migrate(ctx context.Context) (int64, error) {
	pc := db.pool.Config()
	pc.ConnConfig.RuntimeParams["statement_timeout"] = "0"
	pc.MaxConns = 2 // one holds the migration lock, one migrates
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer pool.Close()
	mdb := stdlib.OpenDBFromPool(pool)
	defer mdb.Close()
	return Migrate(ctx, mdb)
}

// Close waits for connections in use to be returned, then closes the pool.
func (db *DB) Close() error {
	err := db.Store.Close()
	db.pool.Close()
	return err
}
