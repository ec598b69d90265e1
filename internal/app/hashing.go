package app

import (
	"context"
	"math"
	"sync"
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

// DefaultHashMemoryReturn is how long after the last password hash the process hands
// the hashes' memory back to the operating system. An argon2id hash leaves 19 MiB of
// garbage per slot; the collector only runs again when the heap doubles or after two
// minutes, and the scavenger returns freed pages slowly, so after one sign-up an idle
// replica stayed about 23 MB larger for minutes. A forced collection of an idle heap
// costs a few milliseconds, a hash a few hundred, and a burst of sign-ins reuses the
// memory until it ends.
const DefaultHashMemoryReturn = time.Second

// hashSlots bounds the password hashes that run at once in this process, and gives
// their memory back once none has run for a while.
type hashSlots struct {
	slots chan struct{}
	wait  time.Duration

	// giveBack returns freed memory to the OS (debug.FreeOSMemory), giveBackAfter
	// the quiet time after the last hash before it runs; nil: never.
	giveBack      func()
	giveBackAfter time.Duration
	mu            sync.Mutex
	running       int
	// hashed counts the hashes finished, so that a timer set before a newer hash
	// leaves the return to that hash's own timer.
	hashed uint64
	timer  *time.Timer
}

func newHashSlots(n int, wait time.Duration, giveBack func(), giveBackAfter time.Duration) *hashSlots {
	return &hashSlots{slots: make(chan struct{}, n), wait: wait, giveBack: giveBack, giveBackAfter: giveBackAfter}
}

// acquire takes a slot, waiting at most h.wait; the caller must call the returned
// release. Without a slot it returns EUNAVAILABLE, having spent no memory.
func (h *hashSlots) acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return h.started(), nil
	default:
	}
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return h.started(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, &carpool.Error{Code: carpool.EUNAVAILABLE, RetryAfter: hashRetryAfter,
			Message: "too many sign-ins are being checked right now; please try again in a moment"}
	}
}

// started counts a hash that took a slot and returns what frees the slot.
func (h *hashSlots) started() (release func()) {
	h.mu.Lock()
	h.running++
	h.mu.Unlock()
	return func() {
		<-h.slots
		h.finished()
	}
}

// finished counts a hash that ended; the last one of a burst arms the memory return.
func (h *hashSlots) finished() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running--
	h.hashed++
	if h.giveBack == nil || h.running > 0 {
		return
	}
	seen := h.hashed
	if h.timer != nil {
		h.timer.Stop()
	}
	h.timer = time.AfterFunc(h.giveBackAfter, func() { h.giveBackIfQuiet(seen) })
}

// giveBackIfQuiet returns the memory unless a hash runs or one finished after the
// timer was set (its own timer comes later): the memory would be taken again at once.
func (h *hashSlots) giveBackIfQuiet(seen uint64) {
	h.mu.Lock()
	quiet := h.running == 0 && h.hashed == seen
	h.mu.Unlock()
	if quiet {
		h.giveBack()
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
