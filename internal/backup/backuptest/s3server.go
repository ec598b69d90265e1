package backuptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/repotest"
)

// S3Server is a versitygw S3 server with its POSIX backend, started for one test on
// 127.0.0.1 and stopped when the test ends.
type S3Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	AccessKey string
	SecretKey string
}

// EnvVersityGW names a versitygw binary to use instead of the one the build script puts
// in .cache/bin.
const EnvVersityGW = "CARPOOL_VERSITYGW"

var versitygw struct {
	once sync.Once
	path string
	err  error
}

// StartS3 starts an S3 server for the test. The server binary is built by
// scripts/s3-server-build.sh on first use (cached under .cache/bin). When it cannot be
// had, the test skips with a loud reason, unless CI is set: then it fails.
func StartS3(tb testing.TB) *S3Server {
	tb.Helper()
	versitygw.once.Do(func() { versitygw.path, versitygw.err = findVersityGW() })
	if versitygw.err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("S3 server for tests: %v", versitygw.err)
		}
		tb.Skipf("SKIPPED, NO S3 SERVER: %v (run scripts/s3-server-build.sh, or set %s)", versitygw.err, EnvVersityGW)
	}
	s := &S3Server{AccessKey: "carpooltest", SecretKey: randomHex(16)}
	dir := tb.TempDir()
	var lastErr error
	for range 3 { // the free port found may be taken before the server binds it
		port, err := freePort()
		if err != nil {
			tb.Fatalf("S3 server: %v", err)
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		var logs bytes.Buffer
		cmd := exec.Command(versitygw.path, "--access", s.AccessKey, "--secret", s.SecretKey,
			"--port", addr, "posix", dir)
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			tb.Fatalf("start versitygw: %v", err)
		}
		exited := make(chan struct{}) // closed when the process is gone
		go func() {
			cmd.Wait()
			close(exited)
		}()
		if lastErr = waitHTTP(addr, exited, 30*time.Second); lastErr != nil {
			cmd.Process.Kill()
			<-exited
			lastErr = fmt.Errorf("%w; its output: %s", lastErr, logs.String())
			continue
		}
		tb.Cleanup(func() {
			cmd.Process.Kill()
			<-exited
		})
		s.Endpoint = "http://" + addr
		return s
	}
	tb.Fatalf("start versitygw: %v", lastErr)
	return nil
}

// findVersityGW returns the server binary, building it when it is missing.
func findVersityGW() (string, error) {
	if p := os.Getenv(EnvVersityGW); p != "" {
		return p, nil
	}
	root, err := repotest.Root()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, ".cache", "bin", "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	script := filepath.Join(root, "scripts", "s3-server-build.sh")
	out, err := exec.Command(script).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build versitygw with %s: %v: %s", script, err, out)
	}
	return bin, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitHTTP polls addr until it answers HTTP (any status), the process exits, or the
// deadline passes.
func waitHTTP(addr string, exited <-chan struct{}, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-exited:
			return fmt.Errorf("versitygw exited at start")
		default:
		}
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("versitygw on %s not answering after %s: %v", addr, timeout, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}
