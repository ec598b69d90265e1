package app_test

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// mailbox is an app.Mailer that keeps what it is given.
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

// all returns the mails sent once the app's background jobs have ended.
func (b *mailbox) all(a *app.App) []carpool.AccountMail {
	a.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]carpool.AccountMail(nil), b.mails...)
}

// to returns the mails sent to addr.
func (b *mailbox) to(a *app.App, addr string) []carpool.AccountMail {
	var out []carpool.AccountMail
	for _, m := range b.all(a) {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// newMailApp returns a fixture whose App mails into a mailbox.
func newMailApp(t *testing.T, policy carpool.SignupPolicy) (*fixture, *mailbox) {
	t.Helper()
	f := newAppWith(t, policy)
	box := &mailbox{}
	f.app = app.New(f.store, app.Options{Signup: policy, Now: f.clock.Now, Mailer: box})
	return f, box
}

// secretOf returns the link secret a mail carries.
func secretOf(t *testing.T, m carpool.AccountMail) string {
	t.Helper()
	_, secret, ok := strings.Cut(m.Link, "token=")
	if !ok || !strings.HasPrefix(secret, carpool.LinkPrefix) {
		t.Fatalf("mail %s: link %q carries no secret", m.Kind, m.Link)
	}
	return secret
}

var client = netip.MustParseAddr("198.51.100.7")

func TestForgotPassword(t *testing.T) {
	t.Run("an unknown address gets the same answer and no mail", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		known := f.app.ForgotPassword(f.ctx, strings.ToUpper(m.Email), client)
		unknown := f.app.ForgotPassword(f.ctx, "nobody-"+unique()+"@example.com", client)
		if known != nil || unknown != nil {
			t.Fatalf("answers: got %v for a member and %v for nobody, want nil both", known, unknown)
		}
		mails := box.all(f.app)
		if len(mails) != 1 || mails[0].To != m.Email || mails[0].Kind != carpool.MailPasswordReset {
			t.Fatalf("mails: got %+v, want one reset link to %s", mails, m.Email)
		}
	})

	t.Run("the link sets the password once and signs out every session", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		var sessions []app.Session
		for range 2 {
			s, err := f.app.SignIn(f.ctx, m.Email, password, client)
			mustDo(t, err)
			sessions = append(sessions, s)
		}
		mustDo(t, f.app.ForgotPassword(f.ctx, m.Email, client))
		secret := secretOf(t, box.to(f.app, m.Email)[0])
		mustDo(t, f.app.CheckResetLink(f.ctx, secret))

		wantCode(t, f.app.ResetForgottenPassword(f.ctx, secret, "short"), carpool.EINVALID, "password")
		const next = "a brand new secret phrase"
		mustDo(t, f.app.ResetForgottenPassword(f.ctx, secret, next))
		for i, s := range sessions {
			if _, _, err := f.app.Authenticate(f.ctx, s.Secret); carpool.ErrorCode(err) != carpool.EUNAUTHORIZED {
				t.Errorf("session %d after the reset: got %v, want EUNAUTHORIZED", i, err)
			}
		}
		_, err := f.app.SignIn(f.ctx, m.Email, password, client)
		wantCode(t, err, carpool.EUNAUTHORIZED, "")
		_, err = f.app.SignIn(f.ctx, m.Email, next, client)
		mustDo(t, err)

		// Used: the same clear error as any other dead link.
		wantCode(t, f.app.ResetForgottenPassword(f.ctx, secret, "yet another secret phrase"), carpool.EINVALID, "token")
		wantCode(t, f.app.CheckResetLink(f.ctx, secret), carpool.EINVALID, "token")
		audit, _, err := f.store.AuditLog(f.ctx, carpool.AuditFilter{SubjectID: m.ID, Action: carpool.AuditPasswordReset}, carpool.Page{})
		mustDo(t, err)
		if len(audit) != 1 || audit[0].ActorID != m.ID {
			t.Errorf("audit: got %+v, want one reset by the member", audit)
		}
	})

	t.Run("an expired link does nothing", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		mustDo(t, f.app.ForgotPassword(f.ctx, m.Email, client))
		secret := secretOf(t, box.to(f.app, m.Email)[0])
		f.clock.Advance(carpool.PasswordResetLifetime + time.Second)
		wantCode(t, f.app.ResetForgottenPassword(f.ctx, secret, "a brand new secret phrase"), carpool.EINVALID, "token")
		_, err := f.app.SignIn(f.ctx, m.Email, password, client)
		mustDo(t, err)
	})

	t.Run("a newer request replaces the older link", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		mustDo(t, f.app.ForgotPassword(f.ctx, m.Email, client))
		first := secretOf(t, box.to(f.app, m.Email)[0])
		mustDo(t, f.app.ForgotPassword(f.ctx, m.Email, client))
		second := secretOf(t, box.to(f.app, m.Email)[1])
		wantCode(t, f.app.ResetForgottenPassword(f.ctx, first, "a brand new secret phrase"), carpool.EINVALID, "token")
		mustDo(t, f.app.ResetForgottenPassword(f.ctx, second, "a brand new secret phrase"))
	})

	t.Run("unknown and malformed links get the same error", func(t *testing.T) {
		f, _ := newMailApp(t, carpool.SignupPolicy{})
		for _, secret := range []string{"", "cpl_unknown", "cpt_an-api-token", "\x00"} {
			err := f.app.ResetForgottenPassword(f.ctx, secret, "a brand new secret phrase")
			wantCode(t, err, carpool.EINVALID, "token")
			if carpool.ErrorMessage(err) != carpool.ErrorMessage(carpool.ErrLinkInvalid()) {
				t.Errorf("%q: got %q, want the one message of a dead link", secret, carpool.ErrorMessage(err))
			}
		}
	})

	t.Run("requests are throttled per address, known or not", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		for _, addr := range []string{m.Email, "nobody-" + unique() + "@example.com"} {
			for i := range carpool.PasswordResetAccountBackoff.Free {
				// Each from another client, so only the address's counter binds.
				from := netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i)})
				mustDo(t, f.app.ForgotPassword(f.ctx, addr, from))
			}
			err := f.app.ForgotPassword(f.ctx, addr, netip.MustParseAddr("192.0.2.99"))
			wantCode(t, err, carpool.ETHROTTLED, "")
			if carpool.RetryAfter(err) <= 0 {
				t.Errorf("%s: no Retry-After", addr)
			}
		}
		if n := len(box.to(f.app, m.Email)); n != carpool.PasswordResetAccountBackoff.Free {
			t.Errorf("mails to the member: got %d, want %d", n, carpool.PasswordResetAccountBackoff.Free)
		}
	})

	t.Run("requests are throttled per client", func(t *testing.T) {
		f, _ := newMailApp(t, carpool.SignupPolicy{})
		var err error
		for range carpool.PasswordResetAddressBackoff.Free + 1 {
			err = f.app.ForgotPassword(f.ctx, "someone-"+unique()+"@example.com", client)
		}
		wantCode(t, err, carpool.ETHROTTLED, "")
	})

	t.Run("a deactivated member gets no link", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		admin := f.member(carpool.RoleAdmin)
		m := f.member(carpool.RoleMember)
		_, err := f.app.Deactivate(f.ctx, admin, m.ID)
		mustDo(t, err)
		mustDo(t, f.app.ForgotPassword(f.ctx, m.Email, client))
		if mails := box.to(f.app, m.Email); len(mails) != 0 {
			t.Fatalf("mails: got %+v, want none", mails)
		}
	})

	t.Run("the answer does not wait for the lookup or the mail", func(t *testing.T) {
		f := newAppWith(t, carpool.SignupPolicy{})
		release := make(chan struct{})
		stuck := blockingMailer(release)
		f.app = app.New(f.store, app.Options{Now: f.clock.Now, Mailer: stuck})
		m := f.member(carpool.RoleMember)
		answered := make(chan error, 1)
		go func() { answered <- f.app.ForgotPassword(f.ctx, m.Email, client) }()
		select {
		case err := <-answered:
			mustDo(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("the answer waited for the mail")
		}
		close(release)
		f.app.Wait()
	})

	t.Run("without mail the feature says so", func(t *testing.T) {
		f := newApp(t)
		wantCode(t, f.app.ForgotPassword(f.ctx, "ann@example.com", client), carpool.EUNAVAILABLE, "")
	})
}

