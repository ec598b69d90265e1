// Package mailtest starts a real SMTP server for tests: Mailpit, on loopback, whose HTTP
// API shows what it received.
package mailtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"carpool/internal/repotest"
)

// EnvMailpit names a mailpit binary to use instead of the one scripts/mailpit-build.sh
// puts in .cache/bin.
const EnvMailpit = "CARPOOL_MAILPIT"

// Mailpit is a running Mailpit.
type Mailpit struct {
	SMTPAddr string // host:port
	APIURL   string // http://host:port
	cmd      *exec.Cmd
	exited   chan struct{}
	bin      string
	args     []string
	logs     *bytes.Buffer
	database string // its file, unique to this server: how it tells its own answers
}

// SMTPURL is the CARPOOL_SMTP_URL of the server: plain SMTP on loopback, any login.
func (m *Mailpit) SMTPURL() string { return "smtp://carpool:secret@" + m.SMTPAddr + "?tls=none" }

var mailpit struct {
	once sync.Once
	path string
	err  error
}

// Start starts Mailpit for the test and stops it at cleanup. The binary is built by
// scripts/mailpit-build.sh on first use (cached under .cache/bin). When it cannot be had
// the test skips, unless CI is set: then it fails. extra are more Mailpit flags.
func Start(tb testing.TB, extra ...string) *Mailpit {
	tb.Helper()
	mailpit.once.Do(func() { mailpit.path, mailpit.err = find() })
	if mailpit.err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("SMTP server for tests: %v", mailpit.err)
		}
		tb.Skipf("SKIPPED, NO SMTP SERVER: %v (run scripts/mailpit-build.sh, or set %s)", mailpit.err, EnvMailpit)
	}
	var lastErr error
	for range 3 { // a free port found may be taken before Mailpit binds it
		smtpPort, err1 := freePort()
		apiPort, err2 := freePort()
		if err1 != nil || err2 != nil {
			tb.Fatalf("mailpit ports: %v %v", err1, err2)
		}
		m := &Mailpit{SMTPAddr: fmt.Sprintf("127.0.0.1:%d", smtpPort), APIURL: fmt.Sprintf("http://127.0.0.1:%d", apiPort), bin: mailpit.path}
		m.database = filepath.Join(tb.TempDir(), "mailpit.db")
		m.args = []string{"--smtp", m.SMTPAddr, "--listen", fmt.Sprintf("127.0.0.1:%d", apiPort),
			"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--max", "0",
			"--database", m.database}
		m.args = append(m.args, extra...)
		if lastErr = m.start(); lastErr != nil {
			continue
		}
		tb.Cleanup(m.Stop)
		return m
	}
	tb.Fatalf("start mailpit: %v", lastErr)
	return nil
}

func (m *Mailpit) start() error {
	m.logs = &bytes.Buffer{}
	m.cmd = exec.Command(m.bin, m.args...)
	m.cmd.Stdout, m.cmd.Stderr = m.logs, m.logs
	if err := m.cmd.Start(); err != nil {
		return fmt.Errorf("start mailpit: %w", err)
	}
	m.exited = make(chan struct{})
	go func() { m.cmd.Wait(); close(m.exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-m.exited:
			return fmt.Errorf("mailpit exited: %s", m.logs.String())
		default:
		}
		// The answer must come from this server: another test's Mailpit may hold the
		// port this one failed to bind, and would vanish with that test.
		if m.answersItself() {
			if c, err := net.DialTimeout("tcp", m.SMTPAddr, time.Second); err == nil {
				c.Close()
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond) // polling for readiness, bounded by the deadline
	}
	m.Stop()
	return fmt.Errorf("mailpit not ready within 30s: %s", m.logs.String())
}

// answersItself reports whether the API port answers with this server's database.
func (m *Mailpit) answersItself() bool {
	resp, err := http.Get(m.APIURL + "/api/v1/info")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var info struct{ Database string }
	return json.NewDecoder(resp.Body).Decode(&info) == nil && info.Database == m.database
}

// Stop stops the server (SMTP down); Restart brings it back on the same ports with the
// mails it had.
func (m *Mailpit) Stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	select {
	case <-m.exited:
		return
	default:
	}
	m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		m.cmd.Process.Kill()
		<-m.exited
	}
}

// Restart starts a stopped server again on the same addresses and database.
func (m *Mailpit) Restart(tb testing.TB) {
	tb.Helper()
	if err := m.start(); err != nil {
		tb.Fatalf("restart mailpit: %v", err)
	}
}

// Address is a mail address in Mailpit's API.
type Address struct {
	Name    string
	Address string
}

// Message is one received mail as Mailpit lists it.
type Message struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	Subject   string
}

// Messages returns every received mail, newest first.
func (m *Mailpit) Messages(tb testing.TB) []Message {
	tb.Helper()
	var all []Message
	for start := 0; ; {
		var page struct {
			Total    int
			Messages []Message
		}
		m.get(tb, fmt.Sprintf("/api/v1/messages?start=%d&limit=500", start), &page)
		all = append(all, page.Messages...)
		start += len(page.Messages)
		if len(page.Messages) == 0 || start >= page.Total {
			return all
		}
	}
}

// Detail is one mail's parts and headers.
type Detail struct {
	Text    string
	HTML    string
	Headers map[string][]string
}

// Detail returns the parts and headers of a received mail.
func (m *Mailpit) Detail(tb testing.TB, id string) Detail {
	tb.Helper()
	var d Detail
	m.get(tb, "/api/v1/message/"+id, &d)
	m.get(tb, "/api/v1/message/"+id+"/headers", &d.Headers)
	return d
}

func (m *Mailpit) get(tb testing.TB, path string, into any) {
	tb.Helper()
	resp, err := http.Get(m.APIURL + path)
	if err != nil {
		tb.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("mailpit %s: status %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		tb.Fatalf("mailpit %s: %v", path, err)
	}
}

func find() (string, error) {
	if p := os.Getenv(EnvMailpit); p != "" {
		return p, nil
	}
	dir, err := repotest.Root()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, ".cache", "bin", "mailpit")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	script := filepath.Join(dir, "scripts", "mailpit-build.sh")
	if out, err := exec.Command(script).CombinedOutput(); err != nil {
		return "", fmt.Errorf("build mailpit with %s: %v: %s", script, err, out)
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
