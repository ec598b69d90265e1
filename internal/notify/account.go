package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// AccountMailer sends the mails about a person's own account (a reset link, an address
// to confirm, a warning) through the e-mail Sender at once. They bypass the outbox and
// the relay on purpose: the links they carry are secrets that the database holds only as
// digests, and nobody chooses whether to get them.
type AccountMailer struct {
	sender Sender
	// Language speaks to people who chose none [English].
	Language language.Tag
	// Attempts and Backoff bound the retries of a failed send [3, 2s doubling].
	Attempts int
	Backoff  time.Duration
}

// NewAccountMailer returns a mailer over the e-mail channel's sender.
func NewAccountMailer(s Sender) *AccountMailer {
	return &AccountMailer{sender: s, Attempts: 3, Backoff: 2 * time.Second}
}

// SendAccountMail sends m, retrying a failure that may pass (a permanent one, such as an
// address the server refuses, is not retried).
func (a *AccountMailer) SendAccountMail(ctx context.Context, m carpool.AccountMail) error {
	p, err := json.Marshal(AccountPayload(m, a.Language))
	if err != nil {
		return fmt.Errorf("account mail: %w", err)
	}
	d := carpool.Delivery{ID: carpool.NewID(), Channel: carpool.ChannelEmail, Payload: p, CreatedAt: time.Now()}
	wait := a.Backoff
	for attempt := 1; ; attempt++ {
		err = a.sender.Send(ctx, d)
		if err == nil || isPermanent(err) || attempt >= a.Attempts {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("account mail: %w", ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
	if err != nil {
		return fmt.Errorf("account mail %s: %w", m.Kind, err)
	}
	return nil
}

// AccountPayload is the mail payload of an account mail: its words, in the person's
// language (else def), and its link.
func AccountPayload(m carpool.AccountMail, def language.Tag) MailPayload {
	if def == (language.Tag{}) {
		def = locale.Default
	}
	words := locale.ForCode(m.Language, def)
	p := MailPayload{To: m.To, Name: m.Name, Kind: string(m.Kind), Link: m.Link, Language: words.Code()}
	switch m.Kind {
	case carpool.MailPasswordReset:
		p.Title = words.T("account.password_reset.title")
		p.Body = words.T("account.password_reset.body", "Minutes", int(carpool.PasswordResetLifetime/time.Minute))
	case carpool.MailEmailConfirm:
		p.Title = words.T("account.email_confirm.title")
		p.Body = words.T("account.email_confirm.body", "Hours", int(carpool.EmailChangeLifetime/time.Hour))
	case carpool.MailEmailChangeNotice:
		p.Title = words.T("account.email_change_notice.title")
		p.Body = words.T("account.email_change_notice.body", "NewEmail", m.NewEmail)
	case carpool.MailSignupExisting:
		p.Title = words.T("account.signup_existing.title")
		p.Body = words.T("account.signup_existing.body")
	case carpool.MailWelcome:
		p.Title = words.T("account.welcome.title")
		p.Body = words.T("account.welcome.body")
	default:
		p.Title, p.Body = words.T("account.other.title"), words.T("account.other.body")
	}
	return p
}

// IsAccountKind reports whether a mail payload's kind is an account mail's, which has
// no notification preferences to change.
func IsAccountKind(kind string) bool { return strings.HasPrefix(kind, "account.") }