func TestEmailChange(t *testing.T) {
	t.Run("the new address counts once its link is opened", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		next := "new-" + unique() + "@example.org"
		got, err := f.app.UpdateProfile(f.ctx, m, app.ProfilePatch{Email: ptr(strings.ToUpper(next))})
		mustDo(t, err)
		if got.Email != m.Email {
			t.Fatalf("address right after the change: got %q, want still %q", got.Email, m.Email)
		}
		pending, err := f.app.PendingEmail(f.ctx, m)
		mustDo(t, err)
		if pending != next {
			t.Fatalf("pending: got %q, want %q", pending, next)
		}
		confirm := box.to(f.app, next)
		notice := box.to(f.app, m.Email)
		if len(confirm) != 1 || confirm[0].Kind != carpool.MailEmailConfirm {
			t.Fatalf("mails to the new address: got %+v, want one confirmation", confirm)
		}
		if len(notice) != 1 || notice[0].Kind != carpool.MailEmailChangeNotice || notice[0].NewEmail != next ||
			strings.Contains(notice[0].Link, "token=") {
			t.Fatalf("mails to the old address: got %+v, want one notice naming %s and no link secret", notice, next)
		}
		_, err = f.app.SignIn(f.ctx, next, password, client)
		wantCode(t, err, carpool.EUNAUTHORIZED, "")

		changed, err := f.app.ConfirmEmail(f.ctx, secretOf(t, confirm[0]))
		mustDo(t, err)
		if changed.ID != m.ID || changed.Email != next {
			t.Fatalf("confirmed: got %+v, want %s with %s", changed, m.ID, next)
		}
		_, err = f.app.SignIn(f.ctx, next, password, client)
		mustDo(t, err)
		if pending, _ := f.app.PendingEmail(f.ctx, changed); pending != "" {
			t.Errorf("pending after confirming: got %q, want none", pending)
		}
		_, err = f.app.ConfirmEmail(f.ctx, secretOf(t, confirm[0]))
		wantCode(t, err, carpool.EINVALID, "token")
	})

	t.Run("an address taken meanwhile is refused at confirmation", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		other := f.member(carpool.RoleMember)
		next := "contested-" + unique() + "@example.org"
		_, err := f.app.UpdateProfile(f.ctx, m, app.ProfilePatch{Email: &next})
		mustDo(t, err)
		_, err = f.app.UpdateProfile(f.ctx, other, app.ProfilePatch{Email: &next})
		mustDo(t, err) // asking is allowed: refusing here would tell who has an account
		links := box.to(f.app, next)
		if len(links) != 2 {
			t.Fatalf("confirmation mails: got %d, want 2", len(links))
		}
		_, err = f.app.ConfirmEmail(f.ctx, secretOf(t, links[1]))
		mustDo(t, err)
		_, err = f.app.ConfirmEmail(f.ctx, secretOf(t, links[0]))
		wantCode(t, err, carpool.ECONFLICT, "email")
	})

	t.Run("too many changes are refused before anything is saved", func(t *testing.T) {
		f, _ := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		for range 3 {
			_, err := f.app.UpdateProfile(f.ctx, m, app.ProfilePatch{Email: ptr("restless" + unique() + "@example.org")})
			mustDo(t, err)
		}
		_, err := f.app.UpdateProfile(f.ctx, m, app.ProfilePatch{Name: ptr("Renamed"), Email: ptr("restless" + unique() + "@example.org")})
		wantCode(t, err, carpool.ETHROTTLED, "")
		if stored, _ := f.store.Member(f.ctx, m.ID); stored.Name != m.Name {
			t.Errorf("name after a refused change: got %q, want %q", stored.Name, m.Name)
		}
		x, err := f.app.ExportMine(f.ctx, m)
		mustDo(t, err)
		if !strings.HasPrefix(x.Member.PendingEmail, "restless") {
			t.Errorf("export: pending address %q, want the last one asked for", x.Member.PendingEmail)
		}
	})

	t.Run("the same address or a bad one", func(t *testing.T) {
		f, box := newMailApp(t, carpool.SignupPolicy{})
		m := f.member(carpool.RoleMember)
		_, err := f.app.UpdateProfile(f.ctx, m, app.ProfilePatch{Email: ptr(" " + strings.ToUpper(m.Email))})
		mustDo(t, err)
		_, err = f.app.UpdateProfile(f.ctx, m, app.ProfilePatch{Email: ptr("not an address")})
		wantCode(t, err, carpool.EINVALID, "email")
		if mails := box.all(f.app); len(mails) != 0 {
			t.Fatalf("mails: got %+v, want none", mails)
		}
	})
}

