package backup

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"

	"carpool/internal/sqlstore"
)

// Errors a restore reports; each leaves the target as it was.
var (
	// ErrCorrupt means the archive is truncated, damaged or not a carpool backup.
	ErrCorrupt = errors.New("backup archive is corrupt or truncated")
	// ErrSchemaMismatch means the archive was taken at another schema version than the
	// target's.
	ErrSchemaMismatch = errors.New("backup schema version differs from the database's")
	// ErrNotEmpty means the target holds data and Force was not given.
	ErrNotEmpty = errors.New("target database is not empty")
)

// RestoreOptions tune a restore.
type RestoreOptions struct {
	// Force replaces the target's data: its rows are deleted in the restoring
	// transaction, so a failed restore still leaves them in place.
	Force bool
}

// maxLine bounds one line of an archive, so a damaged archive cannot make a restore
// allocate without limit. The largest legitimate line is a row with an idempotency
// record's response body.
const maxLine = 32 << 20

// batchRows is how many rows one INSERT statement carries.
const batchRows = 100

// sequences names the columns whose values a database generates from a sequence, which
// must continue after the restored rows (PostgreSQL; SQLite's AUTOINCREMENT follows the
// largest value inserted by itself).
var sequences = map[string]string{"outbox_events": "seq"}

// Restore reads an archive from r into db in one transaction. It checks the format and
// the schema version before it writes, each table's row count and SHA-256 as it
// reaches the table's end, and the manifest and the gzip checksum at the end of the
// stream before it commits: any mismatch rolls everything back. The target must be
// empty unless opts.Force is set.
func Restore(ctx context.Context, r io.Reader, db Database, opts RestoreOptions) (*Manifest, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: not a gzip stream: %v", ErrCorrupt, err)
	}
	in := &lineReader{r: bufio.NewReaderSize(gz, 64<<10)}
	var h Header
	if err := in.expect(); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(in.line, &h); err != nil || h.Format != FormatName {
		return nil, fmt.Errorf("%w: the first line is no carpool backup header", ErrCorrupt)
	}
	if h.Version != FormatVersion {
		return nil, fmt.Errorf("backup format version %d is not supported by this carpool (it reads version %d)", h.Version, FormatVersion)
	}
	if !slices.Equal(h.Tables, sqlstore.Tables) {
		return nil, fmt.Errorf("%w: the backup holds tables %v, this carpool has %v", ErrSchemaMismatch, h.Tables, sqlstore.Tables)
	}

	engine := db.Dialect().Name()
	tx, err := db.DB().BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin restore: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	if engine == "postgres" {
		// Bulk inserts of a large table, and waits on a slow archive source, must not
		// trip the timeouts meant for requests.
		for _, set := range []string{"SET LOCAL statement_timeout = 0", "SET LOCAL idle_in_transaction_session_timeout = 0"} {
			if _, err := tx.ExecContext(ctx, set); err != nil {
				return nil, fmt.Errorf("begin restore: %w", err)
			}
		}
	}
	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return nil, err
	}
	if version != h.SchemaVersion {
		return nil, fmt.Errorf("%w: the backup is at schema version %d, the database at %d; restore with the carpool release that took the backup, then migrate", ErrSchemaMismatch, h.SchemaVersion, version)
	}
	if err := prepareTarget(ctx, tx, opts.Force); err != nil {
		return nil, err
	}

	m := &Manifest{Format: h.Format, Version: h.Version, SchemaVersion: h.SchemaVersion, Engine: h.Engine, CreatedAt: h.CreatedAt}
	for _, table := range sqlstore.Tables {
		sum, err := restoreTable(ctx, in, tx, engine, table)
		if err != nil {
			return nil, fmt.Errorf("restore table %s: %w", table, err)
		}
		m.Tables = append(m.Tables, sum)
		m.Rows += sum.Rows
	}
	if err := checkTrailer(in, m); err != nil {
		return nil, err
	}
	if engine == "postgres" {
		if err := resetSequences(ctx, tx); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit restore: %w", err)
	}
	return m, nil
}

