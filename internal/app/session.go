package app

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// SessionCookie is the cookie in which the web UI keeps a member's token. The REST API
// accepts it for reads too, so both edges name it from here.
const SessionCookie = "carpool_session"

// Session is a member signed in: the stored token and the secret only they hold.
type Session struct {
	Member carpool.Member
	Token  carpool.Token
	Secret string
}

// SignIn checks an email and password and issues a new token. client is the address
// the attempt came from (the zero Addr when unknown).
//
// An unknown email costs as much time as a wrong password and gets the same answer, so
// neither the answer nor its timing tells which addresses have accounts. Every attempt is
// charged to the account and to the client address before the password is checked
// (Options.AccountBackoff, Options.AddressBackoff); one that must wait is refused with
// ETHROTTLED, and one that finds every hash slot taken with EUNAVAILABLE, both without
// hashing. A success clears the account's count and takes back its charge to the address.
func (a *App) SignIn(ctx context.Context, email, password string, client netip.Addr) (Session, error) {
	s, err := a.signIn(ctx, email, password, client)
	if reason := refusalOf(err); reason != "" && a.signInRefused != nil {
		a.signInRefused(reason)
	}
	return s, err
}

// Why a sign-in by password was refused, for Options.SignInRefused: an attack shows as
// throttled and bad credentials, too little capacity as busy hash slots.
const (
	RefusedThrottled      = "throttled"
	RefusedHashSlotsBusy  = "hash_slots_busy"
	RefusedBadCredentials = "bad_credentials"
)

// SignInRefusals lists every reason SignIn reports, so that counters start at zero.
var SignInRefusals = []string{RefusedThrottled, RefusedHashSlotsBusy, RefusedBadCredentials}

// refusalOf names the reason of a refused sign-in; "" for a success and for failures
// that are not a refusal of the attempt (the database, a cancelled request).
func refusalOf(err error) string {
	switch carpool.ErrorCode(err) {
	case carpool.ETHROTTLED:
		return RefusedThrottled
	case carpool.EUNAVAILABLE:
		return RefusedHashSlotsBusy
	case carpool.EUNAUTHORIZED:
		return RefusedBadCredentials
	}
	return ""
}

func (a *App) signIn(ctx context.Context, email, password string, client netip.Addr) (Session, error) {
	if a.noPasswords {
		return Session{}, errNoPasswords
	}
	email = carpool.NormalizeEmail(email)
	// The counter is keyed by a digest of the address: any bytes at all fit the column,
	// and the throttle table holds no e-mail addresses to erase.
	account := "account:" + carpool.HashToken(email)
	keys := []carpool.ThrottleKey{{Key: account, Policy: a.accountBackoff}}
	address := carpool.ThrottleKey{Key: addressKey(client), Policy: a.addressBackoff}
	if address.Key != "" {
		keys = append(keys, address)
	}
	// A key this process already knows to be blocked costs neither a hash slot nor a
	// database transaction.
	if wait := a.blocked.wait(keys, time.Now()); wait > 0 {
		return Session{}, throttled(wait)
	}

	release, err := a.hashes.acquire(ctx)
	if err != nil {
		return Session{}, fmt.Errorf("sign in: %w", err)
	}
	defer release()

	waits, err := a.store.TakeSignInAttempt(ctx, keys)
	if err != nil {
		return Session{}, fmt.Errorf("sign in: %w", err)
	}
	if wait := carpool.LongestWait(waits); wait > 0 {
		a.blocked.note(keys, waits, time.Now())
		return Session{}, throttled(wait)
	}

	badCredentials := carpool.Errorf(carpool.EUNAUTHORIZED, "email or password is wrong")
	m, err := a.store.MemberByEmail(ctx, email)
	switch {
	case carpool.ErrorCode(err) == carpool.ENOTFOUND:
		carpool.CheckNoPassword(password)
		return Session{}, badCredentials
	case err != nil:
		return Session{}, fmt.Errorf("sign in: %w", err)
	case m.PasswordHash == "":
		// Signs in through the identity provider only (or was erased); answer as
		// slowly as a check.
		carpool.CheckNoPassword(password)
		return Session{}, badCredentials
	case !carpool.CheckPassword(m.PasswordHash, password), !m.Active():
		// A deactivated member learns no more than a wrong password would tell.
		return Session{}, badCredentials
	}
	if err := a.store.ResetSignInAttempts(ctx, account); err != nil {
		return Session{}, fmt.Errorf("sign in: %w", err)
	}
	if address.Key != "" {
		if err := a.store.RefundSignInAttempt(ctx, address); err != nil {
			return Session{}, fmt.Errorf("sign in: %w", err)
		}
	}
	return a.NewSession(ctx, m)
}

