package carpool

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
)

// LinkPurpose says what an account link mailed to a member does when it is opened.
type LinkPurpose string

const (
	// LinkPasswordReset sets a new password for someone who forgot theirs.
	LinkPasswordReset LinkPurpose = "password_reset"
	// LinkEmailChange makes the address it was mailed to the member's address.
	LinkEmailChange LinkPurpose = "email_change"
)

// Lifetimes of account links. A reset link is short-lived: it is as good as the
// password for as long as it lives, and whoever asked for it is waiting for the mail.
// An address change may wait for a mailbox that is read once a day.
const (
	PasswordResetLifetime = 30 * time.Minute
	EmailChangeLifetime   = 24 * time.Hour
)

// LinkPrefix starts the secret of every account link, so a leaked one is easy to
// recognise in a scan, as TokenPrefix does for API tokens.
const LinkPrefix = "cpl_"

// AccountLink is a single-use link mailed to a member. Only the SHA-256 of its secret is
// stored (HashToken): a stolen database or backup holds no usable link. A member has at
// most one link of each purpose; a newer one replaces the older.
type AccountLink struct {
	ID       string
	MemberID string
	Purpose  LinkPurpose
	Hash     string
	// Email is the address an email-change link confirms; empty for other purposes.
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewAccountLink makes a link of purpose for a member and returns it with the secret that
// goes into the mail; the secret is not kept anywhere.
func NewAccountLink(purpose LinkPurpose, memberID, email string, now time.Time) (AccountLink, string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return AccountLink{}, "", fmt.Errorf("new account link: %w", err)
	}
	secret := LinkPrefix + base64.RawURLEncoding.EncodeToString(raw)
	life := PasswordResetLifetime
	if purpose == LinkEmailChange {
		life = EmailChangeLifetime
	}
	now = Timestamp(now)
	return AccountLink{ID: NewID(), MemberID: memberID, Purpose: purpose, Hash: HashToken(secret), Email: email,
		CreatedAt: now, ExpiresAt: now.Add(life)}, secret, nil
}

// ErrLinkInvalid is the one answer to a link that is unknown, used, replaced by a newer
// one or expired: the person can do the same thing about each, ask for a new link.
func ErrLinkInvalid() error {
	return FieldErrorf(EINVALID, "token", "this link is invalid, was already used or has expired; please ask for a new one")
}

// PasswordResetAttemptBackoff and PasswordResetAddressBackoff throttle requests for reset
// links per address asked for and per client address. An owner needs one or two mails;
// more would only fill their mailbox for whoever is asking.
var (
	PasswordResetAccountBackoff = Backoff{Free: 3, Base: time.Minute, Max: time.Hour, Forget: 24 * time.Hour}
	PasswordResetAddressBackoff = Backoff{Free: 10, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// AccountLinkStore keeps account links.
type AccountLinkStore interface {
	// CreateAccountLink stores l and deletes the member's other links of its purpose:
	// only the newest link works.
	CreateAccountLink(ctx context.Context, l AccountLink) error
	// AccountLink returns the link of purpose with hash if it has not expired at now and
	// its member is active; ErrLinkInvalid otherwise.
	AccountLink(ctx context.Context, purpose LinkPurpose, hash string, now time.Time) (AccountLink, error)
	// PendingAccountLink returns the member's unexpired link of purpose; ENOTFOUND when
	// there is none.
	PendingAccountLink(ctx context.Context, memberID string, purpose LinkPurpose, now time.Time) (AccountLink, error)
	// ResetPasswordByLink uses a password-reset link, in one transaction: the link is
	// checked as AccountLink does and deleted, the member's password hash becomes
	// passwordHash, and every session and API token of the member is revoked. It returns
	// the member as changed.
	ResetPasswordByLink(ctx context.Context, hash, passwordHash string, now time.Time) (Member, error)
	// ConfirmEmailByLink uses an email-change link, in one transaction: the link is
	// checked and deleted and its address becomes the member's; ECONFLICT (field email)
	// when another member holds the address by now. It returns the member as changed and
	// their previous address.
	ConfirmEmailByLink(ctx context.Context, hash string, now time.Time) (m Member, previous string, err error)
}

// AccountMailKind says which mail about their account a person gets.
type AccountMailKind string

const (
	// MailPasswordReset carries a password-reset link.
	MailPasswordReset AccountMailKind = "account.password_reset"
	// MailEmailConfirm goes to a new address and carries the link that confirms it.
	MailEmailConfirm AccountMailKind = "account.email_confirm"
	// MailEmailChangeNotice tells the current address that a change to another was asked
	// for.
	MailEmailChangeNotice AccountMailKind = "account.email_change_notice"
	// MailSignupExisting tells a member that someone tried to sign up with their address.
	MailSignupExisting AccountMailKind = "account.signup_existing"
	// MailWelcome tells a new member their account is ready.
	MailWelcome AccountMailKind = "account.welcome"
)

// AccountMail is a mail about a person's own account. It is sent at once, not through the
// outbox: a link's secret must never rest in the database in clear, and an outbox row
// would hold it until it is purged.
type AccountMail struct {
	Kind AccountMailKind
	To   string
	Name string
	// Link is a path of the web UI, with a link's secret when the mail carries one.
	Link string
	// NewEmail is the address a change goes to (MailEmailChangeNotice).
	NewEmail string
	// Language is the code of the language the person chose; empty takes the default.
	Language string
}

// ValidEmail returns email normalised, or EINVALID (field email) when it is not an
// address like name@example.com.
func ValidEmail(email string) (string, error) {
	email = NormalizeEmail(email)
	return email, validateEmail(email)
}
