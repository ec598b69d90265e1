package rollout_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/pgtest"
	"carpool/internal/postgres"
	"carpool/internal/sqlite"
)

// binary is the carpool binary that TestMain builds once for every test.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "carpool-rollout-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "carpool")
	// The image's build flags, as scripts/test builds everything but the race run.
	build := exec.Command("go", "build", "-trimpath", "-o", binary, "carpool/cmd/carpool")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build carpool:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := pgtest.Main(m) // stops the PostgreSQL that a test may have started
	os.RemoveAll(dir)
	os.Exit(code)
}

// Members and bearer tokens seeded into every replica's database. The tokens are the
// same on every replica, so a client can be balanced over replicas that share no data.
var (
	admin     = seedMember{email: "admin@example.com", name: "Ada Admin", role: carpool.RoleAdmin, token: "cpt_rollout-admin-token-0123456789abcdef"}
	driver    = seedMember{email: "driver@example.com", name: "Dora Driver", role: carpool.RoleMember, token: "cpt_rollout-driver-token-0123456789abcdef"}
	passenger = seedMember{email: "pass@example.com", name: "Pia Passenger", role: carpool.RoleMember, token: "cpt_rollout-passenger-token-0123456789ab"}
)

type seedMember struct {
	email, name, token string
	role               carpool.Role
}

// seedDatabase migrates the replica's database (SQLite in dir unless databaseURL names
// a PostgreSQL one), adds the seeded members and their tokens, and returns its URL.
func seedDatabase(t *testing.T, dir, databaseURL string) string {
	t.Helper()
	ctx := context.Background()
	type engine interface {
		carpool.Store
		Migrate(ctx context.Context) (int64, error)
	}
	var db engine
	if databaseURL == "" {
		path := filepath.Join(dir, "carpool.db")
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db, databaseURL = s, "sqlite://"+path
	} else {
		s, err := postgres.Open(ctx, databaseURL)
		if err != nil {
			t.Fatal(err)
		}
		db = s
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hash, err := carpool.HashPassword("not-used-by-these-tests")
	if err != nil {
		t.Fatal(err)
	}
	now := carpool.Timestamp(time.Now())
	for _, s := range []seedMember{admin, driver, passenger} {
		m := carpool.Member{ID: carpool.NewID(), Email: s.email, Name: s.name, Role: s.role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		tok := carpool.Token{ID: carpool.NewID(), MemberID: m.ID, Hash: carpool.HashToken(s.token), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	return databaseURL
}

// replica is one running `carpool serve`.
type replica struct {
	name      string
	httpAddr  string
	adminAddr string
	cmd       *exec.Cmd
	stderr    *syncBuffer
	exited    chan struct{}
	exitCode  int
}

type replicaOptions struct {
	delay, timeout time.Duration
	env            []string // more KEY=VALUE
	databaseURL    string   // a PostgreSQL database; empty: SQLite in a temporary directory
}

// startReplica starts `carpool serve` on free loopback ports with a freshly seeded
// database and returns once its /readyz answers 200. The process is killed at cleanup
// if a test left it running.
func startReplica(t *testing.T, name string, opts replicaOptions) *replica {
	t.Helper()
	dir := t.TempDir()
	dbURL := seedDatabase(t, dir, opts.databaseURL)
	// A port found free may be taken by another process before carpool binds it (other
	// test binaries run beside this one): then try other ports.
	for attempt := 1; ; attempt++ {
		r, err := launch(t, name, dir, dbURL, opts)
		if err == nil {
			return r
		}
		if attempt == 3 || !strings.Contains(r.stderr.String(), "address already in use") {
			t.Fatalf("%v:\n%s", err, r.stderr.String())
		}
	}
}

// launch runs one carpool serve process and waits until it is ready or has exited.
func launch(t *testing.T, name, dir, dbURL string, opts replicaOptions) (*replica, error) {
	t.Helper()
	r := &replica{name: name, httpAddr: freeAddr(t), adminAddr: freeAddr(t), stderr: &syncBuffer{}, exited: make(chan struct{})}
	r.cmd = exec.Command(binary, "serve")
	r.cmd.Dir = dir
	// A clean environment: no OTEL_* or CARPOOL_* of the developer's shell leaks in.
	r.cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"CARPOOL_DATABASE_URL=" + dbURL,
		"CARPOOL_HTTP_ADDR=" + r.httpAddr,
		"CARPOOL_ADMIN_ADDR=" + r.adminAddr,
		"CARPOOL_SHUTDOWN_DELAY=" + opts.delay.String(),
		"CARPOOL_SHUTDOWN_TIMEOUT=" + opts.timeout.String(),
		"CARPOOL_LOG_LEVEL=debug",
	}, opts.env...)
	r.cmd.Stdout = r.stderr
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := r.cmd.Wait()
		r.exitCode = 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.exitCode = ee.ExitCode()
		} else if err != nil {
			r.exitCode = -1
		}
		close(r.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-r.exited:
		default:
			r.cmd.Process.Kill()
			<-r.exited
		}
		if t.Failed() {
			t.Logf("--- %s stderr ---\n%s", r.name, r.stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-r.exited:
			return r, fmt.Errorf("%s exited with %d before it was ready", name, r.exitCode)
		default:
		}
		if code, err := status(r.url("/readyz")); err == nil && code == http.StatusOK {
			return r, nil
		}
		if time.Now().After(deadline) {
			return r, fmt.Errorf("%s not ready after 30s", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *replica) url(path string) string      { return "http://" + r.httpAddr + path }
func (r *replica) adminURL(path string) string { return "http://" + r.adminAddr + path }

func (r *replica) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s: %v", r.name, err)
	}
}

// wait returns the exit code, failing the test if the process has not exited within d.
func (r *replica) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-r.exited:
		return r.exitCode
	case <-time.After(d):
		t.Fatalf("%s still running %s after being asked to stop", r.name, d)
		return 0
	}
}

// logRecords parses the replica's JSON log lines.
func (r *replica) logRecords(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(r.stderr.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil {
			out = append(out, rec)
		}
	}
	return out
}

// listening reports whether addr accepts TCP connections.
func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitFor polls cond until it holds, failing the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var client = &http.Client{Timeout: 10 * time.Second}

func status(url string) (int, error) {
	resp, err := client.Get(url)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// call sends a JSON request with the member's token and decodes a JSON answer into out
// (may be nil); it returns the status.
func call(t *testing.T, method, url string, as seedMember, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if as.token != "" {
		req.Header.Set("Authorization", "Bearer "+as.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, url, b, err)
		}
	}
	return resp.StatusCode
}

// syncBuffer is a bytes.Buffer safe for the process's writes and the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
