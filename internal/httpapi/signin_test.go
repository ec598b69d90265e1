package httpapi_test

import (
	"fmt"
	"net/netip"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/clientip"
)

// slowBackoff never lets a wait end during a test, so what a test sees does not depend on
// how fast the machine is.
var slowBackoff = carpool.Backoff{Free: 5, Base: time.Hour, Max: 24 * time.Hour, Forget: 48 * time.Hour}

// loopbackProxy trusts the test client as a proxy, so requests can name their client
// address in X-Forwarded-For.
func loopbackProxy(tb testing.TB) clientip.Resolver {
	tb.Helper()
	p, err := clientip.ParsePrefixes("127.0.0.1,::1")
	if err != nil {
		tb.Fatal(err)
	}
	return clientip.New(p)
}

func signInFrom(tb testing.TB, e *env, email, password, address string) response {
	tb.Helper()
	return e.do(tb, call{method: "POST", path: "/api/v1/tokens", header: map[string]string{"X-Forwarded-For": address},
		body: map[string]string{"email": email, "password": password}})
}

// retryAfter checks that a refusal says how many whole seconds to wait.
func retryAfter(tb testing.TB, r response) int {
	tb.Helper()
	n, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || n < 1 {
		tb.Fatalf("Retry-After: got %q, want a positive number of seconds", r.header.Get("Retry-After"))
	}
	return n
}

func TestSignInThrottledPerAccount(t *testing.T) {
	e := newEnv(t, envOptions{AccountBackoff: slowBackoff, AddressBackoff: slowBackoff, ClientIP: loopbackProxy(t)})
	ada := e.storeMember(t, "Ada Throttle", carpool.RoleMember)

	// Each attempt from an address of its own: only the account's count can bind.
	for i := range slowBackoff.Free {
		signInFrom(t, e, ada.Email, "wrong password "+strconv.Itoa(i), fmt.Sprintf("198.51.100.%d", i+1)).
			problem(t, 401, carpool.EUNAUTHORIZED, "")
	}
	refused := signInFrom(t, e, ada.Email, testPassword, "198.51.100.99")
	refused.problem(t, 429, carpool.ETHROTTLED, "")
	if got := retryAfter(t, refused); got > 3600 {
		t.Errorf("Retry-After: got %d, want at most an hour (the policy's first wait)", got)
	}
	// The same email in another case is the same account.
	signInFrom(t, e, "ADA.throttle@EXAMPLE.com", testPassword, "198.51.100.98").problem(t, 429, carpool.ETHROTTLED, "")
	// Someone else is not affected.
	bo := e.storeMember(t, "Bo Unaffected", carpool.RoleMember)
	signInFrom(t, e, bo.Email, testPassword, "198.51.100.97").want(t, 201)
}

func TestSignInSuccessResetsTheAccount(t *testing.T) {
	e := newEnv(t, envOptions{AccountBackoff: slowBackoff, AddressBackoff: slowBackoff, ClientIP: loopbackProxy(t)})
	ada := e.storeMember(t, "Ada Reset", carpool.RoleMember)
	addr := func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }

	for i := range slowBackoff.Free - 1 {
		signInFrom(t, e, ada.Email, "typo", addr(i)).want(t, 401)
	}
	signInFrom(t, e, ada.Email, testPassword, addr(10)).want(t, 201)
	// Without the reset, the fifth attempt above would have started the wait.
	for i := range slowBackoff.Free {
		signInFrom(t, e, ada.Email, "typo", addr(20+i)).want(t, 401)
	}
	signInFrom(t, e, ada.Email, "typo", addr(30)).problem(t, 429, carpool.ETHROTTLED, "")
}

func TestSignInThrottledPerAddress(t *testing.T) {
	e := newEnv(t, envOptions{AccountBackoff: slowBackoff, AddressBackoff: slowBackoff, ClientIP: loopbackProxy(t)})
	attacker := "192.0.2.66"
	// Password spraying: one guess each for many accounts, from one address.
	for i := range slowBackoff.Free {
		signInFrom(t, e, fmt.Sprintf("victim%d@example.com", i), "Summer2026!", attacker).want(t, 401)
	}
	refused := signInFrom(t, e, "victim-next@example.com", "Summer2026!", attacker)
	refused.problem(t, 429, carpool.ETHROTTLED, "")
	retryAfter(t, refused)

	// A forged X-Forwarded-For entry before the trusted proxy's does not buy a new address.
	forged := signInFrom(t, e, "victim-forged@example.com", "Summer2026!", "10.9.9.9, "+attacker)
	forged.problem(t, 429, carpool.ETHROTTLED, "")

	// Without a trusted proxy the header counts for nothing: the peer is the address.
	direct := newEnv(t, envOptions{AccountBackoff: slowBackoff, AddressBackoff: slowBackoff})
	for i := range slowBackoff.Free {
		signInFrom(t, direct, fmt.Sprintf("victim%d@example.com", i), "x", fmt.Sprintf("192.0.2.%d", i)).want(t, 401)
	}
	signInFrom(t, direct, "victim-new@example.com", "x", "192.0.2.200").problem(t, 429, carpool.ETHROTTLED, "")

	// Successful sign-ins from a busy address (an office) do not count against it.
	office := newEnv(t, envOptions{AccountBackoff: slowBackoff, AddressBackoff: slowBackoff, ClientIP: loopbackProxy(t)})
	for i := range slowBackoff.Free + 3 {
		m := office.storeMember(t, fmt.Sprintf("Colleague %d", i), carpool.RoleMember)
		signInFrom(t, office, m.Email, testPassword, "192.0.2.10").want(t, 201)
	}
}

