// Package pgtest gives tests a real PostgreSQL: the server named by
// CARPOOL_TEST_POSTGRES_URL, or else a throwaway one started from the binaries on the
// machine, and a fresh database per test.
//
// A test package that uses Shared runs it from TestMain, so the server it starts is
// stopped when the tests end:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// Without PostgreSQL the tests skip with a loud reason, unless CARPOOL_REQUIRE_POSTGRES=1
// (or CI) is set: then a missing PostgreSQL fails them.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables that steer the harness.
const (
	// EnvURL names an existing server to use instead of starting one; its user must be
	// allowed to create databases.
	EnvURL = "CARPOOL_TEST_POSTGRES_URL"
	// EnvRequire turns a missing PostgreSQL from a skip into a failure.
	EnvRequire = "CARPOOL_REQUIRE_POSTGRES"
	// EnvBin names the directory holding initdb and postgres, when they are not found on
	// PATH or under /usr/lib/postgresql.
	EnvBin = "CARPOOL_POSTGRES_BIN"
)

// errNoPostgres marks the one failure that may skip a test: no PostgreSQL to use.
var errNoPostgres = errors.New("no PostgreSQL available")

var shared struct {
	once   sync.Once
	server *Server
	err    error
}

// Main runs the tests of a package and then stops the shared server, if one was started.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.server != nil {
		if err := shared.server.close(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stop shared PostgreSQL: %v\n", err)
		}
	}
	return code
}

// Shared returns the server that all tests of this test binary share, starting it on
// first use. Tests must not stop it; use New for a server a test may stop.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	shared.once.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			shared.server, shared.err = external(u)
			return
		}
		shared.server, shared.err = start(false)
	})
	if shared.err != nil {
		unavailable(tb, shared.err)
	}
	return shared.server
}

// New starts a server of the test's own, stopped and removed when the test ends. Only
// such a server can be stopped and started again (see Stop and Start). It needs the
// PostgreSQL binaries even when CARPOOL_TEST_POSTGRES_URL is set; see Own.
func New(tb testing.TB) *Server {
	tb.Helper()
	return newServer(tb, false)
}

// NewDurable is New with synchronous_commit on, for tests that crash the server
// (StopImmediate) and then count on every commit a client was told about.
func NewDurable(tb testing.TB) *Server {
	tb.Helper()
	return newServer(tb, true)
}

func newServer(tb testing.TB, durable bool) *Server {
	tb.Helper()
	s, err := start(durable)
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(func() {
		if err := s.close(); err != nil {
			tb.Errorf("stop PostgreSQL: %v", err)
		}
	})
	return s
}

// Own returns a server the test may stop and start (New) when the harness starts
// servers, or the shared server named by CARPOOL_TEST_POSTGRES_URL, which it may not:
// check Stoppable.
func Own(tb testing.TB) *Server {
	tb.Helper()
	if os.Getenv(EnvURL) != "" {
		return Shared(tb)
	}
	return New(tb)
}

// NewDatabase returns the URL of a fresh, empty database on the shared server, dropped
// when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	return Shared(tb).NewDatabase(tb)
}

// Required reports whether a missing PostgreSQL is a failure rather than a skip.
func Required() bool {
	truthy := func(v string) bool {
		v = strings.ToLower(strings.TrimSpace(v))
		return v != "" && v != "0" && v != "false" && v != "no"
	}
	return truthy(os.Getenv(EnvRequire)) || truthy(os.Getenv("CI"))
}

func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if errors.Is(err, errNoPostgres) && !Required() {
		tb.Skipf("SKIPPED, NO POSTGRESQL: %v (install PostgreSQL, set %s, or set %s=1 to make this a failure)", err, EnvURL, EnvRequire)
	}
	tb.Fatalf("PostgreSQL for tests: %v", err)
}

// Server is a PostgreSQL server that tests create databases on.
type Server struct {
	admin *url.URL // the maintenance database, as a superuser
	local *instance

	mu        sync.Mutex
	templates map[string]*template
}

// template is a prepared database that new databases are copied from.
type template struct {
	once sync.Once
	name string
	err  error
}

func external(raw string) (*Server, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%s is not a postgres:// URL", EnvURL)
	}
	s := &Server{admin: u}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", EnvURL, err)
	}
	return s, conn.Close(ctx)
}

// URL returns the URL of database name on this server.
func (s *Server) URL(name string) string {
	u := *s.admin
	u.Path = "/" + name
	return u.String()
}

// AdminURL returns the URL of the server's maintenance database.
func (s *Server) AdminURL() string { return s.admin.String() }

