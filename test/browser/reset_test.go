package browser_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/mail"
	"carpool/internal/mail/mailtest"
	"carpool/internal/notify"
	"carpool/internal/web/webtest"
)

// resetLink finds the reset link in a mail's text.
var resetLink = regexp.MustCompile(`https?://\S+/password/reset\?token=\S+`)

// TestForgottenPassword: a member who forgot their password asks for a link, gets it in
// a real mail (SMTP to Mailpit, read back through Mailpit's API), asks again as she
// would if the mail had been lost (the link mails are not kept for a retry: the person
// asking again is the retry), sets a new password on the page the newer link opens, and
// signs in with it; the old one no longer works.
func TestForgottenPassword(t *testing.T) {
	browser := startBrowser(t, 2*time.Minute)
	dir := screenDir(t)
	mailpit := mailtest.Start(t)
	site := webtest.Start(t, webtest.Options{Mailer: func(base string) app.Mailer {
		s, err := mail.New(mail.Config{URL: mailpit.SMTPURL(), From: "Carpool <carpool@example.com>", BaseURL: base})
		if err != nil {
			t.Fatalf("mail sender: %v", err)
		}
		return notify.NewAccountMailer(s)
	}})
	site.AddMember(t, "fiona@example.com", "Fiona Forgetful", "", carpool.RoleMember)
	f := newPerson(t, browser, site.URL, "Fiona")
	const newPassword = "a much better passphrase"

	step := func(name string, fn func(t *testing.T)) {
		if !t.Run(name, fn) {
			t.FailNow()
		}
	}
	step("1 she asks for a link from the sign-in page", func(t *testing.T) {
		f := f.in(t)
		f.open("/signin")
		if !f.has("#forgot") {
			t.Fatalf("the sign-in page offers no reset; it says: %s", f.text("main"))
		}
		f.follow("#forgot")
		f.wantText("h1", "Forgot your password")
		f.fill("email", "Fiona@Example.com")
		f.submitOK(`form[action="/password/forgot"] button[type="submit"]`)
		f.wantText("#sent", "If this address belongs to an account")
		f.screenshot(dir, "r1-link-requested")
	})
	var link string
	step("2 the mail arrives with the link", func(t *testing.T) {
		deadline := time.Now().Add(20 * time.Second)
		for link == "" {
			for _, m := range mailpit.Messages(t) {
				if len(m.To) == 1 && m.To[0].Address == "fiona@example.com" && strings.Contains(m.Subject, "Reset your password") {
					d := mailpit.Detail(t, m.ID)
					link = resetLink.FindString(d.Text)
					if len(d.Headers["List-Unsubscribe"]) > 0 {
						t.Errorf("an account mail offers to unsubscribe: %v", d.Headers["List-Unsubscribe"])
					}
				}
			}
			if link == "" {
				if time.Now().After(deadline) {
					t.Fatalf("no reset mail with a link within 20s; Mailpit holds %+v", mailpit.Messages(t))
				}
				time.Sleep(100 * time.Millisecond) // polling, bounded by the deadline
			}
		}
		if !strings.HasPrefix(link, site.URL+"/password/reset?token="+carpool.LinkPrefix) {
			t.Fatalf("link %q does not lead to this site's reset page", link)
		}
	})
	step("2a she asks again, as someone whose mail got lost would: the newer link replaces it", func(t *testing.T) {
		f := f.in(t)
		first := link
		f.open("/password/forgot")
		f.fill("email", "fiona@example.com")
		f.submitOK(`form[action="/password/forgot"] button[type="submit"]`)
		f.wantText("#sent", "If this address belongs to an account")
		deadline := time.Now().Add(20 * time.Second)
		for link == first {
			for _, m := range mailpit.Messages(t) {
				if len(m.To) == 1 && m.To[0].Address == "fiona@example.com" && strings.Contains(m.Subject, "Reset your password") {
					if l := resetLink.FindString(mailpit.Detail(t, m.ID).Text); l != "" && l != first {
						link = l
					}
				}
			}
			if link == first {
				if time.Now().After(deadline) {
					t.Fatalf("no second reset mail within 20s; Mailpit holds %+v", mailpit.Messages(t))
				}
				time.Sleep(100 * time.Millisecond) // polling, bounded by the deadline
			}
		}
		f.open(strings.TrimPrefix(first, site.URL))
		f.wantText("main", "invalid, was already used or has expired")
	})
	step("3 the link's page sets a new password", func(t *testing.T) {
		f := f.in(t)
		f.open(strings.TrimPrefix(link, site.URL))
		f.wantText("h1", "Choose a new password")
		f.fill("password", newPassword)
		f.fill("password2", newPassword+" typo")
		if status := f.submit(`form[action="/password/reset"] button[type="submit"]`); status != 422 {
			t.Fatalf("two different passwords: got HTTP %d, want 422", status)
		}
		f.wantText("#password2-error", "differ")
		f.fill("password", newPassword)
		f.fill("password2", newPassword)
		f.submitOK(`form[action="/password/reset"] button[type="submit"]`)
		f.wantText(".flash", "new password is set")
		f.screenshot(dir, "r2-password-set")
	})
	step("4 she signs in with the new password, not the old", func(t *testing.T) {
		f := f.in(t)
		f.open("/signin")
		f.fill("email", "fiona@example.com")
		f.fill("password", webtest.Password)
		if status := f.submit(`form[action="/signin"] button[type="submit"]`); status != 401 {
			t.Fatalf("the old password: got HTTP %d, want 401", status)
		}
		f.signIn("fiona@example.com", newPassword)
	})
	step("5 the link is used up", func(t *testing.T) {
		f := f.in(t)
		f.open(strings.TrimPrefix(link, site.URL))
		f.wantText("main", "invalid, was already used or has expired")
	})
}