// prepareTarget refuses a target with data, or with force deletes it (children first).
func prepareTarget(ctx context.Context, tx *sql.Tx, force bool) error {
	for _, table := range sqlstore.Tables {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM "+table+" LIMIT 1").Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check target is empty: %w", err)
		}
		if !force {
			return fmt.Errorf("%w: table %s has rows; restore into an empty database, or pass --force to replace its data", ErrNotEmpty, table)
		}
		break
	}
	if !force {
		return nil
	}
	for _, table := range slices.Backward(sqlstore.Tables) {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return fmt.Errorf("empty table %s: %w", table, err)
		}
	}
	return nil
}

// restoreTable reads one table's lines and inserts its rows.
func restoreTable(ctx context.Context, in *lineReader, tx *sql.Tx, engine, table string) (TableSummary, error) {
	sum := TableSummary{Name: table}
	if err := in.expect(); err != nil {
		return sum, err
	}
	var start tableStart
	if err := json.Unmarshal(in.line, &start); err != nil || start.Table != table {
		return sum, fmt.Errorf("%w: expected the start of table %s", ErrCorrupt, table)
	}
	want, err := columns(ctx, tx, table)
	if err != nil {
		return sum, err
	}
	if err := sameColumns(start.Columns, want); err != nil {
		return sum, err
	}
	ins := newInserter(tx, engine, table, start.Columns)
	defer ins.close()
	h := sha256.New()
	raw := make([]json.RawMessage, 0, len(start.Columns))
	row := make([]any, len(start.Columns))
	for {
		if err := in.expect(); err != nil {
			return sum, err
		}
		if len(in.line) == 0 || in.line[0] != '[' {
			break
		}
		h.Write(in.line)
		h.Write([]byte{'\n'})
		raw = raw[:0]
		if err := json.Unmarshal(in.line, &raw); err != nil || len(raw) != len(start.Columns) {
			return sum, fmt.Errorf("%w: row %d is malformed", ErrCorrupt, sum.Rows+1)
		}
		for i, c := range start.Columns {
			if row[i], err = decodeValue(c.Type, raw[i]); err != nil {
				return sum, fmt.Errorf("%w: row %d, column %s: %v", ErrCorrupt, sum.Rows+1, c.Name, err)
			}
		}
		if err := ins.add(ctx, row); err != nil {
			return sum, err
		}
		sum.Rows++
	}
	if err := ins.flush(ctx); err != nil {
		return sum, err
	}
	return sum, checkTableEnd(in.line, h, &sum)
}

func checkTableEnd(line []byte, h hash.Hash, sum *TableSummary) error {
	var end tableEnd
	if err := json.Unmarshal(line, &end); err != nil || end.End != sum.Name {
		return fmt.Errorf("%w: expected the end of table %s", ErrCorrupt, sum.Name)
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	if end.Rows != sum.Rows {
		return fmt.Errorf("%w: table %s should hold %d rows, the archive has %d", ErrCorrupt, sum.Name, end.Rows, sum.Rows)
	}
	if end.SHA256 != sum.SHA256 {
		return fmt.Errorf("%w: table %s fails its SHA-256 check", ErrCorrupt, sum.Name)
	}
	return nil
}

// checkTrailer compares the manifest line with what was read, and makes sure the stream
// ends right after it: only at its end does gzip verify its own checksum.
func checkTrailer(in *lineReader, got *Manifest) error {
	if err := in.expect(); err != nil {
		return err
	}
	var t trailer
	if err := json.Unmarshal(in.line, &t); err != nil || t.Manifest == nil {
		return fmt.Errorf("%w: the manifest line is missing", ErrCorrupt)
	}
	want := t.Manifest
	if want.SchemaVersion != got.SchemaVersion || want.Rows != got.Rows || !slices.Equal(want.Tables, got.Tables) {
		return fmt.Errorf("%w: the manifest does not match the tables read", ErrCorrupt)
	}
	switch err := in.next(); {
	case err == nil:
		return fmt.Errorf("%w: data follows the manifest", ErrCorrupt)
	case !errors.Is(err, io.EOF):
		return err
	}
	return nil
}

// sameColumns checks the archive's columns against the target table's, by name and
// kind; their order may differ.
func sameColumns(got, want []Column) error {
	if len(got) != len(want) {
		return fmt.Errorf("%w: the backup has %d columns, the database %d", ErrSchemaMismatch, len(got), len(want))
	}
	kinds := make(map[string]Kind, len(want))
	for _, c := range want {
		kinds[c.Name] = c.Type
	}
	for _, c := range got {
		k, ok := kinds[c.Name]
		if !ok {
			return fmt.Errorf("%w: the database has no column %s", ErrSchemaMismatch, c.Name)
		}
		if k != c.Type {
			return fmt.Errorf("%w: column %s is %s in the backup, %s in the database", ErrSchemaMismatch, c.Name, c.Type, k)
		}
	}
	return nil
}

// resetSequences makes PostgreSQL's generated values continue after the restored rows.
func resetSequences(ctx context.Context, tx *sql.Tx) error {
	for table, col := range sequences {
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE((SELECT max(%s) FROM %s), 0) + 1, false)", table, col, col, table)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("reset sequence of %s.%s: %w", table, col, err)
		}
	}
	return nil
}

