package backup_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"carpool/internal/backup"
	"carpool/internal/backup/backuptest"
	"carpool/internal/sqlstore"
)

// rewrite decompresses an archive, lets edit change its lines, and compresses it again:
// damage that gzip's own checksum cannot see.
func rewrite(tb testing.TB, archive []byte, edit func(lines []string) []string) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	io.WriteString(zw, strings.Join(edit(lines), "\n")+"\n")
	zw.Close()
	return out.Bytes()
}

// replaceIn changes the first line that starts with prefix.
func replaceIn(prefix, old, new string) func([]string) []string {
	return func(lines []string) []string {
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) && strings.Contains(l, old) {
				lines[i] = strings.Replace(l, old, new, 1)
				return lines
			}
		}
		panic("no line starts with " + prefix + " and holds " + old)
	}
}

// replaceSchemaVersion sets the schema version in the format line, whatever the current
// schema's version is.
func replaceSchemaVersion(v int) func([]string) []string {
	re := regexp.MustCompile(`"schema_version":[0-9]+`)
	return func(lines []string) []string {
		for i, l := range lines {
			if strings.HasPrefix(l, `{"format"`) && re.MatchString(l) {
				lines[i] = re.ReplaceAllString(l, fmt.Sprintf(`"schema_version":%d`, v))
				return lines
			}
		}
		panic("no format line holds a schema_version")
	}
}

// TestRestoreRefusesDamage feeds a restore archives that are cut, damaged, from another
// schema version, or meant for a database that has data: each must fail with a clear
// error, and the target must be left exactly as it was.
func TestRestoreRefusesDamage(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			src := e.open(t)
			mustGenerate(t, src, backuptest.Size{Members: 30, Rides: restoreRides()})
			archive, _ := mustBackup(t, src)
			bookingRow := `["` + backuptest.ID(backuptest.TBookings, 0)

			tests := []struct {
				name    string
				archive []byte
				prefill bool // the target holds data already
				want    error
				message string
			}{
				{name: "truncated", archive: archive[:len(archive)/2], want: backup.ErrCorrupt, message: "corrupt or truncated"},
				{name: "truncated at the manifest", archive: rewrite(t, archive, func(l []string) []string { return l[:len(l)-1] }),
					want: backup.ErrCorrupt, message: "ends early"},
				{name: "truncated mid table", archive: rewrite(t, archive, func(l []string) []string { return l[:len(l)/2] }),
					want: backup.ErrCorrupt, message: "ends early"},
				{name: "flipped byte", archive: flip(archive, len(archive)/2), want: backup.ErrCorrupt, message: "corrupt"},
				{name: "not gzip", archive: []byte("hello, I am no backup\n"), want: backup.ErrCorrupt, message: "not a gzip stream"},
				{name: "changed row", archive: rewrite(t, archive, replaceIn(bookingRow, `"confirmed"`, `"cancelled"`)),
					want: backup.ErrCorrupt, message: "table bookings fails its SHA-256 check"},
				{name: "removed row", archive: rewrite(t, archive, func(l []string) []string {
					for i, s := range l {
						if strings.HasPrefix(s, bookingRow) {
							return append(l[:i], l[i+1:]...)
						}
					}
					return l
				}), want: backup.ErrCorrupt, message: "table bookings should hold"},
				{name: "changed manifest", archive: rewrite(t, archive, replaceIn(`{"manifest"`,
					fmt.Sprintf(`"name":"rides","rows":%d`, restoreRides()), fmt.Sprintf(`"name":"rides","rows":%d`, restoreRides()-1))),
					want: backup.ErrCorrupt, message: "manifest does not match"},
				{name: "wrong schema version", archive: rewrite(t, archive, replaceSchemaVersion(99)),
					want: backup.ErrSchemaMismatch, message: "backup is at schema version 99"},
				{name: "non-empty target", archive: archive, prefill: true, want: backup.ErrNotEmpty, message: "pass --force"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					dst := e.open(t)
					if tt.prefill {
						mustGenerate(t, dst, backuptest.Size{Members: 10, Rides: 5})
					}
					before := digests(t, dst)
					_, err := backup.Restore(context.Background(), bytes.NewReader(tt.archive), dst, backup.RestoreOptions{})
					if !errors.Is(err, tt.want) {
						t.Fatalf("restore: got error %v, want %v", err, tt.want)
					}
					if !strings.Contains(err.Error(), tt.message) {
						t.Errorf("restore error: got %q, want it to say %q", err, tt.message)
					}
					t.Logf("restore refused: %v", err)
					assertSameData(t, digests(t, dst), before)
				})
			}
		})
	}
}

// TestRestoreForceReplaces restores over existing data with Force: afterwards the target
// holds exactly the backup's data.
func TestRestoreForceReplaces(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			src := e.open(t)
			mustGenerate(t, src, backuptest.Size{Members: 30, Rides: restoreRides()})
			want := digests(t, src)
			archive, _ := mustBackup(t, src)

			dst := e.open(t)
			mustGenerate(t, dst, backuptest.Size{Members: 10, Rides: 5})
			if _, err := backup.Restore(context.Background(), bytes.NewReader(archive), dst, backup.RestoreOptions{Force: true}); err != nil {
				t.Fatalf("restore --force: %v", err)
			}
			assertSameData(t, digests(t, dst), want)
		})
	}
}

// TestEmptyDigests checks what the damage cases rely on when they compare a target with
// its state before: the digests cover every table, and show a fresh database empty.
func TestEmptyDigests(t *testing.T) {
	db := mustOpenSQLite(t)
	for table, d := range digests(t, db) {
		if !strings.HasSuffix(d, " rows=0") {
			t.Errorf("table %s of a fresh database: got %s, want no rows", table, d)
		}
	}
	if len(digests(t, db)) != len(sqlstore.Tables) {
		t.Errorf("digests cover %d tables, want %d", len(digests(t, db)), len(sqlstore.Tables))
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0xff
	return c
}
