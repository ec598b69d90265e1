// Package backup writes and restores portable logical backups of a carpool database: every
// table of internal/sqlstore.Tables, read in one snapshot, streamed as gzip'd JSON lines
// in an engine-neutral, versioned format (format.go, docs/backup.md), so a backup of
// either engine restores into either engine. Memory stays bounded: rows flow from the
// database to the writer one at a time, and a restore inserts them in small batches.
package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"carpool/internal/sqlstore"
)

// Database is an open carpool database, as sqlite.DB and postgres.DB are.
type Database interface {
	// DB returns the pool that writes (restores go through it; so do SQLite backups,
	// whose read transaction lets writers of other connections carry on).
	DB() *sql.DB
	// Dialect names the engine.
	Dialect() sqlstore.Dialect
}

// Options tune a backup.
type Options struct {
	// Now is the clock for the header's created_at; nil means time.Now.
	Now func() time.Time
	// InSnapshot, when set, runs inside the snapshot transaction after every table was
	// read, with what was written so far. Tests use it to count rows in the very
	// snapshot the backup saw.
	InSnapshot func(ctx context.Context, tx *sql.Tx, m *Manifest) error
}

// keys orders each table's rows, so the same data always gives the same archive bytes
// and digests, whatever the engine or the physical row order.
var keys = map[string][]string{
	"members":              {"id"},
	"tokens":               {"id"},
	"sites":                {"id"},
	"cars":                 {"id"},
	"reservations":         {"id"},
	"rides":                {"id"},
	"bookings":             {"id"},
	"outbox_events":        {"seq"},
	"idempotency_keys":     {"scope", "idem_key"},
	"audit_log":            {"id"},
	"ride_series":          {"id"},
	"series_occurrences":   {"series_id", "on_date"},
	"series_subscriptions": {"id"},
	"places":               {"id"},

	"relay_cursor":      {"name"},
	"notifications":     {"id"},
	"deliveries":        {"id"},
	"email_preferences": {"member_id", "kind"},
	"webhooks":          {"id"},
	"reminders":         {"ride_id", "member_id"},
	"calendar_tokens":   {"member_id"},

	"account_links": {"id"},
	"partners":      {"id"},

	"parking_spaces":       {"id"},
	"parking_claims":       {"ride_id"},
	"ride_messages":        {"id"},
	"ride_message_notices": {"ride_id", "member_id"},
	"ride_home_requests":   {"id"},
	"ride_check_ins":       {"ride_id", "member_id"},
	"proof_records":        {"ride_id", "passenger_id"},
	"driver_no_shows":      {"booking_id"},
}

// Write streams a backup of db to w and returns its manifest. It reads every table in
// one read-only snapshot (PostgreSQL REPEATABLE READ; a SQLite read transaction), so a
// backup taken while others write is one point in time. On error, what was written to w
// is no valid archive (it lacks the manifest line).
func Write(ctx context.Context, w io.Writer, db Database, opts Options) (*Manifest, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	engine := db.Dialect().Name()
	tx, err := beginSnapshot(ctx, db.DB(), engine)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() // read-only: nothing to commit

	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		Format: FormatName, Version: FormatVersion, SchemaVersion: version, Engine: engine,
		CreatedAt: now().UTC().Truncate(time.Microsecond),
	}

	gz := gzip.NewWriter(w)
	out := bufio.NewWriterSize(gz, 64<<10)
	if err := writeJSONLine(out, m.header(sqlstore.Tables)); err != nil {
		return nil, err
	}
	for _, table := range sqlstore.Tables {
		sum, err := writeTable(ctx, out, tx, engine, table)
		if err != nil {
			return nil, fmt.Errorf("back up table %s: %w", table, err)
		}
		m.Tables = append(m.Tables, sum)
		m.Rows += sum.Rows
	}
	if opts.InSnapshot != nil {
		if err := opts.InSnapshot(ctx, tx, m); err != nil {
			return nil, err
		}
	}
	if err := writeJSONLine(out, trailer{Manifest: m}); err != nil {
		return nil, err
	}
	if err := out.Flush(); err != nil {
		return nil, fmt.Errorf("write backup: %w", err)
	}
	if err := gz.Close(); err != nil {
		return nil, fmt.Errorf("write backup: %w", err)
	}
	return m, nil
}

