package app

import (
	"context"
	"sync"
	"time"

	"carpool/internal/carpool"
)

// The geocoder answers one request a second for the whole process, so one member's
// burst of searches would make everyone else wait behind it. Each member may have
// addressSearchSlots searches going and addressSearchQueue more waiting, each at most
// the gate's wait; beyond that a search is refused (429) at once. The gate is this
// process's, as the geocoder client's queue is; how many searches a member makes in all,
// on every replica, is bounded by the database's count (admitAddressSearch).
const (
	addressSearchSlots       = 1
	addressSearchQueue       = 2
	DefaultAddressSearchWait = 5 * time.Second
)

// memberGate bounds the address searches each member has going.
type memberGate struct {
	wait time.Duration
	mu   sync.Mutex
	load map[string]*memberLoad
}

// memberLoad is one member's share: sem holds a token per search going, waiting counts
// those queued, users both (the entry is dropped when it reaches 0).
type memberLoad struct {
	sem     chan struct{}
	waiting int
	users   int
}

func newMemberGate(wait time.Duration) *memberGate {
	if wait <= 0 {
		wait = DefaultAddressSearchWait
	}
	return &memberGate{wait: wait, load: map[string]*memberLoad{}}
}

// errTooManySearches is the refusal beyond a member's queue or wait.
func errTooManySearches() error {
	return &carpool.Error{Code: carpool.ETHROTTLED, RetryAfter: time.Second,
		Message: "you have too many address searches going at once; wait for them to finish"}
}

// enter waits for one of the member's slots and returns its release, or refuses.
func (g *memberGate) enter(ctx context.Context, memberID string) (func(), error) {
	g.mu.Lock()
	l := g.load[memberID]
	if l == nil {
		l = &memberLoad{sem: make(chan struct{}, addressSearchSlots)}
		g.load[memberID] = l
	}
	select {
	case l.sem <- struct{}{}:
		l.users++
		g.mu.Unlock()
		return g.leave(memberID, l), nil
	default:
	}
	if l.waiting >= addressSearchQueue {
		g.mu.Unlock()
		return nil, errTooManySearches()
	}
	l.waiting++
	l.users++
	g.mu.Unlock()

	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	var err error
	select {
	case l.sem <- struct{}{}:
	case <-timer.C:
		err = errTooManySearches()
	case <-ctx.Done():
		err = ctx.Err()
	}
	g.mu.Lock()
	l.waiting--
	if err != nil {
		g.drop(memberID, l)
	}
	g.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return g.leave(memberID, l), nil
}

// leave returns the release of a slot taken in l.
func (g *memberGate) leave(memberID string, l *memberLoad) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			<-l.sem
			g.mu.Lock()
			g.drop(memberID, l)
			g.mu.Unlock()
		})
	}
}

// drop counts one user of l gone and forgets l when none is left (g.mu held).
func (g *memberGate) drop(memberID string, l *memberLoad) {
	l.users--
	if l.users == 0 && g.load[memberID] == l {
		delete(g.load, memberID)
	}
}
