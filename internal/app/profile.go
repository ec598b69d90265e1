package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// ProfilePatch is a member's change to their own profile; nil fields stay.
type ProfilePatch struct {
	Name  *string
	Phone *string
	// Email, when it differs from the current address, is not changed at once: a link
	// goes to the new address, and the change happens when it is opened (ConfirmEmail).
	Email *string
	// Language is a supported language's code ("en", "de"), or empty to follow the
	// browser.
	Language *string
	// TimeZone is an IANA zone ("Europe/Berlin"), or empty for the installation's
	// default.
	TimeZone *string
	// ShareWithPartners publishes (or stops publishing) me's rides to partner operators.
	ShareWithPartners *bool
}

// UpdateProfile changes me's name, phone and language, and asks for a change of
// address (see ProfilePatch.Email; PendingEmail shows it until it is confirmed).
func (a *App) UpdateProfile(ctx context.Context, me carpool.Member, p ProfilePatch) (carpool.Member, error) {
	// Every wrong field is reported at once: the name and phone are checked here too,
	// on a copy, before anything is asked of the store.
	var lang, zone string
	var langErr, zoneErr error
	if p.Language != nil {
		lang, langErr = languageCode(*p.Language)
	}
	if p.TimeZone != nil {
		zone, zoneErr = carpool.ValidTimeZone(*p.TimeZone)
	}
	errs := []error{langErr, zoneErr}
	var next string
	if p.Email != nil {
		email, err := carpool.ValidEmail(*p.Email)
		errs = append(errs, err)
		if err == nil && email != me.Email {
			next = email
		}
	}
	probe := me
	errs = append(errs, probe.ChangeProfile(p.Name, p.Phone))
	if err := carpool.JoinInvalid(errs...); err != nil {
		return carpool.Member{}, err
	}
	if next != "" {
		// Refused before anything changes, so a refusal leaves the whole form unsaved.
		if err := a.mayChangeEmail(ctx, me); err != nil {
			return carpool.Member{}, err
		}
	}
	m, err := a.changeMember(ctx, me.ID, func(m *carpool.Member) error {
		if p.Language != nil {
			m.Language = lang
		}
		if p.TimeZone != nil {
			m.TimeZone = zone
		}
		if p.ShareWithPartners != nil {
			m.ShareWithPartners = *p.ShareWithPartners
		}
		return m.ChangeProfile(p.Name, p.Phone)
	})
	if err != nil || next == "" {
		return m, err
	}
	return m, a.requestEmailChange(ctx, m, next)
}

// languageCode returns the code of the supported language code names, "" for none;
// a language carpool does not speak is an error on the field language.
func languageCode(code string) (string, error) {
	if code == "" {
		return "", nil
	}
	tag, ok := locale.Parse(code)
	if !ok {
		return "", carpool.FieldErrorf(carpool.EINVALID, "language", "%q is not a language carpool speaks", code)
	}
	return locale.Code(tag), nil
}

// ChangePassword replaces me's password after checking the current one, and signs out
// every other session and token; the one in use (keep) stays.
func (a *App) ChangePassword(ctx context.Context, me carpool.Member, current, next, keep string) error {
	m, err := a.store.Member(ctx, me.ID)
	if err != nil {
		return err
	}
	if ok, err := a.checkPassword(ctx, m.PasswordHash, current); err != nil {
		return fmt.Errorf("change password: %w", err)
	} else if !ok {
		return carpool.FieldErrorf(carpool.EINVALID, "current_password", "the current password is wrong")
	}
	if err := carpool.ValidatePassword(next, m.Email, m.Name); err != nil {
		return err
	}
	hash, err := a.hashPassword(ctx, next)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if _, err := a.changeMember(ctx, me.ID, func(m *carpool.Member) error {
		m.PasswordHash = hash
		return nil
	}); err != nil {
		return err
	}
	if _, err := a.store.DeleteMemberTokens(ctx, me.ID, keep); err != nil {
		return err
	}
	return a.passwordChanged(ctx, me.ID)
}

// Sessions lists me's unexpired sessions and API tokens, newest first.
func (a *App) Sessions(ctx context.Context, me carpool.Member) ([]carpool.Token, error) {
	return a.store.MemberTokens(ctx, me.ID, a.Now())
}

// RevokeSession ends one of me's sessions or tokens; another member's is not found.
func (a *App) RevokeSession(ctx context.Context, me carpool.Member, tokenID string) error {
	tokens, err := a.Sessions(ctx, me)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if t.ID == tokenID {
			return a.SignOut(ctx, t)
		}
	}
	return carpool.Errorf(carpool.ENOTFOUND, "session not found")
}
