package rollout_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAccessLogWithoutSecrets signs up, logs in (and fails to once), calls the API with
// the bearer token, a session cookie, a request id and a traceparent, then reads every
// line the process wrote: the access-log line has its fields, and no password, token or
// cookie value appears anywhere.
func TestAccessLogWithoutSecrets(t *testing.T) {
	r := startReplica(t, "replica", replicaOptions{delay: 0, timeout: 5 * time.Second,
		env: []string{"CARPOOL_SIGNUP_DOMAINS=example.org"}})
	const (
		password      = "correct-Horse-battery-staple-77"
		wrongPassword = "Wrong-password-that-must-not-leak"
		cookie        = "cookie-value-that-must-not-leak"
		requestID     = "rollout-req-0001"
		traceID       = "0af7651916cd43dd8448eb211c80319c"
	)
	send := func(method, path string, body any, header http.Header) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, r.url(path), rd)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	if code, b := send(http.MethodPost, "/api/v1/members", map[string]any{"email": "lee@example.org", "name": "Lee", "password": password}, nil); code != http.StatusCreated {
		t.Fatalf("sign up: got %d %s, want 201", code, b)
	}
	if code, _ := send(http.MethodPost, "/api/v1/tokens", map[string]any{"email": "lee@example.org", "password": wrongPassword}, nil); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: got %d, want 401", code)
	}
	code, b := send(http.MethodPost, "/api/v1/tokens", map[string]any{"email": "lee@example.org", "password": password}, nil)
	var tok struct {
		Token string `json:"token"`
	}
	if json.Unmarshal(b, &tok); code != http.StatusCreated || tok.Token == "" {
		t.Fatalf("log in: got %d %s, want 201 with a token", code, b)
	}
	code, _ = send(http.MethodGet, "/api/v1/me", nil, http.Header{
		"Authorization": {"Bearer " + tok.Token},
		"Cookie":        {"carpool_session=" + cookie},
		"X-Request-Id":  {requestID},
		"Traceparent":   {"00-" + traceID + "-b7ad6b7169203331-01"},
	})
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/me: got %d, want 200", code)
	}
	r.signal(t, syscall.SIGTERM)
	if code := r.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code: got %d, want 0", code)
	}

	all := r.stderr.String()
	for name, secret := range map[string]string{"password": password, "wrong password": wrongPassword, "token": tok.Token, "token body": strings.TrimPrefix(tok.Token, "cpt_"), "cookie": cookie} {
		if strings.Contains(all, secret) {
			t.Errorf("the %s appears in the logs", name)
		}
	}
	if strings.Contains(strings.ToLower(all), "authorization") || strings.Contains(strings.ToLower(all), "bearer") {
		t.Errorf("the logs mention the Authorization header")
	}

	var line map[string]any
	for _, rec := range r.logRecords(t) {
		if rec["msg"] == "http request" && rec["request_id"] == requestID {
			if line != nil {
				t.Fatalf("two access-log lines for one request")
			}
			line = rec
		}
	}
	if line == nil {
		t.Fatalf("no access-log line with request_id %s in:\n%s", requestID, all)
	}
	want := map[string]any{"level": "INFO", "method": "GET", "route": "/api/v1/me", "status": float64(200), "trace_id": traceID}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("access log %s: got %v, want %v", k, line[k], v)
		}
	}
	if n, ok := line["bytes"].(float64); !ok || n <= 0 {
		t.Errorf("access log bytes: got %v, want the body size", line["bytes"])
	}
	if d, ok := line["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("access log duration_ms: got %v, want a duration", line["duration_ms"])
	}
	t.Logf("access log line: %v", line)
}
