package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// timeFormats are the text forms a time may come back in when a driver hands it over as
// text rather than time.Time (SQLite when a column's type is not declared as a time).
var timeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999",
}

// ParseTime reads a time in any of the text forms an engine may hand back, in UTC with the
// precision both engines keep.
func ParseTime(s string) (time.Time, error) {
	for _, f := range timeFormats {
		if t, err := time.Parse(f, s); err == nil {
			return carpool.Timestamp(t), nil
		}
	}
	return time.Time{}, fmt.Errorf("time value %q is in no known format", s)
}

// timeCol scans a timestamp into a UTC time.Time with the precision both engines keep,
// so a time read back is Equal (and == in tests) to the carpool.Timestamp written.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.t = time.Time{}
		return nil
	case time.Time:
		*c.t = carpool.Timestamp(v)
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("scan time: unsupported type %T", v)
}

func (c timeCol) parse(s string) error {
	t, err := ParseTime(s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.t = t
	return nil
}

// strCol scans a nullable text column into a string ("" for NULL).
type strCol struct{ s *string }

func (c strCol) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*c.s = ns.String
	return nil
}

// bytesCol scans text, bytes or NULL into a fresh byte slice.
type bytesCol struct{ b *[]byte }

func (c bytesCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.b = nil
	case string:
		*c.b = []byte(v)
	case []byte:
		*c.b = append([]byte(nil), v...)
	default:
		return fmt.Errorf("scan bytes: unsupported type %T", v)
	}
	return nil
}

// null stores "" as NULL, for optional references.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullTime is NULL for the zero time, the form optional times are stored in.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

// ts is the form every time is written in.
func ts(t time.Time) time.Time { return carpool.Timestamp(t) }

// args collects query arguments and hands out their $N placeholders, so queries built
// from optional filters number their parameters correctly on both engines.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// where joins conditions into a WHERE clause ("" when there are none).
func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// pageQuery adds the keyset condition and limit of a page (ordered by id) to a query's
// conditions and returns the tail of the SQL. It fetches one row more than the page, so
// carpool.PageOf can tell whether a next page exists.
func pageQuery(p carpool.Page, conds []string, a *args, idCol string) (string, carpool.Page, error) {
	p, err := p.Normalize()
	if err != nil {
		return "", p, err
	}
	after, _ := p.After() // Normalize checked the cursor
	if after != "" {
		conds = append(conds, idCol+" > "+a.add(after))
	}
	return where(conds) + " ORDER BY " + idCol + " LIMIT " + a.add(p.Limit+1), p, nil
}

// listPage runs one page of a list query: the table's rows matching conds, in id order
// after the page's cursor, with the cursor of the next page ("" on the last).
func listPage[T any](ctx context.Context, s *Store, table, cols string, conds []string, a args, p carpool.Page,
	scan func(rowScanner) (T, error), id func(T) string) ([]T, string, error) {
	tail, p, err := pageQuery(p, conds, &a, "id")
	if err != nil {
		return nil, "", err
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+cols+` FROM `+table+tail, a...)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", table, err)
	}
	items, err := collect(rows, scan)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", table, err)
	}
	items, next := carpool.PageOf(items, p.Limit, id)
	return items, next, nil
}

// collect scans every row and closes rows.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
