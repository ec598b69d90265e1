package storetest

import (
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// slow is a policy whose waits are far longer than a test, so a refused attempt stays
// refused while the test looks at it.
var slow = carpool.Backoff{Free: 3, Base: time.Hour, Max: 24 * time.Hour, Forget: 48 * time.Hour}

func testThrottle(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	take := func(t *testing.T, keys ...carpool.ThrottleKey) time.Duration {
		t.Helper()
		waits, err := e.s.TakeSignInAttempt(e.ctx, keys)
		noErr(t, err, "take attempt")
		if len(waits) != len(keys) {
			t.Fatalf("got %d waits for %d keys", len(waits), len(keys))
		}
		return carpool.LongestWait(waits)
	}

	t.Run("free attempts, then a wait", func(t *testing.T) {
		k := carpool.ThrottleKey{Key: "account:" + unique(), Policy: slow}
		for i := 1; i <= slow.Free; i++ {
			if wait := take(t, k); wait != 0 {
				t.Fatalf("attempt %d: got wait %v, want none", i, wait)
			}
		}
		wait := take(t, k)
		if wait <= 0 || wait > slow.Base {
			t.Fatalf("attempt %d: got wait %v, want up to %v", slow.Free+1, wait, slow.Base)
		}
	})

	t.Run("reset clears the count", func(t *testing.T) {
		k := carpool.ThrottleKey{Key: "account:" + unique(), Policy: slow}
		for range slow.Free {
			take(t, k)
		}
		noErr(t, e.s.ResetSignInAttempts(e.ctx, k.Key), "reset")
		if wait := take(t, k); wait != 0 {
			t.Fatalf("after reset: got wait %v, want none", wait)
		}
	})

	t.Run("a waiting key charges none of the others", func(t *testing.T) {
		blocked := carpool.ThrottleKey{Key: "address:" + unique(), Policy: slow}
		for range slow.Free {
			take(t, blocked)
		}
		other := carpool.ThrottleKey{Key: "account:" + unique(), Policy: slow}
		for i := range slow.Free + 2 {
			waits, err := e.s.TakeSignInAttempt(e.ctx, []carpool.ThrottleKey{other, blocked})
			noErr(t, err, "take attempt")
			if waits[0] != 0 || waits[1] <= 0 {
				t.Fatalf("attempt %d: got waits %v, want none for the free key and one for the blocked key", i, waits)
			}
		}
		// other was never charged, so all its free attempts are left.
		for i := 1; i <= slow.Free; i++ {
			if wait := take(t, other); wait != 0 {
				t.Fatalf("other's attempt %d: got wait %v, want none", i, wait)
			}
		}
	})

	t.Run("refund takes back one attempt", func(t *testing.T) {
		k := carpool.ThrottleKey{Key: "address:" + unique(), Policy: slow}
		for range slow.Free - 1 {
			take(t, k)
		}
		take(t, k) // the last free one, taken back by a success
		noErr(t, e.s.RefundSignInAttempt(e.ctx, k), "refund")
		noErr(t, e.s.RefundSignInAttempt(e.ctx, carpool.ThrottleKey{Key: "address:" + unique(), Policy: slow}), "refund of an unknown key")
		if wait := take(t, k); wait != 0 {
			t.Fatalf("after refund: got wait %v, want none", wait)
		}
	})

	t.Run("concurrent attempts get no more than the free ones", func(t *testing.T) {
		account := carpool.ThrottleKey{Key: "account:" + unique(), Policy: slow}
		address := carpool.ThrottleKey{Key: "address:" + unique(), Policy: slow}
		const clients = 40
		var wg sync.WaitGroup
		passed := make([]bool, clients)
		errs := make([]error, clients)
		start := make(chan struct{})
		for i := range clients {
			wg.Go(func() {
				<-start
				keys := []carpool.ThrottleKey{account, address}
				if i%2 == 1 {
					keys = []carpool.ThrottleKey{address, account} // other lock order
				}
				waits, err := e.s.TakeSignInAttempt(e.ctx, keys)
				passed[i], errs[i] = carpool.LongestWait(waits) == 0, err
			})
		}
		close(start)
		wg.Wait()
		n := 0
		for i := range clients {
			noErr(t, errs[i], "concurrent take")
			if passed[i] {
				n++
			}
		}
		if n != slow.Free {
			t.Fatalf("got %d attempts through, want exactly the %d free ones", n, slow.Free)
		}
	})
}
