package carpool

import (
	"context"
	"time"
)

// Backoff is the throttling policy for one kind of sign-in key (an account, a client
// address). The first Free attempts need no wait; from then on each attempt makes the
// next one wait Base, then twice as long, and so on up to Max. A key without attempts for
// Forget starts over. Attempts are counted when they are made, before the password is
// checked, so that concurrent attempts on many replicas cannot slip through together.
type Backoff struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// Wait returns how long the attempt after the n-th (1-based) one must wait.
func (b Backoff) Wait(n int) time.Duration {
	if n < b.Free {
		return 0
	}
	d := b.Base
	for i := b.Free; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// MostAttemptsWithin returns the most attempts one key can make within any window of
// length d: the attempts a client makes by retrying the moment each wait ends, counted
// from a fresh key, since the waits only grow from there.
func (b Backoff) MostAttemptsWithin(d time.Duration) int {
	n := 0
	var at time.Duration
	for at <= d {
		n++
		w := b.Wait(n)
		if w <= 0 && n >= b.Free && b.Free > 0 {
			// A policy without waits never binds; stop counting rather than loop.
			return n
		}
		at += w
	}
	return n
}

// Throttle policies for sign-in by password. An account gets few free attempts: its owner
// rarely mistypes more than a few times. A client address gets more, since one office
// behind a NAT or one proxy speaks for many people.
var (
	AccountBackoff = Backoff{Free: 5, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	AddressBackoff = Backoff{Free: 20, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// ThrottleKey is one counter a sign-in attempt is charged to, with its policy.
type ThrottleKey struct {
	Key    string // "account:<email>" or "address:<ip>"
	Policy Backoff
}

// ThrottleStore keeps the sign-in attempt counters that all replicas share.
type ThrottleStore interface {
	// TakeSignInAttempt charges one attempt to every key, in one transaction, unless one
	// of them must still wait: then nothing is charged. It returns, for each key in
	// order, how long it must still wait (zero when it need not).
	TakeSignInAttempt(ctx context.Context, keys []ThrottleKey) (waits []time.Duration, err error)
	// ResetSignInAttempts forgets the attempts of key (a successful sign-in).
	ResetSignInAttempts(ctx context.Context, key string) error
	// RefundSignInAttempt takes back one attempt charged to key (a successful sign-in
	// from an address that should not count against it).
	RefundSignInAttempt(ctx context.Context, key ThrottleKey) error
}

// LongestWait returns the longest of waits, zero when none is positive.
func LongestWait(waits []time.Duration) time.Duration {
	var longest time.Duration
	for _, w := range waits {
		longest = max(longest, w)
	}
	return longest
}
