package image_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// repoRoot is the directory holding the main module's go.mod, found from the test's
// working directory so the tests run from any checkout.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal(fmt.Errorf("no go.mod above %s", dir))
		}
		dir = parent
	}
}

// skipOrFail skips with a loud reason on a developer's machine and fails in CI, where
// every outside dependency must be present.
func skipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		tb.Fatalf("CI is set, so this may not skip: %s", msg)
	}
	tb.Skipf("SKIPPING: %s", msg)
}
