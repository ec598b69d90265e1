package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

func TestSignInThrottledWithAFriendlyMessage(t *testing.T) {
	slow := carpool.Backoff{Free: 3, Base: time.Hour, Max: 24 * time.Hour, Forget: 48 * time.Hour}
	app := webtest.Start(t, webtest.Options{Backoff: slow})
	app.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, app)
	attempt := func(password string) (*http.Response, string) {
		return b.post("/signin", url.Values{"csrf": {b.csrf("/signin")}, "email": {"ann@example.com"}, "password": {password}}, nil)
	}
	for i := range slow.Free {
		if res, _ := attempt("not the password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: got %d, want 401", i+1, res.StatusCode)
		}
	}
	res, body := attempt(webtest.Password)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("got %d with Retry-After %q, want 429 with one", res.StatusCode, res.Header.Get("Retry-After"))
	}
	for _, want := range []string{"too many sign-in attempts", "please wait 60 minutes", `id="password-error"`, `value="ann@example.com"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
}

func TestSignInBusyWithAFriendlyMessage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{HashSlots: 1, HashWait: time.Millisecond})
	const clients = 20
	var wg sync.WaitGroup
	codes := make([]int, clients)
	bodies := make([]string, clients)
	browsers := make([]*browser, clients)
	forms := make([]url.Values, clients)
	for i := range clients {
		browsers[i] = newBrowser(t, app)
		forms[i] = url.Values{"csrf": {browsers[i].csrf("/signin")}, "email": {"x@example.com"}, "password": {"whatever it is"}}
	}
	start := make(chan struct{})
	for i := range clients {
		wg.Go(func() {
			<-start
			res, body := browsers[i].post("/signin", forms[i], nil)
			codes[i], bodies[i] = res.StatusCode, body
		})
	}
	close(start)
	wg.Wait()
	busy := 0
	for i, c := range codes {
		switch c {
		case http.StatusUnauthorized:
		case http.StatusServiceUnavailable:
			busy++
			if !strings.Contains(bodies[i], "Many people are signing in right now") {
				t.Errorf("503 page lacks the explanation:\n%s", bodies[i])
			}
		default:
			t.Errorf("got %d, want 401 or 503", c)
		}
	}
	if busy == 0 {
		t.Errorf("got no 503 among %d concurrent sign-ins on one hash slot", clients)
	}
}

func TestSignUpBusyWithAFriendlyMessage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{HashSlots: 1, HashWait: time.Millisecond,
		Signup: carpool.SignupPolicy{Domains: []string{"example.com"}}})
	const clients = 12
	var wg sync.WaitGroup
	codes := make([]int, clients)
	bodies := make([]string, clients)
	browsers := make([]*browser, clients)
	forms := make([]url.Values, clients)
	for i := range clients {
		browsers[i] = newBrowser(t, app)
		forms[i] = url.Values{"csrf": {browsers[i].csrf("/signup")}, "email": {fmt.Sprintf("new%d@example.com", i)},
			"name": {"New Colleague"}, "password": {"seven green bicycles hum"}}
	}
	start := make(chan struct{})
	for i := range clients {
		wg.Go(func() {
			<-start
			res, body := browsers[i].post("/signup", forms[i], nil)
			codes[i], bodies[i] = res.StatusCode, body
		})
	}
	close(start)
	wg.Wait()
	busy := 0
	for i, c := range codes {
		switch c {
		case http.StatusSeeOther, http.StatusOK:
		case http.StatusServiceUnavailable:
			busy++
			if !strings.Contains(bodies[i], "Please try again in a moment") || !strings.Contains(bodies[i], `value="New Colleague"`) {
				t.Errorf("503 page lacks the explanation or the typed name:\n%s", bodies[i])
			}
		default:
			t.Errorf("got %d, want a redirect or 503", c)
		}
	}
	if busy == 0 {
		t.Errorf("got no 503 among %d concurrent sign-ups on one hash slot", clients)
	}
}