func TestSignUpWithAnExistingAddress(t *testing.T) {
	f, box := newMailApp(t, carpool.SignupPolicy{Domains: []string{"*"}})
	fresh, err := f.app.SignUp(f.ctx, carpool.NewMember{Email: "Newbie@Example.com", Name: "Newbie", Password: password})
	mustDo(t, err)
	if mails := box.to(f.app, "newbie@example.com"); len(mails) != 1 || mails[0].Kind != carpool.MailWelcome {
		t.Fatalf("mails to a new member: got %+v, want a welcome", mails)
	}

	again, err := f.app.SignUp(f.ctx, carpool.NewMember{Email: "NEWBIE@example.com", Name: "Intruder", Password: "another fine password"})
	mustDo(t, err)
	if again.ID == fresh.ID || again.Email != fresh.Email || again.Role != fresh.Role {
		t.Fatalf("second answer: got %+v, want the shape of the first with another id", again)
	}
	stored, err := f.store.MemberByEmail(f.ctx, fresh.Email)
	mustDo(t, err)
	if stored.ID != fresh.ID || stored.Name != "Newbie" {
		t.Fatalf("account after the second sign-up: got %+v, want the first unchanged", stored)
	}
	mails := box.to(f.app, fresh.Email)
	if len(mails) != 2 || mails[1].Kind != carpool.MailSignupExisting || mails[1].Link != app.ForgotPasswordPath {
		t.Fatalf("mails: got %+v, want the welcome, then a warning linking to the reset page", mails)
	}
	_, err = f.app.SignIn(f.ctx, fresh.Email, "another fine password", client)
	wantCode(t, err, carpool.EUNAUTHORIZED, "")

	// A third try the same day warns nobody again.
	_, err = f.app.SignUp(f.ctx, carpool.NewMember{Email: fresh.Email, Name: "Intruder", Password: "another fine password"})
	mustDo(t, err)
	if n := len(box.to(f.app, fresh.Email)); n != 2 {
		t.Fatalf("mails after a third try: got %d, want still 2", n)
	}
}

// blockingMailer is an app.Mailer whose sends wait until release is closed.
type blockingMailer chan struct{}

func (b blockingMailer) SendAccountMail(ctx context.Context, _ carpool.AccountMail) error {
	select {
	case <-b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
