package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

type profilePage struct {
	Form *form
	// Pending is the address the member asked to change to and has not confirmed.
	Pending  string
	MailOn   bool
	Password *form
	Erase    *form
	Sessions []carpool.Token
	Current  string
	// Languages are the choices of the language select, each named in itself.
	Languages []langChoice
	// DefaultZone is the installation's zone, which an empty zone field means.
	DefaultZone string
}

var (
	profileInputs  = []string{"name", "phone", "email", "language", "time_zone", "share_with_partners"}
	passwordInputs = []string{"current_password", "password"}
)

func (s *Server) profile(w http.ResponseWriter, r *http.Request, me *session) error {
	f := profileForm(me.Member)
	return s.showProfile(w, r, me, f, emptyForm(passwordInputs), http.StatusOK)
}

func (s *Server) showProfile(w http.ResponseWriter, r *http.Request, me *session, f, pw *form, status int) error {
	sessions, err := s.app.Sessions(r.Context(), me.Member)
	if err != nil {
		return err
	}
	pending, err := s.app.PendingEmail(r.Context(), me.Member)
	if err != nil {
		return err
	}
	s.render(w, r, status, "profile", me, profilePage{Form: f, Pending: pending, MailOn: s.app.MailOn(), Password: pw,
		Erase: newForm(url.Values{"password": {""}}), Sessions: sessions, Current: me.Token.ID, Languages: languages(), DefaultZone: s.loc.String()})
	return nil
}

// profileForm is the profile form filled with m's values.
func profileForm(m carpool.Member) *form {
	share := "off"
	if m.ShareWithPartners {
		share = "on"
	}
	return newForm(url.Values{"name": {m.Name}, "phone": {m.Phone}, "email": {m.Email}, "language": {m.Language}, "time_zone": {m.TimeZone},
		"share_with_partners": {share}})
}

// languages are the languages a member may choose, each named in itself.
func languages() []langChoice {
	var out []langChoice
	for _, tag := range locale.Supported {
		out = append(out, langChoice{Code: locale.Code(tag), Name: locale.For(tag).T("language.self")})
	}
	return out
}

// saveProfile changes the member's name, phone and language, and asks to change the address when
// a new one is typed (it counts once the link mailed there is opened).
func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, profileInputs)
	name, phone := f.Get("name"), f.Get("phone")
	patch := app.ProfilePatch{Name: &name, Phone: &phone}
	if _, ok := r.PostForm["time_zone"]; ok {
		zone := f.Get("time_zone")
		patch.TimeZone = &zone
	}
	if _, ok := r.PostForm["language"]; ok {
		lang := f.Get("language")
		patch.Language = &lang
	}
	if _, ok := r.PostForm["email"]; ok {
		email := f.Get("email")
		patch.Email = &email
	}
	_, posted := r.PostForm["share_with_partners"]
	patch.ShareWithPartners = profileSharing(f, posted)
	if !f.Valid() {
		return s.showProfile(w, r, me, f, emptyForm(passwordInputs), f.status())
	}
	_, err := s.app.UpdateProfile(r.Context(), me.Member, patch)
	if err == nil {
		done := "profile"
		if patch.Email != nil && carpool.NormalizeEmail(*patch.Email) != me.Member.Email {
			done = "emailPending"
		}
		redirect(w, r, "/profile", done)
		return nil
	}
	if carpool.ErrorCode(err) == carpool.ETHROTTLED {
		setRetryAfter(w, err)
		words := s.printer(r, me)
		f.Message = words.T("profile.email_throttled", "Wait", words.Wait(carpool.RetryAfter(err)))
		f.err = err
		return s.showProfile(w, r, me, f, emptyForm(passwordInputs), http.StatusTooManyRequests)
	}
	if !userFacing(err) && carpool.ErrorCode(err) != carpool.EUNAVAILABLE {
		return err
	}
	f.fail(r, err, nil)
	return s.showProfile(w, r, me, f, emptyForm(passwordInputs), f.status())
}

// changePassword replaces the password; the other sessions end, this one stays.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, me *session) error {
	pw := emptyForm(passwordInputs)
	err := s.app.ChangePassword(r.Context(), me.Member, r.PostFormValue("current_password"), r.PostFormValue("password"), me.Token.ID)
	if err == nil {
		redirect(w, r, "/profile", "password")
		return nil
	}
	if !userFacing(err) {
		return err
	}
	pw.fail(r, err, nil)
	f := profileForm(me.Member)
	return s.showProfile(w, r, me, f, pw, pw.status())
}

// revokeSession ends one of the member's sessions (another browser, an API token).
func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.RevokeSession(r.Context(), me.Member, r.PathValue("id")); err != nil {
		return err
	}
	if r.PathValue("id") == me.Token.ID {
		s.setCookie(w, r, SessionCookie, "", -1)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	redirect(w, r, "/profile", "sessionEnded")
	return nil
}

// exportData hands the member everything held about them as a JSON file.
func (s *Server) exportData(w http.ResponseWriter, r *http.Request, me *session) error {
	x, err := s.app.ExportMine(r.Context(), me.Member)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Disposition", `attachment; filename="carpool-my-data.json"`)
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(body)
	return err
}

// eraseAccount deletes the member's account after a confirmation that says what it
// means, and their password.
func (s *Server) eraseAccount(w http.ResponseWriter, r *http.Request, me *session) error {
	if !confirmed(r) {
		p := s.printer(r, me)
		return s.askFirst(w, r, me, confirmation{
			Title: p.T("confirm.erase"), Verb: p.T("confirm.erase_yes"), Back: "/profile",
			Keep: map[string]string{"password": r.PostFormValue("password")},
			Consequences: []string{
				p.T("confirm.erase_deleted"),
				p.T("confirm.erase_rides"),
				p.T("confirm.erase_history", "Erased", carpool.ErasedName),
			},
		})
	}
	err := s.app.EraseMe(r.Context(), me.Member, r.PostFormValue("password"))
	if err != nil {
		if !userFacing(err) {
			return err
		}
		er := newForm(url.Values{"password": {""}})
		er.fail(r, err, nil)
		f := profileForm(me.Member)
		sessions, serr := s.app.Sessions(r.Context(), me.Member)
		if serr != nil {
			return serr
		}
		s.render(w, r, er.status(), "profile", me, profilePage{Form: f, MailOn: s.app.MailOn(), Password: emptyForm(passwordInputs), Erase: er, Sessions: sessions, Current: me.Token.ID,
			Languages: languages(), DefaultZone: s.loc.String()})
		return nil
	}
	s.setCookie(w, r, SessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
