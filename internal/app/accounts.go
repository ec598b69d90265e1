package app

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// Paths of the web UI that account mails link to; the web UI serves them.
const (
	PasswordResetPath  = "/password/reset"
	EmailConfirmPath   = "/email/confirm"
	ForgotPasswordPath = "/password/forgot"
	SignInPath         = "/signin"
)

// Throttle policies of the mails a stranger can make carpool send.
var (
	// emailChangeBackoff limits the confirmation mails one member can have sent to
	// addresses of their choice.
	emailChangeBackoff = carpool.Backoff{Free: 3, Base: time.Minute, Max: time.Hour, Forget: 24 * time.Hour}
	// signupNoticeBackoff limits the "someone tried to sign up" mails to one address:
	// one a day is enough to warn its owner, and more would be a way to flood them.
	signupNoticeBackoff = carpool.Backoff{Free: 1, Base: 24 * time.Hour, Max: 24 * time.Hour, Forget: 24 * time.Hour}
)

var errNoMail = carpool.Errorf(carpool.EUNAVAILABLE,
	"e-mail is not set up here, so links cannot be sent; ask an administrator")

// ForgotPassword mails a single-use link that sets a new password to the address, if it
// belongs to an active member who signs in with a password. client is the address the
// request came from (the zero Addr when unknown).
//
// The answer is the same whether or not the address has an account: nil once the
// request is accepted. Requests are charged per address asked for and per client
// (carpool.PasswordResetAccountBackoff, PasswordResetAddressBackoff) before anything is
// looked up, so a refusal (ETHROTTLED) says nothing about the address either. The
// lookup, the link and the mail happen after the answer (App.later), so its timing does
// not tell either. A new link replaces any older one.
func (a *App) ForgotPassword(ctx context.Context, email string, client netip.Addr) error {
	if a.noPasswords {
		return errNoPasswords
	}
	if a.mailer == nil {
		return errNoMail
	}
	email, err := carpool.ValidEmail(email)
	if err != nil {
		return err
	}
	keys := []carpool.ThrottleKey{{Key: "reset:" + carpool.HashToken(email), Policy: carpool.PasswordResetAccountBackoff}}
	if k := addressKey(client); k != "" {
		keys = append(keys, carpool.ThrottleKey{Key: "reset-" + k, Policy: carpool.PasswordResetAddressBackoff})
	}
	if err := a.takeAttempt(ctx, keys, carpool.Phrasef("requests for a reset link")); err != nil {
		return fmt.Errorf("forgot password: %w", err)
	}
	a.later(ctx, "password reset", func(ctx context.Context) error {
		m, err := a.store.MemberByEmail(ctx, email)
		switch {
		case carpool.ErrorCode(err) == carpool.ENOTFOUND:
			return nil
		case err != nil:
			return err
		case !m.Active(), m.PasswordHash == "":
			// Someone who left gets no link; someone who signs in through the identity
			// provider only gets no password through the back door.
			return nil
		}
		l, secret, err := carpool.NewAccountLink(carpool.LinkPasswordReset, m.ID, "", a.Now())
		if err != nil {
			return err
		}
		if err := a.store.CreateAccountLink(ctx, l); err != nil {
			return err
		}
		return a.send(ctx, carpool.AccountMail{Kind: carpool.MailPasswordReset, To: m.Email, Name: m.Name,
			Link: PasswordResetPath + "?token=" + secret, Language: m.Language})
	})
	return nil
}

// CheckResetLink reports whether a password-reset link can still be used, so the page
// it opens can say so before the person types a new password twice.
func (a *App) CheckResetLink(ctx context.Context, secret string) error {
	if !strings.HasPrefix(secret, carpool.LinkPrefix) {
		return carpool.ErrLinkInvalid()
	}
	_, err := a.store.AccountLink(ctx, carpool.LinkPasswordReset, carpool.HashToken(secret), a.Now())
	return err
}

