package main

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"carpool/internal/config"
)

// cgroupMemoryFiles hold a container's memory limit: cgroup v2 first, then v1.
var cgroupMemoryFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// memoryLimitShare is the part of a container's memory limit handed to the Go runtime as
// its soft limit; the rest covers what the runtime does not count (the binary's text,
// thread stacks of the OS) so the kernel's OOM killer never comes first.
const memoryLimitShare = 0.9

// applyMemoryLimit gives the Go runtime a soft memory limit when the operator set no
// GOMEMLIMIT but the container has a limit, so the garbage collector works harder before
// the kernel kills the pod, and the password hash slots are derived from a real figure.
// It returns the runtime's limit afterwards (math.MaxInt64: none).
func applyMemoryLimit(getenv config.Environ, logger *slog.Logger) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	for _, f := range cgroupMemoryFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		v := strings.TrimSpace(string(b))
		n, err := strconv.ParseInt(v, 10, 64)
		// "max" (v2) or a huge number (v1) mean no limit.
		if err != nil || n <= 0 || n >= math.MaxInt64/2 {
			break
		}
		limit := int64(float64(n) * memoryLimitShare)
		debug.SetMemoryLimit(limit)
		logger.Info("memory limit from the container", "cgroup_bytes", n, "gomemlimit_bytes", limit)
		return limit
	}
	return debug.SetMemoryLimit(-1)
}
