package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// AccountMailer sends the mails about a person's own account (a reset link, an address
// to confirm, a warning) through the e-mail Sender at once. They bypass the outbox and
// the relay on purpose: the links they carry are secrets that the database holds only as
// digests, and nobody chooses whether to get them.
type AccountMailer struct {
	sender Sender
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
	p, err := json.Marshal(AccountPayload(m))
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

// AccountPayload is the mail payload of an account mail: its words and its link.
func AccountPayload(m carpool.AccountMail) MailPayload {
	p := MailPayload{To: m.To, Name: m.Name, Kind: string(m.Kind), Link: m.Link}
	switch m.Kind {
	case carpool.MailPasswordReset:
		p.Title = "Reset your password"
		p.Body = fmt.Sprintf("Someone, probably you, asked to reset the password of your Carpool account. "+
			"Open the link within %d minutes to choose a new one; it works once. "+
			"If you did not ask for it, ignore this mail: your password stays as it is.",
			int(carpool.PasswordResetLifetime/time.Minute))
	case carpool.MailEmailConfirm:
		p.Title = "Confirm your new e-mail address"
		p.Body = fmt.Sprintf("You asked to use this address for your Carpool account. "+
			"Open the link within %d hours to confirm it; until then your account keeps its current address. "+
			"If you did not ask for it, ignore this mail.", int(carpool.EmailChangeLifetime/time.Hour))
	case carpool.MailEmailChangeNotice:
		p.Title = "Your e-mail address is about to change"
		p.Body = fmt.Sprintf("Someone signed in to your Carpool account asked to change its address to %s. "+
			"The change happens only when the link sent there is opened. If this was not you, "+
			"reset your password now: that signs everyone else out and cancels nothing you did.", m.NewEmail)
	case carpool.MailSignupExisting:
		p.Title = "Someone tried to sign up with your address"
		p.Body = "Someone tried to create a Carpool account with this e-mail address, which already has one. " +
			"If it was you, sign in with your password, or reset it if you forgot it. " +
			"If it was not you, you need not do anything: no second account was made."
	case carpool.MailWelcome:
		p.Title = "Your account is ready"
		p.Body = "Welcome to Carpool. Your account is ready: sign in with this e-mail address and the password you chose."
	default:
		p.Title, p.Body = "Your account", "Something changed in your Carpool account."
	}
	return p
}

// IsAccountKind reports whether a mail payload's kind is an account mail's, which has
// no notification preferences to change.
func IsAccountKind(kind string) bool { return strings.HasPrefix(kind, "account.") }
