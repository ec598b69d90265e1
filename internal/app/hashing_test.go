package app_test

import (
	"math"
	"testing"

	"carpool/internal/app"
)

func TestHashSlotsFor(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name  string
		limit int64
		procs int
		want  int
	}{
		{"chart default: 90% of 256Mi", 230 * mib, 2, 3},
		{"small pod", 128 * mib, 2, 1},
		{"below the reserve", 64 * mib, 2, 1},
		{"512Mi pod, memory allows 9, four CPUs 8", 460 * mib, 4, 8},
		{"512Mi pod on eight CPUs", 460 * mib, 8, 9},
		{"lots of memory, two CPUs", 8 << 30, 2, 4},
		{"no limit known", math.MaxInt64, 3, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := app.HashSlotsFor(tt.limit, tt.procs); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}