// beginSnapshot starts the read transaction all tables are read in.
func beginSnapshot(ctx context.Context, db *sql.DB, engine string) (*sql.Tx, error) {
	// ReadOnly makes the SQLite driver begin a deferred transaction (not the
	// IMMEDIATE one its writes use), which takes no write lock; its snapshot is fixed
	// by the first SELECT below.
	txo := &sql.TxOptions{ReadOnly: true}
	if engine == "postgres" {
		txo.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.BeginTx(ctx, txo)
	if err != nil {
		return nil, fmt.Errorf("begin backup snapshot: %w", err)
	}
	if engine == "postgres" {
		// A large table takes longer to stream than the pool's statement timeout, and a
		// slow destination may keep the session waiting between statements.
		for _, set := range []string{"SET LOCAL statement_timeout = 0", "SET LOCAL idle_in_transaction_session_timeout = 0"} {
			if _, err := tx.ExecContext(ctx, set); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("begin backup snapshot: %w", err)
			}
		}
	}
	return tx, nil
}

// schemaVersion reads the migration version goose recorded, inside tx so it belongs to
// the same snapshot as the data. goose deletes the row of a migration it rolls back, so
// the highest version is the current one.
func schemaVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT max(version_id) FROM goose_db_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version (is the database migrated?): %w", err)
	}
	if !v.Valid || v.Int64 == 0 {
		return 0, errors.New("read schema version: the database has no schema; run carpool migrate first")
	}
	return v.Int64, nil
}

// columns returns the columns of table with their kinds, in the database's order.
func columns(ctx context.Context, tx *sql.Tx, table string) ([]Column, error) {
	rows, err := tx.QueryContext(ctx, "SELECT * FROM "+table+" WHERE 1 = 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	cols := make([]Column, len(types))
	for i, t := range types {
		k, err := kindOf(strings.ToUpper(t.DatabaseTypeName()))
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", t.Name(), err)
		}
		cols[i] = Column{Name: t.Name(), Type: k}
	}
	return cols, rows.Err()
}

// orderBy returns the ORDER BY clause for table. Text keys sort bytewise on both engines
// (PostgreSQL's database collation might order them otherwise than SQLite).
func orderBy(table, engine string, cols []Column) (string, error) {
	key, ok := keys[table]
	if !ok {
		return "", fmt.Errorf("table %s has no key to order its rows by", table)
	}
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = k
		for _, c := range cols {
			if c.Name == k && c.Type == KindText && engine == "postgres" {
				parts[i] = k + ` COLLATE "C"`
			}
		}
	}
	return " ORDER BY " + strings.Join(parts, ", "), nil
}

// writeTable streams one table's lines and returns its summary.
func writeTable(ctx context.Context, out *bufio.Writer, tx *sql.Tx, engine, table string) (TableSummary, error) {
	sum := TableSummary{Name: table}
	cols, err := columns(ctx, tx, table)
	if err != nil {
		return sum, err
	}
	order, err := orderBy(table, engine, cols)
	if err != nil {
		return sum, err
	}
	if err := writeJSONLine(out, tableStart{Table: table, Columns: cols}); err != nil {
		return sum, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+table+order)
	if err != nil {
		return sum, err
	}
	defer rows.Close()

	values := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range values {
		dest[i] = &values[i]
	}
	h := sha256.New()
	var line []byte
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return sum, err
		}
		line = append(line[:0], '[')
		for i, c := range cols {
			if i > 0 {
				line = append(line, ',')
			}
			if line, err = appendValue(line, c.Type, values[i]); err != nil {
				return sum, fmt.Errorf("column %s: %w", c.Name, err)
			}
		}
		line = append(line, ']', '\n')
		h.Write(line)
		if _, err := out.Write(line); err != nil {
			return sum, err
		}
		sum.Rows++
	}
	if err := rows.Err(); err != nil {
		return sum, err
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, writeJSONLine(out, tableEnd{End: table, Rows: sum.Rows, SHA256: sum.SHA256})
}

func writeJSONLine(out *bufio.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	b = append(b, '\n')
	if _, err := out.Write(b); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	return nil
}
