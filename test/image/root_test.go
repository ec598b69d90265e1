package image_test

import (
	"fmt"
	"os"
	"testing"

	"carpool/internal/repotest"
)

// repoRoot is the repository's directory, so the tests run from any checkout.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := repotest.Root()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
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
