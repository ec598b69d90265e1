package partnerapi

import (
	"sync"
	"time"
)

// limiter counts each partner's requests in fixed windows. It is per replica: with n
// replicas a partner may make up to n times the rate, which bounds a runaway client
// without a shared store on the request path.
type limiter struct {
	rate   int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	start time.Time
	used  map[string]int
}

func newLimiter(rate int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{rate: rate, window: window, now: now, used: map[string]int{}}
}

// allow counts one request of partner id, or says how long until the window turns.
func (l *limiter) allow(id string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.start) >= l.window || now.Before(l.start) {
		// A new window forgets every partner, so the map never outgrows one window.
		l.start, l.used = now, map[string]int{}
	}
	if l.used[id] >= l.rate {
		return l.start.Add(l.window).Sub(now), false
	}
	l.used[id]++
	return 0, true
}
