package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// accountPage is one of the anonymous pages about an account: asking for a reset link,
// setting a new password with one, confirming a new address. Its CSRF token comes from
// the pre-session cookie, as on the sign-in page.
type accountPage struct {
	Form *form
	// Token is the secret of the link the page was opened with.
	Token string
	// Done is what the page says once the request is through.
	Done string
	csrf string
}

func (p accountPage) preCSRF() string { return p.csrf }

// noReferrer keeps a page's address, which holds a link's secret, out of the Referer
// header of anything the page loads or links to.
func noReferrer(w http.ResponseWriter) { w.Header().Set("Referrer-Policy", "no-referrer") }

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	f := newForm(url.Values{"email": {""}})
	s.render(w, r, http.StatusOK, "forgot", nil, accountPage{Form: f, csrf: s.preSession(w, r)})
}

// forgotPassword mails a reset link if the address has an account; the page says the
// same either way.
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "error.csrf")
		return
	}
	f := newForm(url.Values{"email": {r.PostFormValue("email")}})
	err := s.app.ForgotPassword(r.Context(), f.Get("email"), s.client.Of(r))
	page := accountPage{Form: f, csrf: s.preSession(w, r)}
	words := s.printer(r, nil)
	switch carpool.ErrorCode(err) {
	case "":
		// The one answer to a reset request, whatever the address.
		page.Done = words.T("forgot.requested")
	case carpool.ETHROTTLED:
		setRetryAfter(w, err)
		f.Message = words.T("forgot.throttled", "Wait", words.Wait(carpool.RetryAfter(err)))
		f.err = err
	case carpool.EUNAVAILABLE, carpool.EINVALID, carpool.EFORBIDDEN:
		f.fail(r, err, nil)
	default:
		s.fail(w, r, nil, err)
		return
	}
	s.render(w, r, app.HTTPStatus(err), "forgot", nil, page)
}

// resetForm asks for a new password, twice, when the link can still be used.
func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	token := r.URL.Query().Get("token")
	f := newForm(url.Values{"password": {""}, "password2": {""}})
	err := s.app.CheckResetLink(r.Context(), token)
	if err != nil {
		if !userFacing(err) {
			s.fail(w, r, nil, err)
			return
		}
		f.Message = s.printer(r, nil).Error(err)
		f.err = err
		token = ""
	}
	s.render(w, r, app.HTTPStatus(err), "reset", nil, accountPage{Form: f, Token: token, csrf: s.preSession(w, r)})
}

// resetPassword sets the new password; every session of the member ends, and they sign
// in with it.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "error.csrf")
		return
	}
	token := r.PostFormValue("token")
	f := newForm(url.Values{"password": {""}, "password2": {""}})
	page := accountPage{Form: f, Token: token, csrf: s.preSession(w, r)}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		f.fieldError("password2", s.printer(r, nil).T("reset.differ"))
		f.err = carpool.FieldErrorf(carpool.EINVALID, "password2", "passwords differ")
		s.render(w, r, f.status(), "reset", nil, page)
		return
	}
	err := s.app.ResetForgottenPassword(r.Context(), token, r.PostFormValue("password"))
	if err == nil {
		s.setCookie(w, r, SessionCookie, "", -1)
		redirect(w, r, "/signin", "passwordReset")
		return
	}
	if !userFacing(err) {
		s.fail(w, r, nil, err)
		return
	}
	f.fail(r, err, nil)
	if carpool.ErrorField(err) == "token" {
		page.Token = ""
	}
	s.render(w, r, f.status(), "reset", nil, page)
}

// confirmEmailForm shows a button that confirms the new address. Opening the link
// changes nothing by itself: mail scanners open links too, and must not use them up.
func (s *Server) confirmEmailForm(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	f := newForm(nil)
	s.render(w, r, http.StatusOK, "emailconfirm", nil, accountPage{Form: f, Token: r.URL.Query().Get("token"), csrf: s.preSession(w, r)})
}

// confirmEmail makes the link's address the member's.
func (s *Server) confirmEmail(w http.ResponseWriter, r *http.Request) {
	noReferrer(w)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !validPreSession(r) {
		s.forbidden(w, r, nil, "error.csrf")
		return
	}
	f := newForm(nil)
	page := accountPage{Form: f, csrf: s.preSession(w, r)}
	m, err := s.app.ConfirmEmail(r.Context(), r.PostFormValue("token"))
	switch {
	case err == nil:
		page.Done = s.printer(r, nil).T("emailconfirm.done", "Email", m.Email)
	case userFacing(err):
		f.fail(r, err, nil)
	default:
		s.fail(w, r, nil, err)
		return
	}
	s.render(w, r, app.HTTPStatus(err), "emailconfirm", nil, page)
}

// setRetryAfter sends the wait of a refusal in whole seconds, rounded up.
func setRetryAfter(w http.ResponseWriter, err error) {
	if after := carpool.RetryAfter(err); after > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((after+time.Second-1)/time.Second)))
	}
}
