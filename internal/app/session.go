package app

import (
	"context"
	"fmt"
	"strings"

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

// SignIn checks an email and password and issues a new token. An unknown email costs as
// much time as a wrong password and gets the same answer, so neither the answer nor its
// timing tells which addresses have accounts.
func (a *App) SignIn(ctx context.Context, email, password string) (Session, error) {
	badCredentials := carpool.Errorf(carpool.EUNAUTHORIZED, "email or password is wrong")
	m, err := a.store.MemberByEmail(ctx, carpool.NormalizeEmail(email))
	switch {
	case carpool.ErrorCode(err) == carpool.ENOTFOUND:
		carpool.CheckNoPassword(password)
		return Session{}, badCredentials
	case err != nil:
		return Session{}, fmt.Errorf("sign in: %w", err)
	case !carpool.CheckPassword(m.PasswordHash, password), !m.Active():
		// A deactivated member learns no more than a wrong password would tell.
		return Session{}, badCredentials
	}
	return a.NewSession(ctx, m)
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

// Authenticate returns the member and token that a token secret belongs to; EUNAUTHORIZED
// when it is malformed, unknown or expired.
func (a *App) Authenticate(ctx context.Context, secret string) (carpool.Member, carpool.Token, error) {
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
