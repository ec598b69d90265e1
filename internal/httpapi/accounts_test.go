package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// mailbox is an app.Mailer that keeps the mails it is given.
type mailbox struct {
	mu    sync.Mutex
	mails []carpool.AccountMail
}

func (b *mailbox) SendAccountMail(_ context.Context, m carpool.AccountMail) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.mails = append(b.mails, m)
	return nil
}

// wait returns the mails to addr once there are n of them (mails go out after the
// answer); it fails tb if they do not arrive within a few seconds.
func (b *mailbox) wait(tb testing.TB, addr string, n int) []carpool.AccountMail {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []carpool.AccountMail
		b.mu.Lock()
		for _, m := range b.mails {
			if m.To == addr {
				got = append(got, m)
			}
		}
		b.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) != n {
				tb.Fatalf("mails to %s: got %d, want %d", addr, len(got), n)
			}
			return got
		}
		time.Sleep(10 * time.Millisecond) // polling, bounded by the deadline
	}
}

func tokenOf(tb testing.TB, m carpool.AccountMail) string {
	tb.Helper()
	_, token, ok := strings.Cut(m.Link, "token=")
	if !ok {
		tb.Fatalf("mail %s carries no token: %q", m.Kind, m.Link)
	}
	return token
}

func TestForgotPasswordAPI(t *testing.T) {
	box := &mailbox{}
	e := newEnv(t, envOptions{Mailer: box})
	ann := e.member(t, "Ann Forgetful", carpool.RoleMember)

	known := e.do(t, call{method: "POST", path: "/api/v1/password/forgot", body: map[string]string{"email": ann.Email}}).want(t, 202)
	unknown := e.do(t, call{method: "POST", path: "/api/v1/password/forgot", body: map[string]string{"email": "nobody@example.com"}}).want(t, 202)
	if !bytes.Equal(known.body, unknown.body) {
		t.Errorf("answers differ: %s and %s", known.body, unknown.body)
	}
	e.do(t, call{method: "POST", path: "/api/v1/password/forgot", body: map[string]string{"email": "not an address"}}).
		problem(t, 422, carpool.EINVALID, "email")
	token := tokenOf(t, box.wait(t, ann.Email, 1)[0])

	e.do(t, call{method: "POST", path: "/api/v1/password/reset", body: map[string]string{"token": token, "password": ann.Email}}).
		problem(t, 422, carpool.EINVALID, "password")
	const next = "a fresh and long passphrase"
	e.do(t, call{method: "POST", path: "/api/v1/password/reset", body: map[string]string{"token": token, "password": next}}).want(t, 204)
	e.do(t, call{method: "GET", path: "/api/v1/me", token: ann.token}).problem(t, 401, carpool.EUNAUTHORIZED, "")
	e.do(t, call{method: "POST", path: "/api/v1/tokens", body: map[string]string{"email": ann.Email, "password": next}}).want(t, 201)

	used := e.do(t, call{method: "POST", path: "/api/v1/password/reset", body: map[string]string{"token": token, "password": next}}).
		problem(t, 422, carpool.EINVALID, "token")
	bogus := e.do(t, call{method: "POST", path: "/api/v1/password/reset", body: map[string]string{"token": "cpl_bogus", "password": next}}).
		problem(t, 422, carpool.EINVALID, "token")
	if used.Detail != bogus.Detail {
		t.Errorf("used and unknown links: got %q and %q, want one message", used.Detail, bogus.Detail)
	}
}

