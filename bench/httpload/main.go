// Command httpload measures carpool's HTTP API under a closed-loop load: it builds the
// binary, starts `carpool serve` on loopback with a fresh SQLite database and a seeded
// admin token, runs a mix of authenticated reads and creates from -concurrency workers
// for -duration, and writes throughput and latency percentiles per operation as JSON.
//
//	go run ./bench/httpload -duration 15s -concurrency 8 -out bench-httpload.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/sqlite"
)

const token = "cpt_httpload-admin-token-0123456789abcdef"

// Op is the result of one kind of request.
type Op struct {
	Name       string  `json:"name"`
	Requests   int     `json:"requests"`
	Failures   int     `json:"failures"`
	PerSecond  float64 `json:"requests_per_second"`
	P50Millis  float64 `json:"p50_ms"`
	P90Millis  float64 `json:"p90_ms"`
	P99Millis  float64 `json:"p99_ms"`
	MaxMillis  float64 `json:"max_ms"`
	MeanMillis float64 `json:"mean_ms"`
}

// Figures are what one run measured.
type Figures struct {
	Engine      string  `json:"engine"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	Failures    int     `json:"failures"`
	PerSecond   float64 `json:"requests_per_second"`
	Ops         []Op    `json:"ops"`
	GoVersion   string  `json:"go_version"`
	CPUs        int     `json:"cpus"`
	At          string  `json:"at"`
}

func main() {
	duration := flag.Duration("duration", 10*time.Second, "how long to send load")
	concurrency := flag.Int("concurrency", 8, "workers, each with one request in flight")
	out := flag.String("out", "bench-httpload.json", "file to write the figures to")
	flag.Parse()
	if err := run(*duration, *concurrency, *out); err != nil {
		fmt.Fprintln(os.Stderr, "httpload:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, concurrency int, out string) error {
	dir, err := os.MkdirTemp("", "carpool-httpload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "carpool")
	fmt.Fprintln(os.Stderr, "building carpool")
	build := exec.Command("go", "build", "-o", bin, "carpool/cmd/carpool")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	dbURL, err := seed(dir)
	if err != nil {
		return err
	}
	addr, admin := freeAddr(), freeAddr()
	srv := exec.Command(bin, "serve")
	srv.Dir = dir
	srv.Env = []string{"PATH=" + os.Getenv("PATH"), "CARPOOL_DATABASE_URL=" + dbURL,
		"CARPOOL_HTTP_ADDR=" + addr, "CARPOOL_ADMIN_ADDR=" + admin, "CARPOOL_SHUTDOWN_DELAY=0s",
		"CARPOOL_LOG_LEVEL=warn"} // the access log would measure the disk, not the service
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		return err
	}

	fmt.Fprintf(os.Stderr, "sending load: %d workers for %s\n", concurrency, duration)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	ops := []string{"GET /api/v1/me", "GET /api/v1/sites", "POST /api/v1/sites"}
	var mu sync.Mutex
	lat := map[string][]time.Duration{}
	fails := map[string]int{}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range concurrency {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				op := ops[i%len(ops)]
				d, ok := send(hc, base, op, w, i)
				mu.Lock()
				lat[op] = append(lat[op], d)
				if !ok {
					fails[op]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()

	f := Figures{Engine: "sqlite", Concurrency: concurrency, Seconds: elapsed,
		GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), At: time.Now().UTC().Format(time.RFC3339)}
	for _, name := range ops {
		ds := lat[name]
		slices.Sort(ds)
		op := Op{Name: name, Requests: len(ds), Failures: fails[name], PerSecond: float64(len(ds)) / elapsed}
		if len(ds) > 0 {
			var sum time.Duration
			for _, d := range ds {
				sum += d
			}
			op.P50Millis, op.P90Millis, op.P99Millis = ms(pct(ds, 50)), ms(pct(ds, 90)), ms(pct(ds, 99))
			op.MaxMillis, op.MeanMillis = ms(ds[len(ds)-1]), ms(sum/time.Duration(len(ds)))
		}
		f.Ops = append(f.Ops, op)
		f.Requests += op.Requests
		f.Failures += op.Failures
	}
	f.PerSecond = float64(f.Requests) / elapsed
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s\n", b)
	fmt.Fprintln(os.Stderr, "wrote", out)
	if f.Failures > 0 {
		return fmt.Errorf("%d requests failed", f.Failures)
	}
	return nil
}

// send makes one request of the operation and reports its latency and success.
func send(hc *http.Client, base, op string, worker, i int) (time.Duration, bool) {
	var req *http.Request
	want := http.StatusOK
	switch op {
	case "GET /api/v1/me":
		req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
	case "GET /api/v1/sites":
		req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/sites?limit=20", nil)
	default:
		b, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("Site %d-%d", worker, i), "address": "Main St 1", "lat": 48.1, "lon": 11.5})
		req, _ = http.NewRequest(http.MethodPost, base+"/api/v1/sites", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		want = http.StatusCreated
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return time.Since(start), false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return time.Since(start), resp.StatusCode == want
}

// seed creates the database with one admin whose token is the constant above.
func seed(dir string) (string, error) {
	ctx := context.Background()
	path := filepath.Join(dir, "carpool.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return "", err
	}
	hash, err := carpool.HashPassword("httpload-unused-password")
	if err != nil {
		return "", err
	}
	now := carpool.Timestamp(time.Now())
	m := carpool.Member{ID: carpool.NewID(), Email: "bench@example.com", Name: "Bench Admin", Role: carpool.RoleAdmin, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateMember(ctx, m); err != nil {
		return "", fmt.Errorf("seed member: %w", err)
	}
	t := carpool.Token{ID: carpool.NewID(), MemberID: m.ID, Hash: carpool.HashToken(token), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := db.CreateToken(ctx, t); err != nil {
		return "", fmt.Errorf("seed token: %w", err)
	}
	return "sqlite://" + path, nil
}

func waitReady(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("carpool at %s not ready after 30s", base)
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[(len(sorted)-1)*p/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