// ResetForgottenPassword sets a new password through a mailed link. The link is used up,
// and every session and API token of the member ends, on every replica within the token
// cache's lifetime. A link that is unknown, used, replaced or expired gets one answer,
// carpool.ErrLinkInvalid.
func (a *App) ResetForgottenPassword(ctx context.Context, secret, password string) error {
	if a.noPasswords {
		return errNoPasswords
	}
	if !strings.HasPrefix(secret, carpool.LinkPrefix) {
		return carpool.ErrLinkInvalid()
	}
	hash := carpool.HashToken(secret)
	l, err := a.store.AccountLink(ctx, carpool.LinkPasswordReset, hash, a.Now())
	if err != nil {
		return err
	}
	m, err := a.store.Member(ctx, l.MemberID)
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	if err := carpool.ValidatePassword(password, m.Email, m.Name); err != nil {
		return err
	}
	pwHash, err := a.hashPassword(ctx, password)
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	m, err = a.store.ResetPasswordByLink(ctx, hash, pwHash, a.Now())
	if err != nil {
		return err
	}
	// Whoever was guessing the old password no longer stands between the owner and
	// their account.
	if err := a.store.ResetSignInAttempts(ctx, "account:"+carpool.HashToken(m.Email)); err != nil {
		a.log.ErrorContext(ctx, "reset password: sign-in attempts not cleared", "err", err)
	}
	if err := a.passwordChanged(ctx, m.ID); err != nil {
		return err
	}
	a.audit(ctx, m, carpool.AuditPasswordReset, "member", m.ID, "") // the member as actor: by a mailed link
	return nil
}

// mayChangeEmail charges an address change to me, refusing it when no mail can confirm
// it or when me asked for too many lately.
func (a *App) mayChangeEmail(ctx context.Context, me carpool.Member) error {
	if a.mailer == nil {
		return carpool.FieldErrorf(carpool.EUNAVAILABLE, "email",
			"e-mail is not set up here, so a new address cannot be confirmed; ask an administrator")
	}
	keys := []carpool.ThrottleKey{{Key: "email-change:" + me.ID, Policy: emailChangeBackoff}}
	return a.takeAttempt(ctx, keys, carpool.Phrasef("address changes"))
}

// requestEmailChange mails a confirmation link to next and a notice to me's current
// address (mayChangeEmail has allowed it). The address is checked for uniqueness only
// when the link is used: checking it here would tell a member which addresses have
// accounts.
func (a *App) requestEmailChange(ctx context.Context, me carpool.Member, next string) error {
	l, secret, err := carpool.NewAccountLink(carpool.LinkEmailChange, me.ID, next, a.Now())
	if err != nil {
		return fmt.Errorf("change email: %w", err)
	}
	if err := a.store.CreateAccountLink(ctx, l); err != nil {
		return fmt.Errorf("change email: %w", err)
	}
	a.later(ctx, "email change", func(ctx context.Context) error {
		confirm := a.send(ctx, carpool.AccountMail{Kind: carpool.MailEmailConfirm, To: next, Name: me.Name,
			Link: EmailConfirmPath + "?token=" + secret, Language: me.Language})
		notice := a.send(ctx, carpool.AccountMail{Kind: carpool.MailEmailChangeNotice, To: me.Email, Name: me.Name,
			Link: ForgotPasswordPath, NewEmail: next, Language: me.Language})
		if confirm != nil {
			return confirm
		}
		return notice
	})
	return nil
}

// PendingEmail returns the address me asked to change to and has not confirmed yet;
// "" when there is none.
func (a *App) PendingEmail(ctx context.Context, me carpool.Member) (string, error) {
	l, err := a.store.PendingAccountLink(ctx, me.ID, carpool.LinkEmailChange, a.Now())
	switch carpool.ErrorCode(err) {
	case "":
		return l.Email, nil
	case carpool.ENOTFOUND:
		return "", nil
	default:
		return "", err
	}
}

// ConfirmEmail uses a mailed email-change link: its address becomes the member's.
// Whoever holds the link has read the mail to that address, so no session is needed.
// ECONFLICT (field email) when another account took the address meanwhile.
func (a *App) ConfirmEmail(ctx context.Context, secret string) (carpool.Member, error) {
	if !strings.HasPrefix(secret, carpool.LinkPrefix) {
		return carpool.Member{}, carpool.ErrLinkInvalid()
	}
	m, _, err := a.store.ConfirmEmailByLink(ctx, carpool.HashToken(secret), a.Now())
	if err != nil {
		return carpool.Member{}, err
	}
	a.drivers.forget(m.ID) // a passenger who may see contact details sees the new address
	a.audit(ctx, m, carpool.AuditEmailChanged, "member", m.ID, "")
	return m, nil
}
