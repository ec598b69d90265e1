package app

import (
	"context"
	"sync"
	"time"

	"carpool/internal/carpool"
)

// maxBlockedKeys bounds the memory of blockedKeys; when an attack names more keys than
// this, the cache starts over and the database answers until it has filled again.
const maxBlockedKeys = 100_000

// blockedKeys remembers, in this process, until when throttle keys must wait, so that a
// flood of attempts on a blocked account or from a blocked address is refused without a
// database transaction each. The database stays the authority: a key is only ever
// blocked here because the database said so, and only until the time it named. (A later
// refund can shorten a wait in the database; this process then refuses for at most the
// rest of the longer wait, erring on the side of the attacker's victim.)
type blockedKeys struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// wait returns how long the longest-blocked of keys must still wait at now.
func (b *blockedKeys) wait(keys []carpool.ThrottleKey, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	var longest time.Duration
	for _, k := range keys {
		until, ok := b.until[k.Key]
		if !ok {
			continue
		}
		if w := until.Sub(now); w > 0 {
			longest = max(longest, w)
		} else {
			delete(b.until, k.Key)
		}
	}
	return longest
}

// note remembers the waits the database returned for keys at now.
func (b *blockedKeys) note(keys []carpool.ThrottleKey, waits []time.Duration, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.until == nil || len(b.until) >= maxBlockedKeys {
		b.until = map[string]time.Time{}
	}
	for i, w := range waits {
		if w > 0 && i < len(keys) {
			b.until[keys[i].Key] = now.Add(w)
		}
	}
}

// throttled is the refusal of an attempt that must wait; Retry-After is whole seconds,
// rounded up so that a client that obeys it is not refused again.
func throttled(wait time.Duration) error {
	return throttledFor(wait, carpool.Phrasef("sign-in attempts"))
}

// throttledFor is throttled for other kinds of attempts ("requests for a reset link").
func throttledFor(wait time.Duration, what carpool.Phrase) error {
	after := wait.Round(time.Second)
	if after < wait {
		after += time.Second
	}
	e := carpool.Errorf(carpool.ETHROTTLED, "too many %s; please wait %s before trying again", what, after)
	e.RetryAfter = after
	return e
}

// takeAttempt charges one attempt to keys through the sign-in throttle (the same
// counters table, the same in-process cache of blocked keys) and refuses with
// ETHROTTLED, naming what, when one of them must wait.
func (a *App) takeAttempt(ctx context.Context, keys []carpool.ThrottleKey, what carpool.Phrase) error {
	if wait := a.blocked.wait(keys, time.Now()); wait > 0 {
		return throttledFor(wait, what)
	}
	waits, err := a.store.TakeSignInAttempt(ctx, keys)
	if err != nil {
		return err
	}
	if wait := carpool.LongestWait(waits); wait > 0 {
		a.blocked.note(keys, waits, time.Now())
		return throttledFor(wait, what)
	}
	return nil
}
