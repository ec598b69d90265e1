package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/sso"
)

// SSOCookie prefixes the cookies that remember sign-ins at the identity provider (state,
// nonce, PKCE verifier and where to go afterwards) between leaving for the provider and
// coming back. Each attempt has a cookie of its own, named by a digest of its state, so
// two tabs that start single sign-on at once do not overwrite each other's attempt and
// both come back signed in. They are HttpOnly, sent only to /auth/oidc/, and expire with
// the attempt; SameSite=Lax still sends them on the provider's top-level redirect back.
const SSOCookie = "carpool_oidc_"

// ssoCookieName names the cookie of the attempt whose state is state: the state comes
// back in the callback's query, so the callback finds its own attempt among several.
func ssoCookieName(state string) string {
	sum := sha256.Sum256([]byte(state))
	return SSOCookie + base64.RawURLEncoding.EncodeToString(sum[:16])
}

// ssoPath is where the single sign-on handlers live; the cookie is scoped to it.
const ssoPath = "/auth/oidc/"

// ssoLifetime bounds how long a sign-in at the provider may take.
const ssoLifetime = 10 * time.Minute

// SSO is the identity provider of the web UI.
type SSO struct {
	// Name is shown on the button: "Sign in with <Name>".
	Name     string
	Provider *sso.Provider
}

type ssoAttempt struct {
	sso.Attempt
	Next string `json:"next"`
}

// ssoStart sends the browser to the provider with a fresh state, nonce and PKCE
// challenge, remembering them in the SSO cookie.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) {
	at := ssoAttempt{Attempt: sso.NewAttempt(), Next: safeNext(r.URL.Query().Get("next"))}
	target, err := s.sso.Provider.AuthURL(r.Context(), at.Attempt)
	if err != nil {
		s.ssoFailed(w, r, err)
		return
	}
	raw, _ := json.Marshal(at) // a struct of strings always marshals
	http.SetCookie(w, &http.Cookie{
		Name: ssoCookieName(at.State), Value: base64.RawURLEncoding.EncodeToString(raw), Path: ssoPath,
		MaxAge: int(ssoLifetime.Seconds()), HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// ssoCallback finishes a sign-in at the provider: the state must be one this browser
// left with, the code is redeemed with that attempt's verifier and the ID token must carry
// its nonce. The attempt's cookie is cleared first, so it is finished at most once; the
// browser's other attempts (other tabs) stay.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	at, ok := readSSOCookie(r, state)
	if state != "" {
		http.SetCookie(w, &http.Cookie{Name: ssoCookieName(state), Value: "", Path: ssoPath, MaxAge: -1,
			HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
	}
	if !ok || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(at.State)) != 1 {
		s.log.WarnContext(r.Context(), "single sign-on refused: state does not match this browser's sign-in", "cookie", ok)
		s.ssoRefused(w, r, http.StatusBadRequest, s.printer(r, nil).T("sso.state_mismatch"))
		return
	}
	if e := q.Get("error"); e != "" {
		s.log.InfoContext(r.Context(), "single sign-on: the provider answered with an error", "error", e, "description", q.Get("error_description"))
		s.ssoRefused(w, r, http.StatusUnauthorized, s.printer(r, nil).T("sso.refused"))
		return
	}
	id, err := s.sso.Provider.Identify(r.Context(), q.Get("code"), at.Attempt)
	if err != nil {
		s.ssoFailed(w, r, err)
		return
	}
	session, err := s.app.SignInWithProvider(r.Context(), app.ExternalIdentity{
		Email: id.Email, EmailVerified: id.EmailVerified, Name: id.Name, Roles: id.Roles,
	})
	if err != nil {
		s.ssoFailed(w, r, err)
		return
	}
	s.startSession(w, r, session)
	http.Redirect(w, r, safeNext(at.Next), http.StatusSeeOther)
}

// readSSOCookie returns the attempt this browser started with state, if it holds one.
func readSSOCookie(r *http.Request, state string) (ssoAttempt, bool) {
	var at ssoAttempt
	if state == "" {
		return at, false
	}
	c, err := r.Cookie(ssoCookieName(state))
	if err != nil {
		return at, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || json.Unmarshal(raw, &at) != nil || at.State == "" || at.Verifier == "" || at.Nonce == "" {
		return ssoAttempt{}, false
	}
	return at, true
}

// ssoFailed shows a refused or failed sign-in on the sign-in page; the reason is logged.
func (s *Server) ssoFailed(w http.ResponseWriter, r *http.Request, err error) {
	code := carpool.ErrorCode(err)
	if code == carpool.EINTERNAL && !errors.Is(err, context.Canceled) {
		s.log.ErrorContext(r.Context(), "single sign-on failed", "err", err)
		s.ssoRefused(w, r, http.StatusBadGateway, s.printer(r, nil).T("sso.unreachable"))
		return
	}
	s.log.WarnContext(r.Context(), "single sign-on refused", "err", err)
	s.ssoRefused(w, r, app.HTTPStatus(err), s.printer(r, nil).Error(err))
}

// ssoRefused renders the sign-in page with msg above the form.
func (s *Server) ssoRefused(w http.ResponseWriter, r *http.Request, status int, msg string) {
	f := newForm(url.Values{"email": {""}, "password": {""}})
	f.Message = msg
	s.render(w, r, status, "signin", nil, s.authPage(w, r, f, "/"))
}
