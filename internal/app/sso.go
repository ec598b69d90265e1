package app

import (
	"context"
	"fmt"
	"strings"

	"carpool/internal/carpool"
)

// SSOPolicy says who may sign in through the organisation's identity provider.
type SSOPolicy struct {
	// Domains are the e-mail domains whose members may sign in ("*": any the provider
	// vouches for).
	Domains carpool.SignupPolicy
	// Roles maps values of the provider's role claim to carpool roles; the highest
	// role a member's values map to is given when the account is created.
	Roles map[string]carpool.Role
	// TrustEmail accepts the provider's e-mail address without an email_verified claim,
	// for providers that never send one (Microsoft Entra ID). Safe only when the issuer
	// is one organisation's tenant, whose administrators control the addresses.
	TrustEmail bool
}

// ExternalIdentity is who an identity provider says has signed in; internal/sso fills it
// from a verified ID token.
type ExternalIdentity struct {
	Email         string
	EmailVerified bool
	Name          string
	Roles         []string
}

// SignInWithProvider signs in someone the identity provider has just vouched for. Only
// verified addresses of the allowed domains get in. The first sign-in creates the member
// (just in time) with the role the provider's claim maps to, and no password; a member
// who already exists with that address is signed in, raised to that role if it is higher
// than theirs.
func (a *App) SignInWithProvider(ctx context.Context, id ExternalIdentity) (Session, error) {
	email := carpool.NormalizeEmail(id.Email)
	if email == "" || !(id.EmailVerified || a.sso.TrustEmail) {
		return Session{}, carpool.Errorf(carpool.EUNAUTHORIZED,
			"your organisation's sign-in did not confirm your e-mail address, so we cannot tell who you are")
	}
	if !a.sso.Domains.Allows(email) {
		return Session{}, carpool.Errorf(carpool.EFORBIDDEN,
			"addresses of this e-mail domain cannot sign in here; ask an administrator")
	}
	m, err := a.store.MemberByEmail(ctx, email)
	switch carpool.ErrorCode(err) {
	case "":
		// The provider's groups may raise a member's role, never lower it: an admin
		// added on the command line keeps their role, and taking a role away stays an
		// administrator's decision.
		// setRole checks again under the lock (an admin may have changed the role
		// since) and writes the audit line in the same transaction.
		if role := a.sso.role(id.Roles); role.Outranks(m.Role) {
			if m, err = a.setRole(ctx, m.ID, role, carpool.RoleClaim); err != nil {
				return Session{}, fmt.Errorf("sign in with provider: %w", err)
			}
		}
		return a.NewSession(ctx, m)
	case carpool.ENOTFOUND:
	default:
		return Session{}, fmt.Errorf("sign in with provider: %w", err)
	}
	name := strings.TrimSpace(id.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	in, err := carpool.NewMember{Email: email, Name: name, Role: a.sso.role(id.Roles)}.ValidateProfile()
	if err != nil {
		return Session{}, err
	}
	now := a.Now()
	m = carpool.Member{ID: carpool.NewID(), Email: in.Email, Name: in.Name, Role: in.Role, CreatedAt: now, UpdatedAt: now}
	err = a.store.CreateMember(ctx, m)
	if carpool.ErrorCode(err) == carpool.ECONFLICT {
		// Two first sign-ins at once: the other one created the member.
		m, err = a.store.MemberByEmail(ctx, email)
	}
	if err != nil {
		return Session{}, fmt.Errorf("sign in with provider: %w", err)
	}
	return a.NewSession(ctx, m)
}

// role returns the highest role that the provider's values map to.
func (p SSOPolicy) role(values []string) carpool.Role {
	best := carpool.RoleMember
	for _, v := range values {
		if r, ok := p.Roles[v]; ok && r.Outranks(best) {
			best = r
		}
	}
	return best
}

// PasswordSignIn reports whether members may sign in (and sign up) with a password.
func (a *App) PasswordSignIn() bool { return !a.noPasswords }

// errNoPasswords refuses password sign-in and sign-up when the operator switched it off.
var errNoPasswords = carpool.Errorf(carpool.EFORBIDDEN,
	"sign-in with a password is switched off here; sign in with your organisation's account")
