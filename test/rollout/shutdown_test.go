package rollout_test

import (
	"net/http"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestShutdownSequence checks the drain of one replica from the outside: after SIGTERM,
// /readyz answers 503 while the listener still serves, /metrics stays up during the
// drain, the process exits 0 within delay + timeout, both listeners are closed, and the
// log shows the steps in their order.
func TestShutdownSequence(t *testing.T) {
	const delay, timeout = 2500 * time.Millisecond, 5 * time.Second
	r := startReplica(t, "replica", replicaOptions{delay: delay, timeout: timeout})
	sigterm := time.Now()
	r.signal(t, syscall.SIGTERM)

	// Readiness turns off while the server still answers other requests.
	waitFor(t, delay, "/readyz to answer 503", func() bool {
		code, err := status(r.url("/readyz"))
		if err != nil {
			t.Fatalf("/readyz failed before answering 503 (listener closed too early?): %v", err)
		}
		return code == http.StatusServiceUnavailable
	})
	if code, err := status(r.url("/livez")); err != nil || code != http.StatusOK {
		t.Fatalf("/livez while draining: got %d, %v; want 200", code, err)
	}
	if code := call(t, http.MethodGet, r.url("/api/v1/me"), admin, nil, nil); code != http.StatusOK {
		t.Fatalf("API request while draining: got %d, want 200", code)
	}
	if code, err := status(r.adminURL("/metrics")); err != nil || code != http.StatusOK {
		t.Fatalf("/metrics while draining: got %d, %v; want 200", code, err)
	}

	if code := r.wait(t, delay+timeout); code != 0 {
		t.Fatalf("exit code: got %d, want 0", code)
	}
	t.Logf("exited %s after SIGTERM (delay %s, timeout %s)", time.Since(sigterm).Round(time.Millisecond), delay, timeout)
	for _, addr := range []string{r.httpAddr, r.adminAddr} {
		if listening(addr) {
			t.Errorf("%s still accepts connections after exit", addr)
		}
	}

	var steps []string
	for _, rec := range r.logRecords(t) {
		steps = append(steps, rec["msg"].(string))
	}
	want := []string{
		"shutting down: readiness off, still serving",
		"shutting down: stopped accepting, draining in-flight requests",
		"shutting down: all requests drained",
		"admin listener closed",
		"database closed",
		"stopped cleanly",
	}
	last := -1
	for _, w := range want {
		i := slices.Index(steps, w)
		if i <= last {
			t.Fatalf("log step %q: at %d, want after %d; steps: %q", w, i, last, steps)
		}
		last = i
	}
}

// TestSecondSignalExitsAtOnce: an operator who presses Ctrl-C twice does not wait for
// the shutdown delay.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	r := startReplica(t, "replica", replicaOptions{delay: time.Minute, timeout: time.Minute})
	r.signal(t, syscall.SIGINT)
	waitFor(t, 10*time.Second, "/readyz to answer 503", func() bool {
		code, err := status(r.url("/readyz"))
		return err == nil && code == http.StatusServiceUnavailable
	})
	r.signal(t, syscall.SIGINT)
	// Well within the minute of delay: the second signal did not wait for it.
	if code := r.wait(t, 20*time.Second); code != 1 {
		t.Fatalf("exit code after a second signal: got %d, want 1", code)
	}
}