func TestForgotPasswordThrottled(t *testing.T) {
	e := newEnv(t, envOptions{Mailer: &mailbox{}})
	var res response
	for range carpool.PasswordResetAccountBackoff.Free + 1 {
		res = e.do(t, call{method: "POST", path: "/api/v1/password/forgot", body: map[string]string{"email": "target@example.com"}})
	}
	res.problem(t, 429, carpool.ETHROTTLED, "")
	if res.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestAccountLinksNeedMailAndPasswords(t *testing.T) {
	t.Run("no mail", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		ann := e.member(t, "Ann Nomail", carpool.RoleMember)
		e.do(t, call{method: "POST", path: "/api/v1/password/forgot", body: map[string]string{"email": ann.Email}}).
			problem(t, 503, carpool.EUNAVAILABLE, "")
		e.do(t, call{method: "PATCH", path: "/api/v1/me", token: ann.token, body: map[string]string{"email": "ann.new@example.org"}}).
			problem(t, 503, carpool.EUNAVAILABLE, "email")
	})
	t.Run("no passwords", func(t *testing.T) {
		e := newEnv(t, envOptions{Mailer: &mailbox{}, NoPasswordSignIn: true})
		e.do(t, call{method: "POST", path: "/api/v1/password/forgot", body: map[string]string{"email": "ann@example.com"}}).
			problem(t, 403, carpool.EFORBIDDEN, "")
		e.do(t, call{method: "POST", path: "/api/v1/password/reset", body: map[string]string{"token": "cpl_x", "password": "a fresh and long passphrase"}}).
			problem(t, 403, carpool.EFORBIDDEN, "")
	})
}

func TestEmailChangeAPI(t *testing.T) {
	box := &mailbox{}
	e := newEnv(t, envOptions{Mailer: box})
	ann := e.member(t, "Ann Mover", carpool.RoleMember)
	bob := e.member(t, "Bob Quick", carpool.RoleMember)
	const next = "ann.moved@example.org"

	got := e.do(t, call{method: "PATCH", path: "/api/v1/me", token: ann.token, body: map[string]string{"email": next}}).want(t, 200).object(t)
	if got["email"] != ann.Email || got["pending_email"] != next {
		t.Fatalf("answer: got email %v pending %v, want %s pending %s", got["email"], got["pending_email"], ann.Email, next)
	}
	if me := e.do(t, call{method: "GET", path: "/api/v1/me", token: ann.token}).want(t, 200).object(t); me["pending_email"] != next {
		t.Fatalf("me: got pending %v, want %s", me["pending_email"], next)
	}
	if notice := box.wait(t, ann.Email, 1)[0]; notice.Kind != carpool.MailEmailChangeNotice {
		t.Errorf("mail to the old address: got %s", notice.Kind)
	}
	token := tokenOf(t, box.wait(t, next, 1)[0])
	e.do(t, call{method: "POST", path: "/api/v1/email/confirm", body: map[string]string{"token": token}}).want(t, 204)
	me := e.do(t, call{method: "GET", path: "/api/v1/me", token: ann.token}).want(t, 200).object(t)
	if me["email"] != next || me["pending_email"] != nil {
		t.Fatalf("me after confirming: got email %v pending %v", me["email"], me["pending_email"])
	}
	e.do(t, call{method: "POST", path: "/api/v1/email/confirm", body: map[string]string{"token": token}}).problem(t, 422, carpool.EINVALID, "token")

	t.Run("taken by the time of confirmation", func(t *testing.T) {
		const contested = "contested@example.org"
		e.do(t, call{method: "PATCH", path: "/api/v1/me", token: bob.token, body: map[string]string{"email": contested}}).want(t, 200)
		now := carpool.Timestamp(time.Now())
		if err := e.store.CreateMember(context.Background(), carpool.Member{ID: carpool.NewID(), Email: contested, Name: "Quicker",
			Role: carpool.RoleMember, PasswordHash: "x", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		token := tokenOf(t, box.wait(t, contested, 1)[0])
		e.do(t, call{method: "POST", path: "/api/v1/email/confirm", body: map[string]string{"token": token}}).problem(t, 409, carpool.ECONFLICT, "email")
	})

	t.Run("too many changes", func(t *testing.T) {
		carl := e.member(t, "Carl Restless", carpool.RoleMember)
		var res response
		for i := range 4 {
			res = e.do(t, call{method: "PATCH", path: "/api/v1/me", token: carl.token, body: map[string]string{"email": "carl" + string(rune('a'+i)) + "@example.org"}})
		}
		res.problem(t, 429, carpool.ETHROTTLED, "")
	})
}
