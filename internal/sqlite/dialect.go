package sqlite

import (
	"encoding/json"
	"errors"
	"time"

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

// EndsIndex joins rides to rides_ends_rtree (migration 00011), read first: the R*Tree
// hands over the open rides whose ends and departure minute fall in the boxes, and each is
// looked up by id. Times are minutes since 1970, as the triggers store them.
func (dialect) EndsIndex(from, to *carpool.Box, after, before time.Time, arg func(any) string) (string, []string) {
	const t = "rides_ends_rtree"
	// A minute of slack on each side, so that a ride leaving on the window's edge is
	// never lost to rounding; the exact depart_at conditions still decide.
	conds := []string{
		t + ".depart_max >= " + arg(minutes(after)-1),
		t + ".depart_min <= " + arg(minutes(before)+1),
	}
	for _, end := range []struct {
		prefix string
		box    *carpool.Box
	}{{"from", from}, {"to", to}} {
		if end.box == nil {
			continue
		}
		p := t + "." + end.prefix
		conds = append(conds,
			p+"_lat_max >= "+arg(end.box.MinLat), p+"_lat_min <= "+arg(end.box.MaxLat),
			p+"_lon_max >= "+arg(end.box.MinLon), p+"_lon_min <= "+arg(end.box.MaxLon))
	}
	// CROSS JOIN keeps SQLite from reading rides first. INDEXED BY the primary key's
	// index (rides.id, the table's first unique constraint) keeps the planner from
	// weighing the other indexes of rides against the window's bounds: once ANALYZE has
	// sampled them (sqlite_stat4) that weighing ties the plan to the bound values, and
	// SQLite then prepares the statement anew for every search, which cost a quarter
	// of a search's CPU over HTTP.
	return t + " CROSS JOIN rides INDEXED BY sqlite_autoindex_rides_1 ON rides.id = " + t + ".ride_id", conds
}

// minutes is t in minutes since 1970, the R*Tree's time axis. A 32-bit float holds it to
// within two minutes, and the R*Tree rounds outwards, so a window loses no ride.
func minutes(t time.Time) float64 {
	return float64(t.UnixNano()) / float64(time.Minute)
}

// InList reads the values from one JSON array parameter. Besides one text for every
// list, it keeps the plan off the values: with ANALYZE's samples (sqlite_stat4) SQLite
// plans "id IN ($1, $2, …)" by the bound ids and prepares the statement again whenever
// they change, which a profile of the HTTP search showed as a tenth of its CPU.
func (dialect) InList(values []string, arg func(any) string) string {
	list, _ := json.Marshal(values) // a []string always encodes
	return "IN (SELECT value FROM json_each(" + arg(string(list)) + "))"
}
