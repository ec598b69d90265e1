package web

import (
	"net/http"
	"net/url"

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

// signIn checks the email and password and starts a session. Unknown addresses and
// wrong passwords get the same answer, after the same work, so the form does not tell
// which addresses have an account.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "This form is missing its security token or it has expired. Please reload the page and try again.")
		return
	}
	f := newForm(url.Values{"email": {r.PostFormValue("email")}, "password": {""}})
	next := safeNext(r.PostFormValue("next"))
	email := carpool.NormalizeEmail(f.Get("email"))
	password := r.PostFormValue("password")
	m, err := s.store.MemberByEmail(r.Context(), email)
	switch {
	case err != nil && carpool.ErrorCode(err) != carpool.ENOTFOUND:
		s.fail(w, r, nil, err)
		return
	case err != nil:
		carpool.CheckNoPassword(password)
		f.fieldError("password", "Email or password is wrong.")
	case !carpool.CheckPassword(m.PasswordHash, password):
		f.fieldError("password", "Email or password is wrong.")
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnauthorized, "signin", nil, authPage{Form: f, Next: next, csrf: s.preSession(w, r)})
		return
	}
	if err := s.startSession(w, r, m); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// startSession stores a new token for m and hands its secret to the browser.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, m carpool.Member) error {
	t, secret, err := carpool.NewToken(m.ID, s.now())
	if err != nil {
		return err
	}
	if err := s.store.CreateToken(r.Context(), t); err != nil {
		return err
	}
	s.setCookie(w, r, SessionCookie, secret, carpool.TokenLifetime)
	s.setCookie(w, r, PreSessionCookie, "", -1)
	return nil
}

func (s *Server) signUpForm(w http.ResponseWriter, r *http.Request) {
	if !s.signup.Open() {
		s.fail(w, r, nil, carpool.Errorf(carpool.ENOTFOUND, "sign-up is closed"))
		return
	}
	f := newForm(url.Values{"email": {""}, "name": {""}, "phone": {""}, "password": {""}})
	s.render(w, r, http.StatusOK, "signup", nil, authPage{Form: f, csrf: s.preSession(w, r)})
}

// signUp creates a member whose email domain the sign-up policy allows, and signs them in.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request) {
	if !s.signup.Open() {
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
	in, err := carpool.NewMember{
		Email: f.Get("email"), Name: f.Get("name"), Phone: f.Get("phone"),
		Password: r.PostFormValue("password"), Role: carpool.RoleMember,
	}.Validate()
	if err == nil && !s.signup.Allows(in.Email) {
		err = carpool.FieldErrorf(carpool.EFORBIDDEN, "email", "addresses of this domain cannot sign up here; ask an administrator")
	}
	var m carpool.Member
	if err == nil {
		m, err = s.createMember(r, in)
	}
	if err != nil {
		if !userFacing(err) {
			s.fail(w, r, nil, err)
			return
		}
		f.fail(err, nil)
		s.render(w, r, http.StatusUnprocessableEntity, "signup", nil, authPage{Form: f, csrf: s.preSession(w, r)})
		return
	}
	if err := s.startSession(w, r, m); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	redirect(w, r, "/", "signedup")
}

func (s *Server) createMember(r *http.Request, in carpool.NewMember) (carpool.Member, error) {
	hash, err := carpool.HashPassword(in.Password)
	if err != nil {
		return carpool.Member{}, err
	}
	now := s.now()
	m := carpool.Member{
		ID: carpool.NewID(), Email: in.Email, Name: in.Name, Phone: in.Phone, Role: in.Role,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateMember(r.Context(), m); err != nil {
		return carpool.Member{}, err
	}
	return m, nil
}

// signOut deletes the session's token, so the cookie is worthless even if it was copied.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.store.DeleteToken(r.Context(), me.Token.ID); err != nil && carpool.ErrorCode(err) != carpool.ENOTFOUND {
		return err
	}
	s.setCookie(w, r, SessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
