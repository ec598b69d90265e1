// Package sqlstore implements carpool.Store once, over database/sql, for every SQL engine
// carpool runs on. The SQL is hand-written in the subset SQLite and PostgreSQL share; what
// differs (row locks, error codes, retryable failures) sits behind Dialect.
//
// Each exported method is one transaction; the unexported helpers take the *sql.Tx so they
// compose. Seat decisions load a carpool.RideBook under the ride's lock, let the domain
// decide, and write back what it changed together with its outbox events.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"carpool/internal/carpool"
)

// Tables lists every table of the schema, parents before children: the order in which a
// backup must restore them (and the reverse of the order to empty them in). The migration
// bookkeeping table of goose is not data and is not listed.
var Tables = []string{
	"members",
	"tokens",
	"sites",
	"cars",
	"reservations",
	"rides",
	"bookings",
	"outbox_events",
	"idempotency_keys",
	"audit_log",
	"places",
	"ride_series",
	"series_occurrences",
	"series_subscriptions",
	"relay_cursor",
	"notifications",
	"deliveries",
	"email_preferences",
	"webhooks",
	"reminders",
	"calendar_tokens",
	"account_links",
	"partners",
	"parking_spaces",
	"parking_claims",
	"ride_messages",
	"ride_message_notices",
	"ride_home_requests",
	"ride_check_ins",
	"proof_records",
	"driver_no_shows",
}

// maxAttempts bounds how often a transaction is run when the engine reports a failure
// that a rerun may cure (Dialect.Retryable).
const maxAttempts = 6

// Store is carpool.Store over a database/sql pool.
type Store struct {
	db       *sql.DB
	readDB   *sql.DB
	prepared *preparedReads // nil unless WithPreparedReads
	dialect  Dialect
	now      func() time.Time
	// planner names this store's process as the holder of the relay's planning lease.
	planner string
	// betweenSearchReads runs between a search's ranking and its reading of the page's
	// rides; only tests set it, to change a ride in between.
	betweenSearchReads func()
}

var _ carpool.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithClock replaces the wall clock, so tests can put rides in the past.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithReadDB sends read-only queries to a separate pool (SQLite uses it to let reads run
// beside its single writing connection). Reads see every committed write.
func WithReadDB(db *sql.DB) Option {
	return func(s *Store) { s.readDB = db }
}

// WithPreparedReads makes single-statement reads reuse prepared statements, for an
// engine whose driver does not cache them itself (SQLite). Apply it after WithReadDB.
func WithPreparedReads() Option {
	return func(s *Store) { s.prepared = newPreparedReads(s.readDB) }
}

// New returns a Store over db, whose schema must be migrated to the shared table layout.
func New(db *sql.DB, d Dialect, opts ...Option) *Store {
	s := &Store{db: db, readDB: db, dialect: d, now: time.Now, planner: carpool.NewID()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// DB returns the pool that writes, for raw SQL in tests, backups and migrations.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the engine's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close closes the pools.
func (s *Store) Close() error {
	if s.prepared != nil {
		s.prepared.close()
	}
	var err error
	if s.readDB != s.db {
		err = s.readDB.Close()
	}
	return errors.Join(err, s.db.Close())
}

// withTx runs fn in a write transaction, with now captured once from the clock, and
// commits. A failure the dialect calls retryable reruns the whole transaction (fn must
// therefore not keep state between runs), after a jittered pause that grows with each
// attempt; any other error rolls back and is returned.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	if h := s.held(ctx); h != nil {
		return h.run(ctx, fn)
	}
	return s.retrying(ctx, func() error { return s.runTx(ctx, fn) })
}

// execAlone runs one write statement as its own transaction, which the engine commits:
// one round trip where withTx takes three. It is rerun like a transaction.
// Under a held commit (HoldCommit) it runs in the request's transaction instead.
func (s *Store) execAlone(ctx context.Context, q string, args ...any) (sql.Result, error) {
	var res sql.Result
	if h := s.held(ctx); h != nil {
		err := h.run(ctx, func(tx *sql.Tx, _ time.Time) (err error) {
			res, err = tx.ExecContext(ctx, q, args...)
			return err
		})
		return res, err
	}
	err := s.retrying(ctx, func() (err error) {
		res, err = s.db.ExecContext(ctx, q, args...)
		return err
	})
	return res, err
}

// retrying runs run until it succeeds, fails in a way the dialect does not call
// retryable, or has run maxAttempts times.
func (s *Store) retrying(ctx context.Context, run func() error) error {
	for attempt := 1; ; attempt++ {
		err := run()
		if err == nil || attempt == maxAttempts || !s.dialect.Retryable(err) {
			return err
		}
		pause := time.Duration(attempt*attempt)*5*time.Millisecond + rand.N(10*time.Millisecond)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (retrying after: %v)", ctx.Err(), err)
		case <-time.After(pause):
		}
	}
}

func (s *Store) runTx(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	now := carpool.Timestamp(s.now())
	if err := fenceIdempotencyKey(ctx, tx, now); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := fn(tx, now); err != nil {
		_ = tx.Rollback() // the error that made us roll back is the one worth reporting
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer; read helpers accept either.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// read returns the pool for single-statement reads, which are transactions of their own.
func (s *Store) read() queryer {
	if s.prepared != nil {
		return s.prepared
	}
	return s.readDB
}

// constraint translates a driver error. When the engine cannot name the violated
// constraint and the resulting domain error has the code code, field names the input the
// caller was writing, so the user learns which value to change.
func (s *Store) constraint(err error, code, field string) error {
	err = s.dialect.Translate(err)
	var e *carpool.Error
	if errors.As(err, &e) && e.Field == "" && e.Code == code && field != "" {
		return e.WithField(field)
	}
	return err
}

// notFound turns sql.ErrNoRows into ENOTFOUND naming what was looked for.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return carpool.Errorf(carpool.ENOTFOUND, "%s not found", what)
	}
	return err
}

// lockMember takes the member's row lock where the engine has one, so that counting what
// the member holds (for the fair-use limits) and adding to it happen one request at a
// time across every replica.
func (s *Store) lockMember(ctx context.Context, tx *sql.Tx, id string) error {
	var got string
	err := tx.QueryRowContext(ctx, `SELECT id FROM members WHERE id = $1`+s.dialect.ForUpdate(), id).Scan(&got)
	return notFound(err, "member")
}

// knownID refuses, as not found, an id that no row can have (carpool.ValidID), before it
// reaches SQL: PostgreSQL cannot even compare text holding a NUL byte or invalid UTF-8,
// and both engines must answer such a request alike.
func knownID(id, what string) error {
	if !carpool.ValidID(id) {
		return carpool.Errorf(carpool.ENOTFOUND, "%s not found", what)
	}
	return nil
}

// knownIDs reports whether every non-empty id of a filter could name a row; a filter on
// an id that cannot exist selects nothing.
func knownIDs(ids ...string) bool {
	for _, id := range ids {
		if id != "" && !carpool.ValidID(id) {
			return false
		}
	}
	return true
}
