// Package repotest finds carpool's repository for tests and the servers they start: the
// tools scripts build land in its .cache/bin, and its scripts build them.
package repotest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Root is the directory of carpool's go.mod at or above the working directory, which go
// test sets to the package's own. The source file's path is no guide: under -trimpath
// it is relative to the module.
func Root() (string, error) {
	start, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("locate the repository: %w", err)
	}
	for dir := start; ; {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.HasPrefix(string(b), "module carpool\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("locate the repository: no carpool go.mod at or above %s", start)
		}
		dir = parent
	}
}
