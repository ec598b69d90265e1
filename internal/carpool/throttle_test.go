package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestBackoffWaitDoublesUpToMax(t *testing.T) {
	b := carpool.Backoff{Free: 3, Base: time.Second, Max: 10 * time.Second}
	want := []time.Duration{0, 0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := b.Wait(i + 1); got != w {
			t.Errorf("wait after attempt %d: got %v, want %v", i+1, got, w)
		}
	}
}

func TestBackoffMostAttemptsWithin(t *testing.T) {
	tests := []struct {
		name   string
		policy carpool.Backoff
		window time.Duration
		want   int
	}{
		// Five at once, then after 1, 2, 4, 8 and 16 s: the sixth to tenth by 31 s.
		{"account, one minute", carpool.AccountBackoff, time.Minute, 10},
		// Then 32 s up to 512 s, then every 15 minutes: the 17th at 2823 s.
		{"account, one hour", carpool.AccountBackoff, time.Hour, 17},
		{"address, one minute", carpool.AddressBackoff, time.Minute, 25},
		{"no time at all", carpool.AccountBackoff, 0, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.MostAttemptsWithin(tt.window); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}