// NewDatabase creates an empty database for the test and returns its URL; the database
// is dropped (its connections closed) when the test ends.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	return s.newDatabase(tb, "")
}

// NewDatabaseFrom creates a database for the test as a copy of a template, prepared
// once per key and server by prepare (given the template's URL; it must close every
// connection it opened). Copying a migrated template is much faster than migrating
// each test's database.
func (s *Server) NewDatabaseFrom(tb testing.TB, key string, prepare func(ctx context.Context, url string) error) string {
	tb.Helper()
	s.mu.Lock()
	if s.templates == nil {
		s.templates = map[string]*template{}
	}
	tpl, ok := s.templates[key]
	if !ok {
		tpl = &template{}
		s.templates[key] = tpl
	}
	s.mu.Unlock()
	tpl.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		name := databaseName("template_" + key)
		if tpl.err = s.exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); tpl.err != nil {
			return
		}
		tpl.name = name
		if err := prepare(ctx, s.URL(name)); err != nil {
			tpl.err = fmt.Errorf("prepare template %s: %w", key, err)
		}
	})
	if tpl.err != nil {
		tb.Fatalf("template database: %v", tpl.err)
	}
	return s.newDatabase(tb, tpl.name)
}

func (s *Server) newDatabase(tb testing.TB, template string) string {
	tb.Helper()
	name := databaseName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if err := s.exec(ctx, sql); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if s.local != nil && !s.local.running() {
			return // the test stopped its own server; it is removed whole
		}
		if err := s.dropDatabase(ctx, name); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	return s.URL(name)
}

func (s *Server) dropDatabase(ctx context.Context, name string) error {
	return s.exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// Stoppable reports whether Stop and Start work on this server: only on one from New.
func (s *Server) Stoppable() bool { return s.local != nil && s != shared.server }

// Stop shuts the server down (fast shutdown: open sessions are ended) and waits until it
// has exited. Only servers from New can be stopped.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	if !s.Stoppable() {
		tb.Fatalf("pgtest: only a server from pgtest.New can be stopped")
	}
	if err := s.local.stop(); err != nil {
		tb.Fatalf("stop PostgreSQL: %v", err)
	}
}

// Start starts a server stopped with Stop again, on the same port and data, and waits
// until it accepts connections.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	if !s.Stoppable() {
		tb.Fatalf("pgtest: only a server from pgtest.New can be started")
	}
	if err := s.local.start(); err != nil {
		tb.Fatalf("start PostgreSQL: %v", err)
	}
}

func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.admin.String())
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// close stops a server this harness started (its files go with it) or, on a server
// of someone else's, drops the template databases it made.
func (s *Server) close() error {
	if s.local != nil {
		return s.local.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	for _, tpl := range s.templates {
		if tpl.name != "" {
			errs = append(errs, s.dropDatabase(ctx, tpl.name))
		}
	}
	return errors.Join(errs...)
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9]+`)

// databaseName makes a unique, recognisable database name from a test name, within
// PostgreSQL's 63-byte limit.
func databaseName(test string) string {
	base := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(test), "_"), "_")
	if len(base) > 40 {
		base = base[:40]
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	return "t_" + base + "_" + hex.EncodeToString(suffix[:])
}

// StopImmediate shuts the server down the way a crash would (immediate shutdown: open
// sessions are cut, no checkpoint) and waits until it has exited. Start brings it back
// through crash recovery. Only servers from New can be stopped.
func (s *Server) StopImmediate(tb testing.TB) {
	tb.Helper()
	if !s.Stoppable() {
		tb.Fatalf("pgtest: only a server from pgtest.New can be stopped")
	}
	if err := s.local.stopImmediate(); err != nil {
		tb.Fatalf("stop PostgreSQL: %v", err)
	}
}

// Pause freezes the server and all its backends (SIGSTOP), as a stalled disk or a
// paused VM would: connections stay open but nothing answers. Resume thaws it; a test
// that pauses must resume before it ends.
func (s *Server) Pause(tb testing.TB) {
	tb.Helper()
	if !s.Stoppable() {
		tb.Fatalf("pgtest: only a server from pgtest.New can be paused")
	}
	if err := s.local.signalAll(syscall.SIGSTOP); err != nil {
		tb.Fatalf("pause PostgreSQL: %v", err)
	}
}

// Resume thaws a server frozen with Pause.
func (s *Server) Resume(tb testing.TB) {
	tb.Helper()
	if err := s.local.signalAll(syscall.SIGCONT); err != nil {
		tb.Fatalf("resume PostgreSQL: %v", err)
	}
}