// inserter writes rows in multi-row INSERTs of batchRows, reusing one prepared statement
// for full batches.
type inserter struct {
	tx       *sql.Tx
	table    string
	cols     []Column
	args     []any
	n        int
	full     *sql.Stmt
	prefix   string
	numbered bool // $1, $2, ... (PostgreSQL) rather than ? (SQLite)
}

func newInserter(tx *sql.Tx, engine, table string, cols []Column) *inserter {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return &inserter{
		tx: tx, table: table, cols: cols,
		// The SQLite driver resolves numbered parameters by searching their names, a
		// cost that grows with the square of a statement's parameters; plain ? binds
		// by position.
		numbered: engine != "sqlite",
		args:     make([]any, 0, batchRows*len(cols)),
		prefix:   "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES ",
	}
}

func (ins *inserter) add(ctx context.Context, row []any) error {
	ins.args = append(ins.args, row...)
	ins.n++
	if ins.n < batchRows {
		return nil
	}
	if ins.full == nil {
		st, err := ins.tx.PrepareContext(ctx, ins.query(batchRows))
		if err != nil {
			return fmt.Errorf("prepare insert: %w", err)
		}
		ins.full = st
	}
	if _, err := ins.full.ExecContext(ctx, ins.args...); err != nil {
		return fmt.Errorf("insert rows: %w", err)
	}
	ins.args, ins.n = ins.args[:0], 0
	return nil
}

func (ins *inserter) flush(ctx context.Context) error {
	if ins.n == 0 {
		return nil
	}
	if _, err := ins.tx.ExecContext(ctx, ins.query(ins.n), ins.args...); err != nil {
		return fmt.Errorf("insert rows: %w", err)
	}
	ins.args, ins.n = ins.args[:0], 0
	return nil
}

func (ins *inserter) query(rows int) string {
	var b strings.Builder
	b.WriteString(ins.prefix)
	p := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range ins.cols {
			if c > 0 {
				b.WriteString(", ")
			}
			if ins.numbered {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			} else {
				b.WriteByte('?')
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (ins *inserter) close() {
	if ins.full != nil {
		ins.full.Close()
	}
}

// lineReader reads an archive line by line with a bounded line length. Read errors of
// the gzip stream (truncation, a bad checksum) come back as ErrCorrupt.
type lineReader struct {
	r    *bufio.Reader
	buf  []byte
	line []byte // the current line without its newline; valid until the next call
}

// next reads the next line; io.EOF at a clean end of stream.
func (l *lineReader) next() error {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		l.buf = append(l.buf, chunk...)
		if len(l.buf) > maxLine {
			return fmt.Errorf("%w: a line is longer than %d bytes", ErrCorrupt, maxLine)
		}
		switch {
		case err == nil:
			l.line = bytes.TrimSuffix(l.buf, []byte{'\n'})
			return nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(l.buf) == 0:
			return io.EOF
		case errors.Is(err, io.EOF):
			return fmt.Errorf("%w: the archive ends in the middle of a line", ErrCorrupt)
		case isCorruption(err):
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		default:
			return fmt.Errorf("read backup: %w", err)
		}
	}
}

// expect reads the next line, which must exist.
func (l *lineReader) expect() error {
	err := l.next()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: the archive ends early", ErrCorrupt)
	}
	return err
}

// isCorruption tells damage of the archive itself (a cut stream, a bad gzip checksum or
// deflate data) from a failure to read it (a network error).
func isCorruption(err error) bool {
	var flateErr flate.CorruptInputError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, gzip.ErrHeader) || errors.As(err, &flateErr)
}
