package backuptest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Digest returns a table's row count and a hash of its content that does not depend on
// row order, column order or engine, computed independently of the backup code: each
// row's values (columns sorted by name) are rendered in a plain text form and hashed,
// and the row hashes are added up. Tests compare a table's digest before a backup and
// after its restore.
func Digest(ctx context.Context, db *sql.DB, table string) (int64, string, error) {
	cols, err := columnNames(ctx, db, table)
	if err != nil {
		return 0, "", err
	}
	rows, err := db.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+table)
	if err != nil {
		return 0, "", fmt.Errorf("digest %s: %w", table, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	var n int64
	var sum [4]uint64 // a 256-bit sum of the row hashes: order does not matter
	var line []byte
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return 0, "", fmt.Errorf("digest %s: %w", table, err)
		}
		line = line[:0]
		for i, v := range vals {
			line = append(line, cols[i]...)
			line = append(line, '=')
			line = render(line, v)
			line = append(line, 0)
		}
		h := sha256.Sum256(line)
		var carry uint64
		for i := len(sum) - 1; i >= 0; i-- {
			sum[i], carry = bits.Add64(sum[i], binary.BigEndian.Uint64(h[i*8:]), carry)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, "", fmt.Errorf("digest %s: %w", table, err)
	}
	return n, fmt.Sprintf("%016x%016x%016x%016x", sum[0], sum[1], sum[2], sum[3]), nil
}

func render(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "NULL"...)
	case time.Time:
		return append(b, v.UTC().Format(time.RFC3339Nano)...)
	case string:
		return strconv.AppendQuote(b, v)
	case []byte:
		return strconv.AppendQuote(b, string(v))
	case float64:
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int32:
		return strconv.AppendInt(b, int64(v), 10)
	case bool:
		return strconv.AppendBool(b, v)
	}
	return fmt.Appendf(b, "%T(%v)", v, v)
}

func columnNames(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+table+" WHERE 1 = 0")
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	slices.Sort(cols)
	return cols, nil
}
