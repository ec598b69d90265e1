package replicas_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/pgtest"
)

// attackFor is how long the attackers keep guessing. The assertion does not depend on it:
// whatever the window turns out to be, the attempts must fit the policy's bound for it.
const attackFor = 8 * time.Second

// TestSignInThrottleAcrossReplicas runs three replicas on one PostgreSQL and lets twelve
// attackers guess one account's password through all of them as fast as they can, each
// request from an address of its own (X-Forwarded-For from a trusted proxy), so only the
// account's counter can stop them. The passwords checked in the attack's window must not
// exceed what carpool.AccountBackoff allows one client in that window: a throttle kept
// per replica would let three times as many through.
func TestSignInThrottleAcrossReplicas(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	env := carpoolEnv("CARPOOL_DATABASE_URL=" + url)
	if out, err := runCarpool(ctx, t, "admin-password-1\n", env,
		"members", "add", "--email", "admin@example.com", "--name", "Admin", "--role", "admin"); err != nil {
		t.Fatalf("members add: %v\n%s", err, out)
	}
	c := &cluster{url: url}
	for i := range 3 {
		c.replicas = append(c.replicas, startReplica(t, fmt.Sprintf("replica%d", i),
			"CARPOOL_DATABASE_URL="+url, "CARPOOL_TRUSTED_PROXIES=127.0.0.1"))
	}

	const attackers = 12
	var mu sync.Mutex
	statuses := map[int]int{}
	missingRetryAfter := 0
	var wg sync.WaitGroup
	start := time.Now()
	for a := range attackers {
		wg.Go(func() {
			for n := 0; time.Since(start) < attackFor; n++ {
				code, retry, err := guess(c.at(a+n, "/api/v1/tokens"), fmt.Sprintf("198.18.%d.%d", a, n%250), n)
				mu.Lock()
				if err != nil {
					statuses[-1]++
				} else {
					statuses[code]++
					if (code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable) && retry == "" {
						missingRetryAfter++
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	window := time.Since(start)

	checked := statuses[http.StatusUnauthorized]
	bound := carpool.AccountBackoff.MostAttemptsWithin(window)
	t.Logf("%v over %v: answers %v; %d passwords checked, the policy allows %d in this window and %d in any minute",
		attackers, window.Round(time.Millisecond), statuses, checked, bound, carpool.AccountBackoff.MostAttemptsWithin(time.Minute))
	if statuses[-1] > 0 || statuses[http.StatusCreated] > 0 {
		t.Errorf("got answers %v, want no transport failures and no sign-in", statuses)
	}
	if checked > bound {
		t.Errorf("got %d passwords checked through 3 replicas in %v, want at most %d", checked, window, bound)
	}
	if checked < carpool.AccountBackoff.Free {
		t.Errorf("got %d passwords checked, want at least the %d free attempts", checked, carpool.AccountBackoff.Free)
	}
	if statuses[http.StatusTooManyRequests] == 0 || missingRetryAfter > 0 {
		t.Errorf("got %d answers 429 and %d refusals without Retry-After, want 429s, each with Retry-After",
			statuses[http.StatusTooManyRequests], missingRetryAfter)
	}
	// Another account is not slowed down by the attack.
	if out, err := runCarpool(ctx, t, "bystander-password-2\n", env,
		"members", "add", "--email", "bo@example.com", "--name", "Bo"); err != nil {
		t.Fatalf("members add: %v\n%s", err, out)
	}
	for i := range c.replicas {
		c.signIn(t, i, "bo@example.com", "bystander-password-2")
	}
}

// guess sends one wrong password for the admin from the client address addr.
func guess(url, addr string, n int) (code int, retryAfter string, err error) {
	body := fmt.Sprintf(`{"email":"admin@example.com","password":"guess number %d"}`, n)
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := apiClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After"), nil
}
