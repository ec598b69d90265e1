package main

// These tests run commands in-process through Main, against SQLite files in temp dirs.
// The multi-process behaviour of serve (signals, draining, replicas) is tested under
// test/ with the built binary.

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"carpool/internal/sqlite"
)

type runResult struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env map[string]string, stdin string, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errOut,
		Getenv: func(k string) string { return env[k] },
	}
	code := m.Run(context.Background(), args)
	return runResult{code, out.String(), errOut.String()}
}

func TestVersionAndUsage(t *testing.T) {
	if r := run(t, nil, "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "carpool ") {
		t.Errorf("version: got %d %q, want 0 and a version line", r.code, r.stdout)
	}
	if r := run(t, nil, ""); r.code != exitUsage {
		t.Errorf("no command: got exit %d, want %d", r.code, exitUsage)
	}
	if r := run(t, nil, "", "fly"); r.code != exitUsage || !strings.Contains(r.stderr, `unknown command "fly"`) {
		t.Errorf("unknown command: got %d %q", r.code, r.stderr)
	}
	if r := run(t, nil, "", "migrate", "--no-such-flag"); r.code != exitUsage {
		t.Errorf("unknown flag: got exit %d, want %d", r.code, exitUsage)
	}
}

func TestInvalidConfigurationNamesTheVariable(t *testing.T) {
	r := run(t, map[string]string{"CARPOOL_SHUTDOWN_TIMEOUT": "forever"}, "", "migrate")
	if r.code != exitError || !strings.Contains(r.stderr, "CARPOOL_SHUTDOWN_TIMEOUT") {
		t.Errorf("got %d %q, want exit 1 naming CARPOOL_SHUTDOWN_TIMEOUT", r.code, r.stderr)
	}
}

func TestMigrateAndMembersAdd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "carpool.db")
	env := map[string]string{"CARPOOL_DATABASE_URL": "sqlite://" + path, "CARPOOL_LOG_FORMAT": "text"}

	if r := run(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: exit %d: %s", r.code, r.stderr)
	}
	if r := run(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate twice: exit %d: %s", r.code, r.stderr)
	}

	args := []string{"members", "add", "--email", "Ada@Example.com", "--name", "Ada", "--role", "admin"}
	r := run(t, env, "correct-horse-battery\n", args...)
	if r.code != 0 || !strings.Contains(r.stdout, "created admin ada@example.com") {
		t.Fatalf("members add: got %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, env, "correct-horse-battery\n", args...); r.code != exitError || !strings.Contains(r.stderr, "email") {
		t.Errorf("members add twice: got %d %q, want exit 1 about the email", r.code, r.stderr)
	}
	if r := run(t, env, "short\n", "members", "add", "--email", "b@example.com", "--name", "B"); r.code != exitError || !strings.Contains(r.stderr, "password") {
		t.Errorf("short password: got %d %q, want exit 1 about the password", r.code, r.stderr)
	}
	if r := run(t, env, "", "members", "add", "--email", "c@example.com", "--name", "C"); r.code != exitError {
		t.Errorf("no password on stdin: got exit %d, want 1", r.code)
	}

	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.MemberByEmail(context.Background(), "ada@example.com")
	if err != nil {
		t.Fatalf("the member is not in the database: %v", err)
	}
	if m.Role != "admin" || m.Name != "Ada" {
		t.Errorf("got %+v, want admin Ada", m)
	}
}

// TestMembersAdministration runs every members subcommand against one SQLite file, as an
// operator would after the first admin exists.
func TestMembersAdministration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "carpool.db")
	env := map[string]string{"CARPOOL_DATABASE_URL": "sqlite://" + path, "CARPOOL_LOG_FORMAT": "text"}
	for _, who := range []struct{ email, role string }{{"ada@example.com", "admin"}, {"bo@example.com", "member"}} {
		if r := run(t, env, "correct-horse-battery\n", "members", "add", "--email", who.email, "--name", who.email, "--role", who.role); r.code != 0 {
			t.Fatalf("members add %s: %d %s", who.email, r.code, r.stderr)
		}
	}
	steps := []struct {
		args  []string
		stdin string
		code  int
		out   string // in stdout, or in stderr when the code is not 0
	}{
		{[]string{"members", "set-role", "--email", "bo@example.com", "--role", "fleet_manager"}, "", 0, "bo@example.com is now fleet_manager"},
		{[]string{"members", "set-role", "--email", "ada@example.com", "--role", "member"}, "", exitError, "last admin"},
		{[]string{"members", "set-role", "--email", "nobody@example.com", "--role", "admin"}, "", exitError, "not found"},
		{[]string{"members", "deactivate", "--email", "bo@example.com"}, "", 0, "deactivated bo@example.com"},
		{[]string{"members", "list"}, "", 0, "ada@example.com"},
		{[]string{"members", "list", "--all", "--q", "bo@"}, "", 0, "deactivated"},
		{[]string{"members", "deactivate", "--email", "ada@example.com"}, "", exitError, "last admin"},
		{[]string{"members", "reactivate", "--email", "bo@example.com"}, "", 0, "reactivated bo@example.com"},
		{[]string{"members", "reset-password", "--email", "bo@example.com"}, "a fresh long password\n", 0, "new password set"},
		{[]string{"members", "reset-password", "--email", "bo@example.com"}, "short\n", exitError, "password"},
		{[]string{"members", "deactivate"}, "", exitUsage, "--email"},
		{[]string{"members", "fly"}, "", exitUsage, "subcommand"},
	}
	for _, s := range steps {
		r := run(t, env, s.stdin, s.args...)
		where := r.stdout
		if s.code != 0 {
			where = r.stderr
		}
		if r.code != s.code || !strings.Contains(where, s.out) {
			t.Errorf("%v: got %d %q %q, want %d with %q", s.args, r.code, r.stdout, r.stderr, s.code, s.out)
		}
	}
	if r := run(t, env, "", "members", "list", "-h"); strings.Contains(r.stderr, "http-addr") || !strings.Contains(r.stderr, "-q") {
		t.Errorf("members list -h: got %q, want only its own flags", r.stderr)
	}
}
