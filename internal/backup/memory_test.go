package backup_test

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/backup"
)

// memoryLimit is the most a backup of the 100,000-booking database may hold in the heap.
const memoryLimit = 100 << 20

// TestBackupMemoryIsBounded backs up the 100,000-booking database to a writer that keeps
// nothing, sampling the Go heap in use while it runs: memory must not grow with the
// database. The peak, and the process's resident size for reference (which includes
// SQLite's own allocations outside the Go heap, and the race detector's shadow memory
// when it is on), go to the test log.
func TestBackupMemoryIsBounded(t *testing.T) {
	db, counts := mustOpenFixture(t)
	runtime.GC()
	debug.FreeOSMemory()

	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}
	var peakHeap, peakRSS uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			peakHeap = max(peakHeap, samples[0].Value.Uint64()+samples[1].Value.Uint64())
			peakRSS = max(peakRSS, residentBytes())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	var out countingDiscard
	start := time.Now()
	m, err := backup.Write(context.Background(), &out, db, backup.Options{})
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if m.Tables[6].Name != "bookings" || m.Tables[6].Rows != counts["bookings"] || counts["bookings"] < int64(fixtureBookings()) {
		t.Fatalf("backup holds %+v, want all %d bookings (at least %d)", m.Tables[6], counts["bookings"], fixtureBookings())
	}
	t.Logf("backup of %d rows (%d bookings): %d bytes in %s; peak Go heap in use %.1f MiB, peak resident %.1f MiB",
		m.Rows, counts["bookings"], out.n, elapsed.Round(time.Millisecond), mib(peakHeap), mib(peakRSS))
	if peakHeap >= memoryLimit {
		t.Errorf("peak heap in use during the backup: got %.1f MiB, want under %.0f MiB", mib(peakHeap), mib(memoryLimit))
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// residentBytes reads the process's resident set size (0 where /proc is missing).
func residentBytes() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

type countingDiscard struct{ n int64 }

func (c *countingDiscard) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
