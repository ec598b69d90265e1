package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

var (
	resendForm  = regexp.MustCompile(`(?s)<form[^>]*id="resend-email".*?</form>`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([a-z]+)" value="([^"]*)">`)
)

// outbox is an app.Mailer that keeps the mails it is given.
type outbox struct {
	mu    sync.Mutex
	mails []carpool.AccountMail
}

func (o *outbox) SendAccountMail(_ context.Context, m carpool.AccountMail) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mails = append(o.mails, m)
	return nil
}

// await returns the mails to addr once n have come; mails go out after the answer.
func (o *outbox) await(t *testing.T, addr string, n int) []carpool.AccountMail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []carpool.AccountMail
		o.mu.Lock()
		for _, m := range o.mails {
			if m.To == addr {
				got = append(got, m)
			}
		}
		o.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) != n {
				t.Fatalf("mails to %s: got %d, want %d", addr, len(got), n)
			}
			return got
		}
		time.Sleep(10 * time.Millisecond) // polling, bounded by the deadline
	}
}

func startWithMail(t *testing.T) (*webtest.App, *outbox) {
	t.Helper()
	box := &outbox{}
	return webtest.Start(t, webtest.Options{Mailer: func(string) app.Mailer { return box }}), box
}

func TestForgotPasswordPage(t *testing.T) {
	site, box := startWithMail(t)
	ann := site.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	var pages []string
	for _, email := range []string{ann.Email, "nobody@example.com"} {
		b := newBrowser(t, site)
		res, body := b.post("/password/forgot", url.Values{"csrf": {b.csrf("/password/forgot")}, "email": {email}}, nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="sent"`) {
			t.Fatalf("%s: got %d:\n%s", email, res.StatusCode, body)
		}
		pages = append(pages, body)
	}
	if pages[0] != pages[1] {
		t.Errorf("the pages for a member and for nobody differ")
	}
	box.await(t, ann.Email, 1)

	t.Run("a dead link says so on opening", func(t *testing.T) {
		res, body := newBrowser(t, site).get("/password/reset?token=cpl_nothing")
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "already used or has expired") ||
			strings.Contains(body, `name="password"`) {
			t.Fatalf("got %d:\n%s", res.StatusCode, body)
		}
		if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("Referrer-Policy: got %q, want no-referrer", got)
		}
	})
}

func TestEmailChangePages(t *testing.T) {
	site, box := startWithMail(t)
	ann := site.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
	b := newBrowser(t, site)
	b.signInAs(ann)
	res, _ := b.post("/profile", url.Values{"csrf": {b.csrf("/profile")}, "name": {"Ann"}, "phone": {""}, "email": {"ann@elsewhere.org"}}, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=emailPending") {
		t.Fatalf("save: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := b.get("/profile")
	if !strings.Contains(body, `id="pending-email"`) || !strings.Contains(body, "pending confirmation to <strong>ann@elsewhere.org</strong>") {
		t.Fatalf("profile does not show the pending address:\n%s", body)
	}
	box.await(t, "ann@elsewhere.org", 1)
	box.await(t, ann.Email, 1)

	// The mail may be lost (it is not kept for a retry): the profile sends it again with
	// a new link, and leaves the name and phone as they are.
	form := resendForm.FindString(body)
	if form == "" {
		t.Fatalf("profile offers no way to send the link again:\n%s", body)
	}
	values := url.Values{"csrf": {b.csrf("/profile")}}
	for _, in := range hiddenInput.FindAllStringSubmatch(form, -1) {
		if in[1] != "csrf" {
			values.Set(in[1], html.UnescapeString(in[2]))
		}
	}
	if got := values.Get("email"); got != "ann@elsewhere.org" {
		t.Fatalf("send again posts email %q, want ann@elsewhere.org", got)
	}
	res, _ = b.post("/profile", values, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=emailPending") {
		t.Fatalf("send again: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	link := box.await(t, "ann@elsewhere.org", 2)[1].Link
	if m, _ := site.Store.Member(context.Background(), ann.ID); m.Name != "Ann" || m.Email != ann.Email {
		t.Fatalf("sending again changed the member to %q <%s>", m.Name, m.Email)
	}

	// Opening the link changes nothing; the button does.
	anon := newBrowser(t, site)
	_, page := anon.get(link)
	if m, _ := site.Store.Member(context.Background(), ann.ID); m.Email != ann.Email {
		t.Fatalf("opening the link changed the address to %q", m.Email)
	}
	token := link[strings.Index(link, "token=")+len("token="):]
	if !strings.Contains(page, token) {
		t.Fatalf("the confirmation page does not carry the token:\n%s", page)
	}
	res, body = anon.post("/email/confirm", url.Values{"csrf": {anon.csrf(link)}, "token": {token}}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Your e-mail address is now ann@elsewhere.org") {
		t.Fatalf("confirm: got %d:\n%s", res.StatusCode, body)
	}
	_, body = b.get("/profile")
	if strings.Contains(body, `id="pending-email"`) || !strings.Contains(body, `value="ann@elsewhere.org"`) {
		t.Fatalf("profile after confirming:\n%s", body)
	}
}
