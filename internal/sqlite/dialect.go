package sqlite

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"carpool/internal/carpool"
)

// dialect tells internal/sqlstore how SQLite differs from PostgreSQL.
type dialect struct{}

func (dialect) Name() string { return "sqlite" }

// ForUpdate is empty: SQLite has no row locks. Every write transaction starts with BEGIN
// IMMEDIATE (the _txlock DSN option) and the store has one writing connection, so a
// transaction that reads a ride or a car already excludes every other writer.
func (dialect) ForUpdate() string { return "" }

// Translate turns constraint violations into domain errors by SQLite's extended result
// code. SQLite does not name the violated constraint in a code, so the store adds the
// field it was writing.
func (dialect) Translate(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return carpool.Errorf(carpool.ECONFLICT, "the value is already taken")
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		// Values are validated before they reach the database, so a CHECK or a
		// trigger that fires means the stored state forbids the write: a full
		// ride, an overlapping reservation.
		return carpool.Errorf(carpool.ECONFLICT, "the change conflicts with the current state")
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return carpool.Errorf(carpool.EINVALID, "a referenced record does not exist")
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return carpool.Errorf(carpool.EINVALID, "a required value is missing")
	}
	return err
}

// Retryable reports a lock held by another connection or process past the busy
// timeout: the whole transaction may succeed when run again.
func (dialect) Retryable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}

// EpochSeconds converts with julianday, which reads the text form the driver stores
// times in.
func (dialect) EpochSeconds(expr string) string {
	return "((julianday(" + expr + ") - 2440587.5) * 86400.0)"
}
