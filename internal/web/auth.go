package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// authPage is the sign-in or sign-up form; its CSRF token comes from the pre-session
// cookie, since nobody is signed in yet.
type authPage struct {
	Form *form
	Next string
	// SSOName names the identity provider on its button; "" when there is none.
	SSOName string
	// Passwords says whether the password form is shown.
	Passwords bool
	// Forgot says whether a forgotten password can be reset by mail.
	Forgot bool
	csrf   string
}

// authPage returns the sign-in page's data for form f.
func (s *Server) authPage(w http.ResponseWriter, r *http.Request, f *form, next string) authPage {
	p := authPage{Form: f, Next: next, Passwords: s.app.PasswordSignIn(), Forgot: s.app.PasswordSignIn() && s.app.MailOn(),
		csrf: s.preSession(w, r)}
	if s.sso != nil {
		p.SSOName = s.sso.Name
	}
	return p
}

func (p authPage) preCSRF() string { return p.csrf }

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	if me, err := s.currentSession(r); err == nil && me != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	f := newForm(url.Values{"email": {""}, "password": {""}})
	s.render(w, r, http.StatusOK, "signin", nil, s.authPage(w, r, f, safeNext(r.URL.Query().Get("next"))))
}

// signIn checks the email and password and starts a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "error.csrf")
		return
	}
	f := newForm(url.Values{"email": {r.PostFormValue("email")}, "password": {""}})
	next := safeNext(r.PostFormValue("next"))
	session, err := s.app.SignIn(r.Context(), f.Get("email"), r.PostFormValue("password"), s.client.Of(r))
	if msg := signInRefusal(s.printer(r, nil), err); msg != "" {
		if after := carpool.RetryAfter(err); after > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((after+time.Second-1)/time.Second)))
		}
		f.fieldError("password", msg)
		s.render(w, r, app.HTTPStatus(err), "signin", nil, s.authPage(w, r, f, next))
		return
	}
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.startSession(w, r, session)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signInRefusal returns what the form says when a sign-in is refused, or "" when err is
// no refusal (nil, or a failure the error page reports).
func signInRefusal(p *locale.Printer, err error) string {
	switch carpool.ErrorCode(err) {
	case carpool.EUNAUTHORIZED:
		return p.T("signin.wrong")
	case carpool.ETHROTTLED:
		return p.T("signin.throttled", "Wait", p.Wait(carpool.RetryAfter(err)))
	case carpool.EUNAVAILABLE:
		return p.T("signin.busy")
	case carpool.EFORBIDDEN:
		return p.Error(err)
	}
	return ""
}

// startSession hands the secret of a new session's token to the browser.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, session app.Session) {
	s.setCookie(w, r, SessionCookie, session.Secret, carpool.TokenLifetime)
	s.setCookie(w, r, PreSessionCookie, "", -1)
}

func (s *Server) signUpForm(w http.ResponseWriter, r *http.Request) {
	if !s.app.SignupOpen() {
		s.fail(w, r, nil, carpool.Errorf(carpool.ENOTFOUND, "sign-up is closed"))
		return
	}
	f := newForm(url.Values{"email": {""}, "name": {""}, "phone": {""}, "password": {""}})
	s.render(w, r, http.StatusOK, "signup", nil, authPage{Form: f, csrf: s.preSession(w, r)})
}

// signUp creates a member whose email domain the sign-up policy allows; they sign in
// next.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	if !s.app.SignupOpen() {
		s.fail(w, r, nil, carpool.Errorf(carpool.ENOTFOUND, "sign-up is closed"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "error.csrf")
		return
	}
	f := newForm(url.Values{
		"email": {r.PostFormValue("email")}, "name": {r.PostFormValue("name")},
		"phone": {r.PostFormValue("phone")}, "password": {""}, "time_zone": {r.PostFormValue("time_zone")},
	})
	// The zone comes from the browser's script, not from the person: one the zone
	// database does not know leaves the default rather than an error they cannot fix.
	zone, err := carpool.ValidTimeZone(f.Get("time_zone"))
	if err != nil {
		zone = ""
	}
	in := carpool.NewMember{Email: f.Get("email"), Name: f.Get("name"), Phone: f.Get("phone"), Password: r.PostFormValue("password"),
		Language: s.visitorLanguage(r), TimeZone: zone}
	m, err := s.app.SignUp(r.Context(), in)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.EUNAVAILABLE {
			w.Header().Set("Retry-After", strconv.Itoa(int((carpool.RetryAfter(err)+time.Second-1)/time.Second)))
			f.Message = signInRefusal(s.printer(r, nil), err)
			s.render(w, r, app.HTTPStatus(err), "signup", nil, authPage{Form: f, csrf: s.preSession(w, r)})
			return
		}
		if !userFacing(err) {
			s.fail(w, r, nil, err)
			return
		}
		f.fail(r, err, nil)
		s.render(w, r, app.HTTPStatus(err), "signup", nil, authPage{Form: f, csrf: s.preSession(w, r)})
		return
	}
	// No session: an address that already had an account gets this same page (see
	// app.SignUp), and nobody may be signed in as its owner by typing it.
	s.render(w, r, http.StatusOK, "signupdone", nil, signupDone{Email: m.Email, Mail: s.app.MailOn()})
}

// signupDone is the page after a sign-up, the same whether the address was new or not.
type signupDone struct {
	Email string
	Mail  bool
}

// signOut deletes the session's token, so the cookie is worthless even if it was copied.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.SignOut(r.Context(), me.Token); err != nil {
		return err
	}
	s.setCookie(w, r, SessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
