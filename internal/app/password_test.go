package app_test

import (
	"sync"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// TestPasswordWritesShareTheHashSlots: changing and resetting passwords hash (and check)
// in the slots sign-in uses, so a flood of them cannot hold more argon2id memory than
// the slots allow; with one slot, some of many at once are told to come back.
func TestPasswordWritesShareTheHashSlots(t *testing.T) {
	f := newApp(t)
	a := app.New(f.store, app.Options{Now: f.clock.Now, HashSlots: 1, HashWait: time.Millisecond})
	admin := f.member(carpool.RoleAdmin)
	const n = 8
	members := make([]carpool.Member, n)
	for i := range members {
		members[i] = f.member(carpool.RoleMember)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, m := range members {
		wg.Go(func() {
			<-start
			next := "another long passphrase " + m.ID[:6]
			if i%2 == 0 {
				errs[i] = a.ChangePassword(f.ctx, m, password, next, "")
			} else {
				errs[i] = a.ResetPassword(f.ctx, admin, m.ID, next)
			}
		})
	}
	close(start)
	wg.Wait()
	busy := 0
	for i, err := range errs {
		switch carpool.ErrorCode(err) {
		case "":
		case carpool.EUNAVAILABLE:
			busy++
		default:
			t.Errorf("password write %d: got %v, want success or EUNAVAILABLE", i, err)
		}
	}
	if busy == 0 {
		t.Errorf("got no EUNAVAILABLE among %d concurrent password writes on one hash slot", n)
	}
}
