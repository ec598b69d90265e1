package app

import (
	"context"
	"math"
	"time"

	"carpool/internal/carpool"
)

// Memory arithmetic of password hashing (docs/operations.md repeats it for operators).
// Each argon2id hash holds carpool.PasswordHashMemory (19 MiB) while it runs; nothing
// else a request does comes close. The rest of the process (code, pools, caches, the
// requests in flight) stays within hashReserve. The garbage collector needs headroom to
// keep the heap under the limit while hashes come and go, so only half of what remains
// is handed to hashes.
const (
	hashReserve  = 96 << 20
	hashOverhead = 1 << 20 // the hash's own small allocations next to its memory
	// hashesPerCPU bounds the slots on a machine with plenty of memory: a hash keeps a
	// core busy, so more slots than this only queue in the scheduler, holding memory.
	hashesPerCPU = 2
)

// HashSlotsFor returns how many password hashes may run at once in a process whose
// memory limit is memLimit bytes (0 or math.MaxInt64: no limit known) on procs CPUs.
func HashSlotsFor(memLimit int64, procs int) int {
	byCPU := max(1, procs*hashesPerCPU)
	if memLimit <= 0 || memLimit == math.MaxInt64 {
		return byCPU
	}
	perHash := int64(carpool.PasswordHashMemory + hashOverhead)
	byMemory := int((memLimit - hashReserve) / 2 / perHash)
	return max(1, min(byMemory, byCPU))
}

// DefaultHashWait is how long a sign-in waits for a free hash slot before it is refused:
// long enough to ride out a short burst, short enough that a flood is answered at once.
const DefaultHashWait = 200 * time.Millisecond

// hashRetryAfter is what a refused sign-in is told to wait: a hash takes well under it.
const hashRetryAfter = time.Second

// hashSlots bounds the password hashes that run at once in this process.
type hashSlots struct {
	slots chan struct{}
	wait  time.Duration
}

func newHashSlots(n int, wait time.Duration) *hashSlots {
	return &hashSlots{slots: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot, waiting at most h.wait; the caller must call the returned
// release. Without a slot it returns EUNAVAILABLE, having spent no memory.
func (h *hashSlots) acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-h.slots }
	select {
	case h.slots <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, &carpool.Error{Code: carpool.EUNAVAILABLE, RetryAfter: hashRetryAfter,
			Message: "too many sign-ins are being checked right now; please try again in a moment"}
	}
}

// HashSlots returns how many password hashes this App runs at once.
func (a *App) HashSlots() int { return cap(a.hashes.slots) }

// hashPassword hashes a new password in one of the slots sign-in uses: every argon2id
// hash of the process counts against the same bound, whichever use case needs it.
func (a *App) hashPassword(ctx context.Context, password string) (string, error) {
	release, err := a.hashes.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return carpool.HashPassword(password)
}

// checkPassword checks a password against its hash in one of the slots sign-in uses:
// a check costs what a hash costs.
func (a *App) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	release, err := a.hashes.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return carpool.CheckPassword(hash, password), nil
}
