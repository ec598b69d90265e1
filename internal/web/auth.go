package web

import (
	"net/http"
	"net/url"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// authPage is the sign-in or sign-up form; its CSRF token comes from the pre-session
// cookie, since nobody is signed in yet.
type authPage struct {
	Form *form
	Next string
	csrf string
}

func (p authPage) preCSRF() string { return p.csrf }

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	if me, err := s.currentSession(r); err == nil && me != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	f := newForm(url.Values{"email": {""}, "password": {""}})
	s.render(w, r, http.StatusOK, "signin", nil, authPage{Form: f, Next: safeNext(r.URL.Query().Get("next")), csrf: s.preSession(w, r)})
}

// signIn checks the email and password and starts a session.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "This form is missing its security token or it has expired. Please reload the page and try again.")
		return
	}
	f := newForm(url.Values{"email": {r.PostFormValue("email")}, "password": {""}})
	next := safeNext(r.PostFormValue("next"))
	session, err := s.app.SignIn(r.Context(), f.Get("email"), r.PostFormValue("password"))
	if carpool.ErrorCode(err) == carpool.EUNAUTHORIZED {
		f.fieldError("password", "Email or password is wrong.")
		s.render(w, r, http.StatusUnauthorized, "signin", nil, authPage{Form: f, Next: next, csrf: s.preSession(w, r)})
		return
	}
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.startSession(w, r, session)
	http.Redirect(w, r, next, http.StatusSeeOther)
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

// signUp creates a member whose email domain the sign-up policy allows, and signs them in.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	if !s.app.SignupOpen() {
		s.fail(w, r, nil, carpool.Errorf(carpool.ENOTFOUND, "sign-up is closed"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "This form is missing its security token or it has expired. Please reload the page and try again.")
		return
	}
	f := newForm(url.Values{
		"email": {r.PostFormValue("email")}, "name": {r.PostFormValue("name")},
		"phone": {r.PostFormValue("phone")}, "password": {""},
	})
	in := carpool.NewMember{Email: f.Get("email"), Name: f.Get("name"), Phone: f.Get("phone"), Password: r.PostFormValue("password")}
	m, err := s.app.SignUp(r.Context(), in)
	var session app.Session
	if err == nil {
		session, err = s.app.NewSession(r.Context(), m)
	}
	if err != nil {
		if !userFacing(err) {
			s.fail(w, r, nil, err)
			return
		}
		f.fail(err, nil)
		s.render(w, r, app.HTTPStatus(err), "signup", nil, authPage{Form: f, csrf: s.preSession(w, r)})
		return
	}
	s.startSession(w, r, session)
	redirect(w, r, "/", "signedup")
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
