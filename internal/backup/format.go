package backup

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"carpool/internal/sqlstore"
)

// The archive format (docs/backup.md describes it for people who must read a backup
// without carpool): one gzip stream of JSON lines.
//
//	{"format":"carpool-backup","version":1,...}             header
//	{"table":"members","columns":[{"name":"id","type":"text"},...]}
//	["0196...","ada@example.com",...]                        one row, values in column order
//	{"end":"members","rows":2,"sha256":"..."}                after each table's rows
//	...                                                      every table, parents first
//	{"manifest":{"tables":[...],"rows":N}}                   the last line
//
// A row line holds the values normalised so both engines write the same bytes for the
// same data: texts as JSON strings, integers and floats as JSON numbers, times as
// RFC 3339 UTC strings with exactly six fractional digits, bytes as standard base64,
// booleans as true/false, SQL NULL as null. The SHA-256 of a table is taken over its row
// lines exactly as written, newline included, so equal data gives equal digests whatever
// the engine it came from.
const (
	// FormatName identifies a carpool backup in the header line.
	FormatName = "carpool-backup"
	// FormatVersion is the version of the archive layout this binary writes; it reads
	// this version only.
	FormatVersion = 1
)

// Header is the first line of an archive.
type Header struct {
	Format        string    `json:"format"`
	Version       int       `json:"version"`
	SchemaVersion int64     `json:"schema_version"`
	Engine        string    `json:"engine"`
	CreatedAt     time.Time `json:"created_at"`
	Tables        []string  `json:"tables"`
}

// Column is one column of a table as the archive describes it.
type Column struct {
	Name string `json:"name"`
	Type Kind   `json:"type"`
}

// tableStart opens a table's rows.
type tableStart struct {
	Table   string   `json:"table"`
	Columns []Column `json:"columns"`
}

// tableEnd closes a table's rows with their count and digest.
type tableEnd struct {
	End    string `json:"end"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// TableSummary is what the manifest records of one table.
type TableSummary struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Manifest is the last line of an archive: the figures of every table, which a restore
// checks against what it read before it commits.
type Manifest struct {
	Format        string         `json:"format"`
	Version       int            `json:"version"`
	SchemaVersion int64          `json:"schema_version"`
	Engine        string         `json:"engine"`
	CreatedAt     time.Time      `json:"created_at"`
	Tables        []TableSummary `json:"tables"`
	Rows          int64          `json:"rows"`
}

// header returns the first line of the archive the manifest describes.
func (m *Manifest) header(tables []string) Header {
	return Header{
		Format: m.Format, Version: m.Version, SchemaVersion: m.SchemaVersion,
		Engine: m.Engine, CreatedAt: m.CreatedAt, Tables: tables,
	}
}

// trailer wraps the manifest on the last line.
type trailer struct {
	Manifest *Manifest `json:"manifest"`
}

// Kind is the engine-neutral type of a column.
type Kind string

// Column kinds.
const (
	KindText  Kind = "text"
	KindInt   Kind = "integer"
	KindFloat Kind = "float"
	KindBool  Kind = "boolean"
	KindTime  Kind = "timestamp"
	KindBytes Kind = "bytes"
)

// kindOf maps the type name a driver reports (SQLite's declared type, PostgreSQL's type)
// to a Kind. An unknown type is an error, so a new column type cannot slip into backups
// unnormalised.
func kindOf(dbType string) (Kind, error) {
	switch dbType {
	case "TEXT", "VARCHAR", "CHAR", "BPCHAR", "NAME":
		return KindText, nil
	case "INTEGER", "INT", "BIGINT", "SMALLINT", "INT2", "INT4", "INT8":
		return KindInt, nil
	case "REAL", "DOUBLE PRECISION", "FLOAT4", "FLOAT8", "NUMERIC":
		return KindFloat, nil
	case "BOOLEAN", "BOOL":
		return KindBool, nil
	case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME":
		return KindTime, nil
	case "BLOB", "BYTEA":
		return KindBytes, nil
	}
	return "", fmt.Errorf("column type %q has no backup encoding", dbType)
}

// timeLayout is how every time is written: UTC, microseconds (the precision both engines
// keep), fixed width.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// appendValue appends the JSON form of v, a value scanned from a column of kind k.
func appendValue(b []byte, k Kind, v any) ([]byte, error) {
	if v == nil {
		return append(b, "null"...), nil
	}
	switch k {
	case KindText:
		switch v := v.(type) {
		case string:
			return appendString(b, v), nil
		case []byte:
			return appendString(b, string(v)), nil
		}
	case KindInt:
		switch v := v.(type) {
		case int64:
			return strconv.AppendInt(b, v, 10), nil
		case int32:
			return strconv.AppendInt(b, int64(v), 10), nil
		case int:
			return strconv.AppendInt(b, int64(v), 10), nil
		case float64:
			// SQLite stores a whole REAL in an INTEGER column as an integer; a
			// fractional one would be a corrupt value.
			if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
				return strconv.AppendInt(b, int64(v), 10), nil
			}
		}
	case KindFloat:
		var f float64
		switch v := v.(type) {
		case float64:
			f = v
		case float32:
			f = float64(v)
		case int64:
			f = float64(v)
		default:
			return nil, fmt.Errorf("float column holds %T", v)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("float value %v has no JSON form", f)
		}
		// 'g' with the shortest precision reads back to the identical float64.
		return strconv.AppendFloat(b, f, 'g', -1, 64), nil
	case KindBool:
		switch v := v.(type) {
		case bool:
			return strconv.AppendBool(b, v), nil
		case int64:
			return strconv.AppendBool(b, v != 0), nil
		}
	case KindTime:
		switch v := v.(type) {
		case time.Time:
			return appendTime(b, v), nil
		case string:
			t, err := sqlstore.ParseTime(v)
			if err != nil {
				return nil, err
			}
			return appendTime(b, t), nil
		case []byte:
			t, err := sqlstore.ParseTime(string(v))
			if err != nil {
				return nil, err
			}
			return appendTime(b, t), nil
		}
	case KindBytes:
		var raw []byte
		switch v := v.(type) {
		case []byte:
			raw = v
		case string:
			raw = []byte(v)
		default:
			return nil, fmt.Errorf("bytes column holds %T", v)
		}
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, raw)
		return append(b, '"'), nil
	}
	return nil, fmt.Errorf("%s column holds %T", k, v)
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().Truncate(time.Microsecond).AppendFormat(b, timeLayout)
	return append(b, '"')
}

// appendString appends s as a JSON string. HTML characters are left alone (the output is
// no web page), so the bytes are the same as any JSON encoder without HTML escaping.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			b = append(b, c)
			i++
			continue
		}
		if c < 0x80 {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			continue
		}
		// Multi-byte UTF-8 goes through json.Marshal's rules: invalid bytes become
		// U+FFFD, U+2028 and U+2029 are escaped.
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0xFFFD && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// decodeValue turns one JSON value of a row line back into what the target column takes.
func decodeValue(k Kind, raw json.RawMessage) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	switch k {
	case KindText:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return s, nil
	case KindInt:
		return strconv.ParseInt(string(raw), 10, 64)
	case KindFloat:
		return strconv.ParseFloat(string(raw), 64)
	case KindBool:
		return strconv.ParseBool(string(raw))
	case KindTime:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, err
		}
		return t.UTC(), nil
	case KindBytes:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return base64.StdEncoding.DecodeString(s)
	}
	return nil, errors.New("unknown column type " + string(k))
}
