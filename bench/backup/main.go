// Command backup measures carpool's backup and restore: it generates a database of the
// given size, backs it up to a file and restores that into a fresh database, sampling the
// Go heap meanwhile, and writes the figures (rows/s, bytes, peak memory) as JSON.
//
//	go run ./bench/backup -bookings 100000 -out bench-backup.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"carpool/internal/backup"
	"carpool/internal/backup/backuptest"
	"carpool/internal/sqlite"
)

// Figures are what one run measured.
type Figures struct {
	Engine           string  `json:"engine"`
	Bookings         int     `json:"bookings"`
	Rows             int64   `json:"rows"`
	ArchiveBytes     int64   `json:"archive_bytes"`
	GenerateSeconds  float64 `json:"generate_seconds"`
	BackupSeconds    float64 `json:"backup_seconds"`
	BackupRowsPerSec float64 `json:"backup_rows_per_second"`
	BackupPeakHeapMB float64 `json:"backup_peak_heap_mib"`
	RestoreSeconds   float64 `json:"restore_seconds"`
	RestoreRowsPerS  float64 `json:"restore_rows_per_second"`
	RestorePeakHeap  float64 `json:"restore_peak_heap_mib"`
	GoVersion        string  `json:"go_version"`
	CPUs             int     `json:"cpus"`
	At               string  `json:"at"`
}

func main() {
	bookings := flag.Int("bookings", 100_000, "bookings to generate")
	out := flag.String("out", "bench-backup.json", "file to write the figures to")
	flag.Parse()
	if err := run(*bookings, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench backup:", err)
		os.Exit(1)
	}
}

func run(bookings int, out string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "carpool-bench-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	open := func(name string) (*sqlite.DB, error) {
		db, err := sqlite.Open(ctx, filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		_, err = db.Migrate(ctx)
		return db, err
	}
	src, err := open("source.db")
	if err != nil {
		return err
	}
	defer src.Close()
	f := Figures{Engine: "sqlite", Bookings: bookings, GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), At: time.Now().UTC().Format(time.RFC3339)}

	start := time.Now()
	if _, err := backuptest.Generate(ctx, src.DB(), backuptest.ForBookings(bookings)); err != nil {
		return err
	}
	f.GenerateSeconds = time.Since(start).Seconds()

	archive := filepath.Join(dir, "backup.jsonl.gz")
	loc, _ := backup.ParseLocation(archive)
	var res *backup.Result
	peak := measure(func() { res, err = backup.ToLocation(ctx, loc, src, backup.IO{}, backup.Options{}) })
	if err != nil {
		return err
	}
	f.Rows, f.ArchiveBytes = res.Manifest.Rows, res.Bytes
	f.BackupSeconds, f.BackupPeakHeapMB = res.Duration.Seconds(), peak
	f.BackupRowsPerSec = float64(f.Rows) / f.BackupSeconds

	dst, err := open("target.db")
	if err != nil {
		return err
	}
	defer dst.Close()
	peak = measure(func() { res, err = backup.FromLocation(ctx, loc, dst, backup.IO{}, backup.RestoreOptions{}) })
	if err != nil {
		return err
	}
	f.RestoreSeconds, f.RestorePeakHeap = res.Duration.Seconds(), peak
	f.RestoreRowsPerS = float64(f.Rows) / f.RestoreSeconds

	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	fmt.Printf("%s\n", data)
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

// measure runs fn while sampling the Go heap in use, and returns the peak in MiB.
func measure(fn func()) float64 {
	runtime.GC()
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			peak = max(peak, samples[0].Value.Uint64()+samples[1].Value.Uint64())
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	return float64(peak) / (1 << 20)
}
