package sqlstore

import (
	"time"

	"carpool/internal/carpool"
)

// Dialect is what the shared SQL needs to know about the engine under it. The SQL itself
// is written once, in the subset SQLite and PostgreSQL both speak ($1 placeholders,
// ON CONFLICT DO NOTHING, LIMIT, partial indexes); everything that differs is here.
// internal/sqlite and internal/postgres each implement it.
//
// Translate and Retryable look at driver error codes (SQLite extended result codes,
// PostgreSQL SQLSTATE), never at message text.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string

	// ForUpdate is appended to the SELECT that reads a row a transaction is about to
	// change (a ride with its bookings, a car being reserved, a site being updated):
	// " FOR NO KEY UPDATE" on PostgreSQL, the row lock that serialises concurrent
	// writers of that row without blocking inserts that only reference it (a new
	// booking's foreign key to its ride); "" on SQLite, whose write transactions are
	// already serialised (BEGIN IMMEDIATE).
	ForUpdate() string

	// Translate turns a constraint violation into a *carpool.Error and returns any
	// other error unchanged (so Retryable still sees it):
	//   unique violation (23505; SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY)  -> ECONFLICT
	//   exclusion violation (23P01)                                    -> ECONFLICT
	//   check violation (23514; SQLITE_CONSTRAINT_CHECK), or a guard
	//     trigger refusing the row (SQLITE_CONSTRAINT_TRIGGER)           -> ECONFLICT
	//     (inputs are validated before they reach the database, so a
	//     CHECK that fires means the state forbids the write: a full ride)
	//   foreign key violation (23503; SQLITE_CONSTRAINT_FOREIGNKEY)    -> EINVALID
	//   not-null violation (23502; SQLITE_CONSTRAINT_NOTNULL)          -> EINVALID
	// The message must be safe to show a user. Field may be left empty: the store
	// fills in the field it was writing when the engine cannot name the constraint.
	// An engine that knows the constraint name (PostgreSQL) may set Field itself,
	// e.g. "email" for members_email_key, "plate" for cars_plate_key.
	Translate(err error) error

	// Retryable reports an error after which the whole transaction may succeed when
	// run again from the start: serialization failure (40001) and deadlock (40P01) on
	// PostgreSQL, SQLITE_BUSY / SQLITE_LOCKED on SQLite. The store retries such a
	// transaction a bounded number of times with jittered backoff.
	Retryable(err error) bool

	// EpochSeconds returns an SQL expression for the seconds since 1970 (a double) of
	// the timestamp expression expr, so reports can add up durations in SQL.
	EpochSeconds(expr string) string

	// EndsIndex lets the engine's spatial index pre-select rides for an end-point search:
	// rides departing from within from, arriving within to (either may be nil: no
	// condition on that end) and leaving between after and before. It returns what the
	// query reads FROM (the rides table, or rides joined to an index the engine keeps) and
	// conditions to add; arg adds a parameter and returns its placeholder. The answer may
	// hold more rides than the boxes do (indexes round outwards), never fewer: the search
	// keeps its exact conditions, so both engines return the same rides.
	EndsIndex(from, to *carpool.Box, after, before time.Time, arg func(any) string) (table string, conds []string)

	// InList returns the right-hand side of "col IN the values", the values passed as one
	// parameter added with arg, so a query's text does not depend on how many values it
	// is given: prepared once, it serves every list, and no engine limit on parameters
	// applies. The values are never empty.
	InList(values []string, arg func(any) string) string
}
