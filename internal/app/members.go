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
func (a *App) SignUp(ctx context.Context, in carpool.NewMember) (carpool.Member, error) {
	if a.noPasswords {
		return carpool.Member{}, errNoPasswords
	}
	if !a.signup.Open() {
		return carpool.Member{}, carpool.Errorf(carpool.EFORBIDDEN, "sign-up is closed; ask an administrator for an account")
	}
	in.Role = carpool.RoleMember
	in, err := in.Validate()
	if err != nil {
		return carpool.Member{}, err
	}
	if !a.signup.Allows(in.Email) {
		return carpool.Member{}, carpool.FieldErrorf(carpool.EFORBIDDEN, "email",
			"addresses of this email domain cannot sign up here; ask an administrator for an account")
	}
	return a.createMember(ctx, in)
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
	release, err := a.hashes.acquire(ctx)
	if err != nil {
		return carpool.Member{}, fmt.Errorf("create member: %w", err)
	}
	hash, err := carpool.HashPassword(in.Password)
	release()
	if err != nil {
		return carpool.Member{}, fmt.Errorf("create member: %w", err)
	}
	now := a.Now()
	m := carpool.Member{
		ID: carpool.NewID(), Email: in.Email, Name: in.Name, Phone: in.Phone, Role: in.Role,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
	}
	if err := a.store.CreateMember(ctx, m); err != nil {
		return carpool.Member{}, fmt.Errorf("create member: %w", err)
	}
	return m, nil
}
