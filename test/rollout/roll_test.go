package rollout_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func contextWith(r *http.Request, be *backend) context.Context {
	return context.WithValue(r.Context(), backendKey{}, be)
}

// TestRollWithoutFailedRequests replaces one of two replicas behind a readiness-checking
// balancer while a steady stream of API requests flows through it, as a Deployment's
// rolling update does: SIGTERM to the old pod, a new pod joins when ready. No request
// may fail, and a request whose body was still being uploaded when SIGTERM arrived (and
// when the listener closed) must complete with 200.
func TestRollWithoutFailedRequests(t *testing.T) {
	// The delay is 80 health checks of the balancer: ample even on a loaded CI machine.
	const delay, timeout = 2 * time.Second, 10 * time.Second
	opts := replicaOptions{delay: delay, timeout: timeout}
	a := startReplica(t, "replica-a", opts)
	b := startReplica(t, "replica-b", opts)

	lb := newBalancer()
	beA := lb.add(a.name, a.httpAddr)
	beB := lb.add(b.name, b.httpAddr)
	front := httptest.NewServer(lb)
	t.Cleanup(front.Close)
	t.Cleanup(lb.close)
	waitFor(t, 5*time.Second, "both replicas in the balancer", func() bool { return beA.healthy.Load() && beB.healthy.Load() })

	load := startLoad(t, front.URL, 4)
	waitFor(t, 10*time.Second, "traffic on both replicas", func() bool { return beA.served.Load() > 20 && beB.served.Load() > 20 })

	// The slow request: a site update on replica A whose body trickles in.
	var site struct {
		ID string `json:"id"`
	}
	if code := call(t, http.MethodPost, a.url("/api/v1/sites"), admin,
		map[string]any{"name": "Slow Site", "address": "Long Road 1", "lat": 48.1, "lon": 11.5}, &site); code != http.StatusCreated {
		t.Fatalf("create site on A: got %d, want 201", code)
	}
	slow := startSlowPatch(t, a.url("/api/v1/sites/"+site.ID), `{"name": "Renamed while rolling"}`)

	sigterm := time.Now()
	a.signal(t, syscall.SIGTERM)

	// The new pod of the rollout.
	c := startReplica(t, "replica-c", opts)
	beC := lb.add(c.name, c.httpAddr)

	// Hold the upload open until A has stopped accepting connections: the request is
	// then in flight across both the readiness flip and the listener close.
	waitFor(t, delay+5*time.Second, "replica A to close its listener", func() bool { return !listening(a.httpAddr) })
	finished := time.Now()
	code, body := slow.finish()
	if code != http.StatusOK {
		t.Fatalf("the request in flight at SIGTERM: got %d %s, want 200", code, body)
	}
	if code := a.wait(t, delay+timeout); code != 0 {
		t.Fatalf("replica A exit code: got %d, want 0", code)
	}
	if down := beA.downAt.Load(); down == nil {
		t.Errorf("the balancer never saw replica A's /readyz fail")
	}
	// The handler ran across the drain: it started before SIGTERM (100 Continue) and
	// ended after the last byte, so its access-log duration spans both.
	patches := 0
	for _, rec := range a.logRecords(t) {
		if rec["msg"] == "http request" && rec["method"] == "PATCH" {
			patches++
			if d, _ := rec["duration_ms"].(float64); d < float64(finished.Sub(sigterm).Milliseconds()) {
				t.Errorf("slow request handled for %v ms, want at least the %v ms from SIGTERM to its last byte", d, finished.Sub(sigterm).Milliseconds())
			}
		}
	}
	if patches != 1 {
		t.Errorf("access-log lines of the slow PATCH on A: got %d, want 1", patches)
	}

	waitFor(t, 10*time.Second, "traffic on the new replica", func() bool { return beC.served.Load() > 20 })
	sent, failures := load.stop()
	t.Logf("requests through the balancer: %d (A %d, B %d, C %d); failed: %d; SIGTERM to exit of A: %s",
		sent, beA.served.Load(), beB.served.Load(), beC.served.Load(), len(failures), time.Since(sigterm).Round(time.Millisecond))
	if len(failures) > 0 {
		t.Fatalf("%d of %d requests failed during the roll; first: %s", len(failures), sent, failures[0])
	}
}

// loadGen sends a steady mix of authenticated reads and creates.
type loadGen struct {
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	sent     atomic.Int64
	mu       sync.Mutex
	failures []string
}

func startLoad(t *testing.T, base string, workers int) *loadGen {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g := &loadGen{cancel: cancel}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := range workers {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				g.one(hc, base, w, i)
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	t.Cleanup(func() { g.stop() })
	return g
}

func (g *loadGen) one(hc *http.Client, base string, worker, i int) {
	var req *http.Request
	want := http.StatusOK
	switch i % 3 {
	case 0:
		req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
	case 1:
		req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/sites?limit=5", nil)
	case 2:
		b, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("Site %d-%d", worker, i), "address": "Main St", "lat": 48.1, "lon": 11.5})
		req, _ = http.NewRequest(http.MethodPost, base+"/api/v1/sites", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		want = http.StatusCreated
	}
	req.Header.Set("Authorization", "Bearer "+admin.token)
	g.sent.Add(1)
	resp, err := hc.Do(req)
	if err != nil {
		g.fail(fmt.Sprintf("%s %s: %v", req.Method, req.URL.Path, err))
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		g.fail(fmt.Sprintf("%s %s: %s (balancer: %q)", req.Method, req.URL.Path, resp.Status, resp.Header.Get("X-Balancer-Error")))
	}
}

func (g *loadGen) fail(msg string) {
	g.mu.Lock()
	g.failures = append(g.failures, msg)
	g.mu.Unlock()
}

func (g *loadGen) stop() (int64, []string) {
	g.cancel()
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sent.Load(), g.failures
}

// slowRequest is a PATCH whose body is sent in two parts: the first once the server's
// handler has started reading it, the rest when the test calls finish.
type slowRequest struct {
	rest string
	pw   *io.PipeWriter
	done chan struct{}
	code int
	body string
	err  error
}

// startSlowPatch returns once the handler on the server runs: the request carries
// "Expect: 100-continue", and net/http answers 100 Continue only when the handler first
// reads the body.
func startSlowPatch(t *testing.T, url, body string) *slowRequest {
	t.Helper()
	pr, pw := io.Pipe()
	split := len(body) / 2
	s := &slowRequest{rest: body[split:], pw: pw, done: make(chan struct{})}
	handlerRuns := make(chan struct{})
	trace := &httptrace.ClientTrace{Got100Continue: func() { close(handlerRuns) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodPatch, url, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin.token)
	req.Header.Set("Expect", "100-continue")
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	go func() {
		defer close(s.done)
		resp, err := hc.Do(req)
		if err != nil {
			s.err = err
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		s.code, s.body = resp.StatusCode, string(b)
	}()
	select {
	case <-handlerRuns:
	case <-s.done:
		t.Fatalf("slow request ended before its handler read the body: %d %s %v", s.code, s.body, s.err)
	case <-time.After(20 * time.Second):
		t.Fatalf("no 100 Continue: the handler never started reading the slow body")
	}
	if _, err := io.WriteString(pw, body[:split]); err != nil {
		t.Fatalf("send the first half of the slow body: %v", err)
	}
	return s
}

// finish sends the rest of the body and returns the answer.
func (s *slowRequest) finish() (int, string) {
	io.WriteString(s.pw, s.rest)
	s.pw.Close()
	<-s.done
	if s.err != nil {
		return 0, s.err.Error()
	}
	return s.code, s.body
}
