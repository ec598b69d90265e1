package backup_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"testing"

	"carpool/internal/backup"
	"carpool/internal/backup/backuptest"
)

// FuzzRestore feeds the archive reader arbitrary archive contents (compressed here, so
// the fuzzer explores the line format rather than gzip's checksum): a restore either
// succeeds or fails with an error, and never panics or hangs.
func FuzzRestore(f *testing.F) {
	src := mustOpenSQLite(f)
	mustGenerate(f, src, backuptest.Size{Members: backuptest.BookingsPerRide + 1, Rides: 2})
	archive, _ := mustBackup(f, src)
	zr, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		f.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(plain)
	f.Add(plain[:len(plain)/2])
	f.Add(bytes.Replace(plain, []byte(`"members"`), []byte(`"member"`), 1))
	f.Add([]byte("{}\n"))
	f.Add([]byte{})

	target := mustOpenSQLite(f)
	f.Fuzz(func(t *testing.T, contents []byte) {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(contents)
		zw.Close()
		_, err := backup.Restore(context.Background(), &gz, target, backup.RestoreOptions{Force: true})
		if err != nil && errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("restore: %v", err)
		}
	})
}