// runtimeFootprint returns the memory the Go runtime holds from the OS and has not given
// back: what GOMEMLIMIT limits and what a container's limit sees of the heap.
func runtimeFootprint() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}

func TestSignInFloodStaysWithinMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes many passwords")
	}
	runtime.GC()
	base := runtimeFootprint()
	// The budget a small pod would have: what the process holds now plus room for a few
	// hashes. The slots come from it exactly as in production.
	budget := int64(base) + 224<<20
	slots := app.HashSlotsFor(budget, runtime.GOMAXPROCS(0))
	prev := debug.SetMemoryLimit(budget)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })

	e := newEnv(t, envOptions{HashSlots: slots, HashWait: 50 * time.Millisecond, ClientIP: loopbackProxy(t)})
	ada := e.storeMember(t, "Ada Flood", carpool.RoleMember)

	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak.Store(max(peak.Load(), runtimeFootprint()))
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()

	const clients = 200
	var wg sync.WaitGroup
	statuses := make([]int, clients)
	retry := make([]string, clients)
	start := make(chan struct{})
	for i := range clients {
		wg.Go(func() {
			<-start
			// Distinct addresses and accounts: only the hash slots may refuse them.
			addr := netip.AddrFrom4([4]byte{10, 1, byte(i / 256), byte(i % 256)}).String()
			email, password := fmt.Sprintf("nobody%d@example.com", i), "wrong"
			if i%10 == 0 {
				email, password = ada.Email, testPassword
			}
			r := signInFrom(t, e, email, password, addr)
			statuses[i], retry[i] = r.status, r.header.Get("Retry-After")
		})
	}
	close(start)
	wg.Wait()
	close(done)
	<-sampled

	count := map[int]int{}
	for i, s := range statuses {
		count[s]++
		if s == 503 && retry[i] == "" {
			t.Errorf("request %d: 503 without Retry-After", i)
		}
	}
	t.Logf("%d hash slots; answers %v; footprint %d MiB before, peak %d MiB, budget %d MiB",
		slots, count, base>>20, peak.Load()>>20, budget>>20)
	if count[201]+count[401]+count[503] != clients {
		t.Errorf("got answers %v, want only 201, 401 and 503", count)
	}
	if count[503] == 0 {
		t.Errorf("got no 503 among %d concurrent sign-ins with %d hash slots, want the excess refused", clients, slots)
	}
	if count[201]+count[401] == 0 {
		t.Errorf("got answers %v, want some sign-ins checked", count)
	}
	if p := peak.Load(); int64(p) > budget {
		t.Errorf("memory footprint peaked at %d MiB, over the budget of %d MiB", p>>20, budget>>20)
	}
}

func TestPasswordSignInSwitchedOff(t *testing.T) {
	e := newEnv(t, envOptions{NoPasswordSignIn: true, Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	ada := e.storeMember(t, "Ada Sso", carpool.RoleMember)
	p := e.do(t, call{method: "POST", path: "/api/v1/tokens", body: map[string]string{"email": ada.Email, "password": testPassword}}).
		problem(t, 403, carpool.EFORBIDDEN, "")
	if !strings.Contains(p.Detail, "organisation") {
		t.Errorf("got %q, want it to point to single sign-on", p.Detail)
	}
	e.do(t, call{method: "POST", path: "/api/v1/members",
		body: map[string]string{"email": "new@example.com", "name": "New", "password": "a-long-enough-passphrase"}}).
		problem(t, 403, carpool.EFORBIDDEN, "")
}

func TestSignUpFloodGetsBusy(t *testing.T) {
	e := newEnv(t, envOptions{HashSlots: 1, HashWait: time.Millisecond, Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	const clients = 20
	var wg sync.WaitGroup
	got := make([]response, clients)
	start := make(chan struct{})
	for i := range clients {
		wg.Go(func() {
			<-start
			got[i] = e.do(t, call{method: "POST", path: "/api/v1/members", body: map[string]string{
				"email": fmt.Sprintf("flood%d@example.com", i), "name": "Flood", "password": "quite-unguessable-passphrase"}})
		})
	}
	close(start)
	wg.Wait()
	busy := 0
	for _, r := range got {
		switch r.status {
		case 201:
		case 503:
			busy++
			retryAfter(t, r)
		default:
			t.Errorf("got %d, want 201 or 503", r.status)
		}
	}
	if busy == 0 {
		t.Errorf("got no 503 among %d concurrent sign-ups on one hash slot", clients)
	}
}

// TestPasswordWorkGetsBusy: changing a password and erasing oneself check the password
// in the same bounded hash slots as sign-in, so a flood of them answers 503 with
// Retry-After instead of piling up hashes.
func TestPasswordWorkGetsBusy(t *testing.T) {
	cases := []struct {
		name, path string
		body       map[string]string
		done       int
	}{
		{"change password", "/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": "another long passphrase"}, 204},
		{"erase oneself", "/api/v1/me/erase", map[string]string{"password": testPassword}, 204},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, envOptions{HashSlots: 1, HashWait: time.Millisecond})
			const clients = 12
			members := make([]member, clients)
			for i := range members {
				members[i] = e.quickMember(t, fmt.Sprintf("Busy Person%d", i))
			}
			got := make([]response, clients)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range clients {
				wg.Go(func() {
					<-start
					got[i] = e.do(t, call{method: "POST", path: c.path, token: members[i].token, body: c.body})
				})
			}
			close(start)
			wg.Wait()
			busy := 0
			for _, r := range got {
				switch r.status {
				case c.done:
				case 503:
					busy++
					retryAfter(t, r)
				default:
					t.Errorf("got %d, want %d or 503", r.status, c.done)
				}
			}
			if busy == 0 {
				t.Errorf("got no 503 among %d concurrent requests on one hash slot", clients)
			}
		})
	}
}
