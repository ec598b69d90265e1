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