// addressKey names the throttle counter of a client address. An IPv6 client is counted by
// its /64, the block one subscriber usually gets, so that hopping between its addresses
// does not buy fresh attempts.
func addressKey(client netip.Addr) string {
	switch {
	case !client.IsValid():
		return ""
	case client.Is4() || client.Is4In6():
		return "address:" + client.Unmap().String()
	default:
		p, _ := client.Prefix(64) // cannot fail for a valid IPv6 address
		return "address:" + p.String()
	}
}

// NewSession issues a token for m, who has just proved who they are (by their password,
// or by creating the account a moment ago).
func (a *App) NewSession(ctx context.Context, m carpool.Member) (Session, error) {
	t, secret, err := carpool.NewToken(m.ID, a.Now())
	if err != nil {
		return Session{}, fmt.Errorf("new session: %w", err)
	}
	if err := a.store.CreateToken(ctx, t); err != nil {
		return Session{}, fmt.Errorf("new session: %w", err)
	}
	return Session{Member: m, Token: t, Secret: secret}, nil
}

// SignOut revokes a token; revoking one that is already gone succeeds.
func (a *App) SignOut(ctx context.Context, t carpool.Token) error {
	if err := a.store.DeleteToken(ctx, t.ID); err != nil && carpool.ErrorCode(err) != carpool.ENOTFOUND {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// Authenticate returns the member and token that a token secret belongs to, for an
// operation every member reaches; EUNAUTHORIZED when it is malformed, unknown or expired,
// or when its member's sign-in does not reach that far (see AuthenticateFor).
func (a *App) Authenticate(ctx context.Context, secret string) (carpool.Member, carpool.Token, error) {
	return a.AuthenticateFor(ctx, secret, carpool.ReachMember)
}

// AuthenticateFor is Authenticate for an operation that asks for reach. A member whose
// sign-in does not reach it (site security, outside the parking list) is refused as if
// they had not signed in, so that an operation added later is closed to them until it
// says otherwise; BeyondReach tells that refusal apart.
func (a *App) AuthenticateFor(ctx context.Context, secret string, reach carpool.Reach) (carpool.Member, carpool.Token, error) {
	m, t, err := a.authenticate(ctx, secret)
	if err == nil && !m.Reaches(reach) {
		return carpool.Member{}, carpool.Token{}, errBeyondReach
	}
	return m, t, err
}

// errBeyondReach refuses a signed-in member an operation their sign-in does not reach.
var errBeyondReach = carpool.Errorf(carpool.EUNAUTHORIZED, "this account may only read the parking lists of sites")

// BeyondReach reports whether err is AuthenticateFor's refusal of a member who is signed
// in, but not for that operation: the web sends them to the pages they may see.
func BeyondReach(err error) bool { return errors.Is(err, errBeyondReach) }

func (a *App) authenticate(ctx context.Context, secret string) (carpool.Member, carpool.Token, error) {
	invalid := carpool.Errorf(carpool.EUNAUTHORIZED, "token is invalid or expired")
	if !strings.HasPrefix(secret, carpool.TokenPrefix) {
		return carpool.Member{}, carpool.Token{}, invalid
	}
	m, t, err := a.store.MemberByToken(ctx, carpool.HashToken(secret), a.now())
	switch carpool.ErrorCode(err) {
	case "":
		return m, t, nil
	case carpool.EUNAUTHORIZED, carpool.ENOTFOUND:
		return carpool.Member{}, carpool.Token{}, invalid
	default:
		return carpool.Member{}, carpool.Token{}, fmt.Errorf("authenticate: %w", err)
	}
}
