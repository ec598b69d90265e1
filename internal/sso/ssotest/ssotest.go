// Package ssotest runs a real OpenID provider on loopback for tests: the example provider
// of github.com/zitadel/oidc, built by scripts/oidc-provider-build.sh at the version that
// tools/oidc-provider pins. Without Go or the module proxy the build fails; then tests
// skip, except in CI (CI set), where they fail.
package ssotest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"carpool/internal/repotest"
)

// Clients the example provider registers, each with secret "secret" and the redirect URIs
// given to Start.
const (
	ClientID     = "web"
	OtherClient  = "api"
	ClientSecret = "secret"
)

// User is someone who can sign in at the provider.
type User struct {
	Username, Password, Email, FirstName, LastName string
	EmailVerified                                  bool
}

// Users are the provider's accounts in every test.
var (
	Ann        = User{Username: "ann", Password: "ann-at-the-provider", Email: "ann.sso@example.com", FirstName: "Ann", LastName: "Provider", EmailVerified: true}
	Unverified = User{Username: "una", Password: "una-at-the-provider", Email: "una@example.com", FirstName: "Una", LastName: "Unverified"}
	Outsider   = User{Username: "otto", Password: "otto-at-the-provider", Email: "otto@elsewhere.example", FirstName: "Otto", LastName: "Outside", EmailVerified: true}
)

// Provider is a running provider.
type Provider struct {
	// Issuer is the issuer URL, with the trailing slash the provider puts in its tokens.
	Issuer string
	// The endpoints its discovery document names.
	AuthURL  string `json:"authorization_endpoint"`
	TokenURL string `json:"token_endpoint"`
}

var build struct {
	once sync.Once
	bin  string
	err  error
}

// binary builds the provider once per test process.
func binary(tb testing.TB) string {
	tb.Helper()
	build.once.Do(func() {
		if p := os.Getenv("CARPOOL_OIDC_PROVIDER_BIN"); p != "" {
			build.bin = p
			return
		}
		root, err := repotest.Root()
		if err != nil {
			build.err = err
			return
		}
		cmd := exec.Command(filepath.Join(root, "scripts", "oidc-provider-build.sh"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			build.err = fmt.Errorf("scripts/oidc-provider-build.sh: %v\n%s", err, stderr.String())
			return
		}
		build.bin = strings.TrimSpace(string(out))
	})
	if build.err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("the OpenID provider for the single sign-on tests cannot be built: %v", build.err)
		}
		tb.Skipf("SKIPPING SINGLE SIGN-ON TESTS: the OpenID provider cannot be built (%v)", build.err)
	}
	return build.bin
}

// Start runs the provider on a free loopback port, accepting redirectURIs for its clients,
// and stops it when tb ends.
func Start(tb testing.TB, redirectURIs ...string) *Provider {
	tb.Helper()
	bin := binary(tb)
	users := map[string]map[string]any{}
	for i, u := range []User{Ann, Unverified, Outsider} {
		id := "user" + strconv.Itoa(i+1)
		users[id] = map[string]any{"ID": id, "Username": u.Username, "Password": u.Password, "FirstName": u.FirstName,
			"LastName": u.LastName, "Email": u.Email, "EmailVerified": u.EmailVerified, "PreferredLanguage": "en"}
	}
	raw, _ := json.Marshal(users) // maps of strings and bools always marshal
	usersFile := filepath.Join(tb.TempDir(), "users.json")
	if err := os.WriteFile(usersFile, raw, 0o600); err != nil {
		tb.Fatal(err)
	}
	port := freePort(tb)
	logFile := filepath.Join(tb.TempDir(), "oidc-provider.log")
	out, err := os.Create(logFile)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "USERS_FILE="+usersFile,
		"REDIRECT_URI="+strings.Join(redirectURIs, ","))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start OpenID provider: %v", err)
	}
	out.Close()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if tb.Failed() {
			b, _ := os.ReadFile(logFile)
			tb.Logf("OpenID provider log:\n%s", b)
		}
	})
	p := &Provider{Issuer: fmt.Sprintf("http://localhost:%d/", port)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.Issuer + ".well-known/openid-configuration")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(p)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK && p.AuthURL != "" && p.TokenURL != "" {
				return p
			}
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logFile)
			tb.Fatalf("OpenID provider exited at start:\n%s", b)
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatalf("OpenID provider not ready within 30s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Code signs u in at the provider for client with a plain HTTP client (no browser) and
// returns the authorisation code the provider sends to redirectURI. extra are more
// parameters of the authorisation request (state, nonce, code_challenge, ...).
func (p *Provider) Code(tb testing.TB, client, redirectURI string, u User, extra url.Values) string {
	tb.Helper()
	jar, _ := cookiejar.New(nil) // nil options never fail
	var code string
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if strings.HasPrefix(req.URL.String(), redirectURI) {
				code = req.URL.Query().Get("code")
				return http.ErrUseLastResponse
			}
			return nil
		}}
	q := url.Values{"client_id": {client}, "response_type": {"code"}, "scope": {"openid email profile"},
		"redirect_uri": {redirectURI}, "state": {"state-" + client}, "nonce": {"nonce-" + client}}
	for k, v := range extra {
		q[k] = v
	}
	resp, err := hc.Get(p.AuthURL + "?" + q.Encode())
	if err != nil {
		tb.Fatalf("authorize: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The login page carries the authorisation request's id in a hidden field.
	id := between(string(body), `name="id" value="`, `"`)
	if id == "" {
		tb.Fatalf("authorize: no login form in %d %s", resp.StatusCode, body)
	}
	resp, err = hc.PostForm(p.Issuer+"login/username", url.Values{"id": {id}, "username": {u.Username}, "password": {u.Password}})
	if err != nil {
		tb.Fatalf("login: %v", err)
	}
	resp.Body.Close()
	if code == "" {
		tb.Fatalf("login as %s: got %d and no code for %s", u.Username, resp.StatusCode, redirectURI)
	}
	return code
}

// IDToken redeems a code of client at the token endpoint and returns the ID token.
func (p *Provider) IDToken(tb testing.TB, client, redirectURI, code string) string {
	tb.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, p.TokenURL,
		strings.NewReader(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(client, ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("token: %v", err)
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.IDToken == "" {
		tb.Fatalf("token: got %d, %v, no id_token", resp.StatusCode, err)
	}
	return tok.IDToken
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// SwapIDToken returns an HTTP client for carpool's side of the flow that replaces the
// id_token of every token response with idToken: a correctly signed token that was issued
// for another purpose, as a compromised or confused token endpoint would hand over.
func SwapIDToken(idToken string) *http.Client {
	return &http.Client{Transport: swapper{idToken: idToken}}
}

type swapper struct{ idToken string }

func (s swapper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/oauth/token") {
		return resp, err
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("swap id_token: %w", err)
	}
	body["id_token"] = s.idToken
	raw, _ := json.Marshal(body) // it was JSON a moment ago
	resp.Body = io.NopCloser(strings.NewReader(string(raw)))
	resp.ContentLength = int64(len(raw))
	resp.Header.Del("Content-Length")
	return resp, nil
}
