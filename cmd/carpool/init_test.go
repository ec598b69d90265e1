package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// What package initialisation may allocate. Every process pays it before main, on
// every start (serve, migrate, healthcheck probes), and it stays in the heap: loading
// dictionaries, catalogues or templates at init once cost ~12.6 MB and ~100 ms per start
// (the password-strength library's word maps alone ~11.3 MB). The numbers are
// allocations, which the init trace counts exactly, not time.
const (
	// initBudget bounds every package together (about 1.1 MB today, most of it in
	// libraries' tables: s3utils, procfs, prometheus).
	initBudget = 3 << 19
	// ownPackageBudget bounds each of carpool's own packages: they load what they need
	// on first use.
	ownPackageBudget = 256 << 10
)

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, [0-9.]+ ms clock, ([0-9]+) bytes, ([0-9]+) allocs`)

// TestInitAllocations measures the binary as it ships: built here with the image's flags
// rather than the test's own (the race detector more than doubles what initialisation
// allocates, and the test binary links test-only packages), then run as `carpool version`.
func TestInitAllocations(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command builds the binary measured here: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "carpool")
	build := exec.Command(goTool, "build", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build carpool: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run carpool version for its init trace: %v\n%s", err, stderr.String())
	}
	type pkgInit struct {
		name   string
		bytes  int
		allocs int
	}
	var inits []pkgInit
	total := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		m := initLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		b, _ := strconv.Atoi(m[2])
		a, _ := strconv.Atoi(m[3])
		inits = append(inits, pkgInit{m[1], b, a})
		total += b
	}
	if len(inits) < 50 {
		t.Fatalf("the init trace has %d package lines; is GODEBUG=inittrace=1 still read?\n%s", len(inits), stderr.String())
	}
	slices.SortFunc(inits, func(a, b pkgInit) int { return b.bytes - a.bytes })
	var top strings.Builder
	for _, p := range inits[:min(10, len(inits))] {
		fmt.Fprintf(&top, "\n  %-60s %10d bytes %7d allocs", p.name, p.bytes, p.allocs)
	}
	t.Logf("package initialisation allocates %d bytes in %d packages; the largest:%s", total, len(inits), top.String())
	if total > initBudget {
		t.Errorf("package initialisation allocates %d bytes, more than the budget of %d; the largest:%s", total, initBudget, top.String())
	}
	for _, p := range inits {
		if strings.HasPrefix(p.name, "carpool/") && p.bytes > ownPackageBudget {
			t.Errorf("init %s allocates %d bytes (budget %d per carpool package): load it on first use", p.name, p.bytes, ownPackageBudget)
		}
	}
}
