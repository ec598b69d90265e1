// Package cluster runs real `carpool serve` processes for multi-process tests (several
// replicas on one PostgreSQL, failures injected): it builds the binary once per test
// binary, starts replicas on free loopback ports and talks to them.
package cluster

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"carpool/internal/repotest"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, to check the database directly
)

// binary holds ./cmd/carpool, built once per test binary into a temporary directory.
var binary struct {
	once sync.Once
	path string
	err  error
	dir  string
}

// Binary builds ./cmd/carpool on first use and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		root, err := repotest.Root()
		if err != nil {
			binary.err = err
			return
		}
		binary.dir, binary.err = os.MkdirTemp("", "carpool-bin-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "carpool")
		// The image's build flags, as scripts/test builds everything but the race run.
		cmd := exec.Command("go", "build", "-trimpath", "-o", binary.path, "./cmd/carpool")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build ./cmd/carpool: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// Env is the process environment without any CARPOOL_ or POSTGRES_ setting of
// the developer's, plus the given ones.
func Env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CARPOOL_") || strings.HasPrefix(kv, "POSTGRES_") || strings.HasPrefix(kv, "OTEL_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// Run runs a carpool subcommand to its end and returns its output.
func Run(ctx context.Context, t testing.TB, stdin string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(ctx, Binary(t), args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Replica is one `carpool serve` process.
type Replica struct {
	Name    string
	Base    string // http://127.0.0.1:port
	Admin   string // http://127.0.0.1:port of the admin listener
	Cmd     *exec.Cmd
	LogPath string
	Exited  chan struct{} // closed when the process has exited

	env []string
}

// Start starts `carpool serve` on free loopback ports with the database settings
// dbEnv and waits until it is ready. It is stopped (SIGTERM, then killed) when the test
// ends.
func Start(t testing.TB, name string, dbEnv ...string) *Replica {
	t.Helper()
	httpPort, adminPort := FreePort(t), FreePort(t)
	r := &Replica{
		Name:    name,
		Base:    "http://127.0.0.1:" + strconv.Itoa(httpPort),
		Admin:   "http://127.0.0.1:" + strconv.Itoa(adminPort),
		LogPath: filepath.Join(t.TempDir(), name+".log"),
		env: Env(append(dbEnv,
			"CARPOOL_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(httpPort),
			"CARPOOL_ADMIN_ADDR=127.0.0.1:"+strconv.Itoa(adminPort),
			"CARPOOL_SIGNUP_DOMAINS=*",
			"CARPOOL_SHUTDOWN_DELAY=0s",
			"CARPOOL_SHUTDOWN_TIMEOUT=5s",
			"CARPOOL_LOG_LEVEL=warn",
		)...),
	}
	r.launch(t)
	t.Cleanup(func() { r.Stop(t) })
	r.WaitReady(t, time.Minute)
	return r
}

// launch execs the process with the replica's settings, appending to its log.
func (r *Replica) launch(t testing.TB) {
	t.Helper()
	logFile, err := os.OpenFile(r.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(Binary(t), "serve")
	cmd.Env = r.env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", r.Name, err)
	}
	logFile.Close()
	exited := make(chan struct{})
	r.Cmd, r.Exited = cmd, exited
	go func() { _ = cmd.Wait(); close(exited) }()
}

// WaitReady polls /readyz until it answers 200, failing the test after d or when the
// process exits.
func (r *Replica) WaitReady(t testing.TB, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if code, _ := Probe(r.Base + "/readyz"); code == http.StatusOK {
			return
		}
		select {
		case <-r.Exited:
			t.Fatalf("%s exited at start:\n%s", r.Name, r.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s:\n%s", r.Name, d, r.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill ends the process with SIGKILL, as a crash or the OOM killer would, and waits
// until it has exited.
func (r *Replica) Kill(t testing.TB) {
	t.Helper()
	_ = r.Cmd.Process.Kill()
	<-r.Exited
}

// Restart starts a killed or stopped replica again on the same ports and waits until
// it is ready.
func (r *Replica) Restart(t testing.TB) {
	t.Helper()
	select {
	case <-r.Exited:
	default:
		t.Fatalf("%s is still running", r.Name)
	}
	r.launch(t)
	r.WaitReady(t, time.Minute)
}

// Stop sends SIGTERM and waits for a clean exit (killing it after 15 s); a test that
// has failed gets the replica's log.
func (r *Replica) Stop(t testing.TB) {
	select {
	case <-r.Exited:
		return
	default:
	}
	_ = r.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.Exited:
	case <-time.After(15 * time.Second):
		_ = r.Cmd.Process.Kill()
		<-r.Exited
		t.Errorf("%s did not stop within 15s of SIGTERM; killed", r.Name)
	}
	if t.Failed() {
		t.Logf("%s log:\n%s", r.Name, r.Log())
	}
}

// Log returns the end of the replica's output.
func (r *Replica) Log() string {
	b, _ := os.ReadFile(r.LogPath)
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	return string(b)
}

// FreePort returns a loopback port nobody listens on right now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ProbeClient answers within 2 s or fails: readiness must never hang.
var ProbeClient = &http.Client{Timeout: 2 * time.Second}

// Probe GETs url and returns the status code.
func Probe(url string) (int, error) {
	resp, err := ProbeClient.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// APIClient talks to the replicas; many requests at once reuse few connections.
var APIClient = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 128},
}

// Call sends a JSON request and decodes a JSON answer into out (when not nil). It
// returns the status code; transport failures fail the test.
func Call(t testing.TB, method, url, token string, body, out any) int {
	t.Helper()
	code, raw, err := Send(method, url, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if out != nil && code < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, url, raw, err)
		}
	}
	return code
}

// Send is Call without a *testing.T, for goroutines.
func Send(method, url, token string, body any) (int, []byte, error) {
	return SendWith(APIClient, method, url, token, nil, body)
}

// SendWith is Send through client c with extra headers (an Idempotency-Key, say).
func SendWith(c *http.Client, method, url, token string, header http.Header, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// OpenSQL opens the database directly, to check what the replicas wrote.
func OpenSQL(t testing.TB, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// RemoveBinary deletes the binary Binary built; TestMain calls it after the tests.
func RemoveBinary() {
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
}
