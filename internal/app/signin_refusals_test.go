package app_test

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// refusals records what an App reports through Options.SignInRefused.
type refusals struct {
	mu  sync.Mutex
	got map[string]int
}

func (r *refusals) note(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got == nil {
		r.got = map[string]int{}
	}
	r.got[reason]++
}

func (r *refusals) take() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// TestSignInReportsRefusals: every refused sign-in by password is reported once with its
// reason, successes and sign-ins that were never tried are not.
func TestSignInReportsRefusals(t *testing.T) {
	f := newApp(t)
	var r refusals
	// Two free attempts per account, then a wait far longer than the test.
	a := app.New(f.store, app.Options{Now: f.clock.Now, SignInRefused: r.note,
		AccountBackoff: carpool.Backoff{Free: 2, Base: time.Hour, Max: time.Hour, Forget: 24 * time.Hour}})
	m := f.member(carpool.RoleMember)
	client := netip.MustParseAddr("192.0.2.7")
	cases := []struct {
		name            string
		email, password string
		code            string
		want            string
	}{
		{"right password", m.Email, password, "", ""},
		{"wrong password", m.Email, password + "!", carpool.EUNAUTHORIZED, app.RefusedBadCredentials},
		{"unknown address", "nobody@example.com", password, carpool.EUNAUTHORIZED, app.RefusedBadCredentials},
		{"second wrong password", m.Email, "guess", carpool.EUNAUTHORIZED, app.RefusedBadCredentials},
		{"third try on the account", m.Email, password, carpool.ETHROTTLED, app.RefusedThrottled},
		{"again, refused before the database", m.Email, password, carpool.ETHROTTLED, app.RefusedThrottled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.SignIn(f.ctx, tc.email, tc.password, client)
			if tc.code == "" {
				mustDo(t, err)
			} else {
				wantCode(t, err, tc.code, "")
			}
			got := r.take()
			if tc.want == "" {
				if len(got) != 0 {
					t.Errorf("reported %v, want nothing", got)
				}
				return
			}
			if len(got) != 1 || got[tc.want] != 1 {
				t.Errorf("reported %v, want %s once", got, tc.want)
			}
		})
	}

	t.Run("every hash slot busy", func(t *testing.T) {
		var busy refusals
		one := app.New(f.store, app.Options{Now: f.clock.Now, SignInRefused: busy.note, HashSlots: 1, HashWait: time.Millisecond})
		const n = 8
		members := make([]carpool.Member, n)
		for i := range members {
			members[i] = f.member(carpool.RoleMember)
		}
		codes := make([]string, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, m := range members {
			wg.Go(func() {
				<-start
				_, err := one.SignIn(f.ctx, m.Email, password, netip.Addr{})
				codes[i] = carpool.ErrorCode(err)
			})
		}
		close(start)
		wg.Wait()
		refused := 0
		for i, c := range codes {
			switch c {
			case "":
			case carpool.EUNAVAILABLE:
				refused++
			default:
				t.Errorf("sign-in %d: got code %q, want success or %s", i, c, carpool.EUNAVAILABLE)
			}
		}
		if refused == 0 {
			t.Fatalf("no sign-in among %d at once on one hash slot was refused", n)
		}
		if got := busy.take(); len(got) != 1 || got[app.RefusedHashSlotsBusy] != refused {
			t.Errorf("reported %v, want %s %d times", got, app.RefusedHashSlotsBusy, refused)
		}
	})
}
