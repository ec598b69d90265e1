package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// SignupOpen reports whether anyone may sign up by themselves at all.
func (a *App) SignupOpen() bool { return a.signup.Open() && !a.noPasswords }

// SignUp creates a member account for someone whose email domain the sign-up policy
// allows. Accounts made this way always get the member role.
//
// An address that already has an account is not refused: a refusal would tell anyone
// which addresses have accounts. Nothing is made, the owner gets a mail saying that
// someone tried (with a link to reset the password), and the answer has the same shape
// as a success: a member value with a fresh id that no account has. The password is
// hashed either way, so the answer takes as long. Since nobody can tell the two apart,
// a sign-up does not sign anyone in: both are told to check their mail (a new member
// gets a welcome mail) and to sign in.
func (a *App) SignUp(ctx context.Context, in carpool.NewMember) (carpool.Member, error) {
	if a.noPasswords {
		return carpool.Member{}, errNoPasswords
	}
	if !a.signup.Open() {
		return carpool.Member{}, carpool.Errorf(carpool.EFORBIDDEN, "sign-up is closed; ask an administrator for an account")
	}
	in.Role = carpool.RoleMember
	lang, langErr := languageCode(in.Language)
	in, err := in.Validate()
	if err = carpool.JoinInvalid(err, langErr); err != nil {
		return carpool.Member{}, err
	}
	in.Language = lang
	if !a.signup.Allows(in.Email) {
		return carpool.Member{}, carpool.FieldErrorf(carpool.EFORBIDDEN, "email",
			"addresses of this email domain cannot sign up here; ask an administrator for an account")
	}
	m, err := a.createMember(ctx, in)
	switch {
	case err == nil:
		a.later(ctx, "welcome", func(ctx context.Context) error {
			return a.send(ctx, carpool.AccountMail{Kind: carpool.MailWelcome, To: m.Email, Name: m.Name, Link: SignInPath, Language: m.Language})
		})
		return m, nil
	case carpool.ErrorCode(err) == carpool.ECONFLICT && carpool.ErrorField(err) == "email":
		a.later(ctx, "sign-up of an existing address", func(ctx context.Context) error {
			return a.warnExisting(ctx, in.Email)
		})
		now := a.Now()
		return carpool.Member{ID: carpool.NewID(), Email: in.Email, Name: in.Name, Phone: in.Phone,
			Role: carpool.RoleMember, CreatedAt: now, UpdatedAt: now}, nil
	default:
		return carpool.Member{}, err
	}
}

// warnExisting tells the member with email that someone tried to sign up with it, at
// most once a day per address.
func (a *App) warnExisting(ctx context.Context, email string) error {
	keys := []carpool.ThrottleKey{{Key: "signup-notice:" + carpool.HashToken(email), Policy: signupNoticeBackoff}}
	if err := a.takeAttempt(ctx, keys, carpool.Phrasef("sign-up notices")); err != nil {
		if carpool.ErrorCode(err) == carpool.ETHROTTLED {
			return nil
		}
		return err
	}
	m, err := a.store.MemberByEmail(ctx, email)
	if err != nil {
		return err
	}
	if !m.Active() {
		return nil // someone who left gets no more mail
	}
	return a.send(ctx, carpool.AccountMail{Kind: carpool.MailSignupExisting, To: m.Email, Name: m.Name, Link: ForgotPasswordPath,
		Language: m.Language})
}

// AddMember creates a member with any role. Only trusted callers reach it (the command
// line of an operator who holds the database credentials), so no policy applies.
func (a *App) AddMember(ctx context.Context, in carpool.NewMember) (carpool.Member, error) {
	in, err := in.Validate()
	if err != nil {
		return carpool.Member{}, err
	}
	return a.createMember(ctx, in)
}

func (a *App) createMember(ctx context.Context, in carpool.NewMember) (carpool.Member, error) {
	hash, err := a.hashPassword(ctx, in.Password)
	if err != nil {
		return carpool.Member{}, fmt.Errorf("create member: %w", err)
	}
	now := a.Now()
	m := carpool.Member{
		ID: carpool.NewID(), Email: in.Email, Name: in.Name, Phone: in.Phone, Role: in.Role,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now, Language: in.Language, TimeZone: in.TimeZone,
	}
	if err := a.store.CreateMember(ctx, m); err != nil {
		return carpool.Member{}, fmt.Errorf("create member: %w", err)
	}
	return m, nil
}
