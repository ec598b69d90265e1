package replicas_test

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

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, to check the database directly
)

// binary builds ./cmd/carpool once per test binary into a temporary directory.
var binary struct {
	once sync.Once
	path string
	err  error
	dir  string
}

func carpoolBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			binary.err = err
			return
		}
		binary.dir, binary.err = os.MkdirTemp("", "carpool-bin-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "carpool")
		cmd := exec.Command("go", "build", "-o", binary.path, "./cmd/carpool")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build ./cmd/carpool: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// carpoolEnv is the process environment without any CARPOOL_ or POSTGRES_ setting of
// the developer's, plus the given ones.
func carpoolEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CARPOOL_") || strings.HasPrefix(kv, "POSTGRES_") || strings.HasPrefix(kv, "OTEL_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// runCarpool runs a carpool subcommand to its end and returns its output.
func runCarpool(ctx context.Context, t *testing.T, stdin string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(ctx, carpoolBinary(t), args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// replica is one `carpool serve` process.
type replica struct {
	name    string
	base    string // http://127.0.0.1:port
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
}

// startReplica starts `carpool serve` on free loopback ports with the database settings
// dbEnv and waits until it is ready. It is stopped (SIGTERM, then killed) when the test
// ends.
func startReplica(t *testing.T, name string, dbEnv ...string) *replica {
	t.Helper()
	httpPort, adminPort := freePort(t), freePort(t)
	r := &replica{
		name:    name,
		base:    "http://127.0.0.1:" + strconv.Itoa(httpPort),
		logPath: filepath.Join(t.TempDir(), name+".log"),
		exited:  make(chan struct{}),
	}
	logFile, err := os.Create(r.logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(carpoolBinary(t), "serve")
	cmd.Env = carpoolEnv(append(dbEnv,
		"CARPOOL_HTTP_ADDR=127.0.0.1:"+strconv.Itoa(httpPort),
		"CARPOOL_ADMIN_ADDR=127.0.0.1:"+strconv.Itoa(adminPort),
		"CARPOOL_SIGNUP_DOMAINS=*",
		"CARPOOL_SHUTDOWN_DELAY=0s",
		"CARPOOL_SHUTDOWN_TIMEOUT=5s",
		"CARPOOL_LOG_LEVEL=warn",
	)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	logFile.Close()
	r.cmd = cmd
	go func() { _ = cmd.Wait(); close(r.exited) }()
	t.Cleanup(func() { r.stop(t) })

	deadline := time.Now().Add(60 * time.Second)
	for {
		if code, _ := probe(r.base + "/readyz"); code == http.StatusOK {
			return r
		}
		select {
		case <-r.exited:
			t.Fatalf("%s exited at start:\n%s", name, r.log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within a minute:\n%s", name, r.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *replica) stop(t *testing.T) {
	select {
	case <-r.exited:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(15 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.exited
		t.Errorf("%s did not stop within 15s of SIGTERM; killed", r.name)
	}
	if t.Failed() {
		t.Logf("%s log:\n%s", r.name, r.log())
	}
}

func (r *replica) log() string {
	b, _ := os.ReadFile(r.logPath)
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	return string(b)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// probeClient answers within 2 s or fails: readiness must never hang.
var probeClient = &http.Client{Timeout: 2 * time.Second}

// probe GETs url and returns the status code.
func probe(url string) (int, error) {
	resp, err := probeClient.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// apiClient talks to the replicas; many requests at once reuse few connections.
var apiClient = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 128},
}

// call sends a JSON request and decodes a JSON answer into out (when not nil). It
// returns the status code; transport failures fail the test.
func call(t *testing.T, method, url, token string, body, out any) int {
	t.Helper()
	code, raw, err := send(method, url, token, body)
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

// send is call without a *testing.T, for goroutines.
func send(method, url, token string, body any) (int, []byte, error) {
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
	resp, err := apiClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// openSQL opens the database directly, to check what the replicas wrote.
func openSQL(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
