package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// SessionCookie holds a signed-in member's API token (the same cookie the REST API
// accepts for GET). PreSessionCookie holds a random value that ties the CSRF token of the
// sign-in and sign-up forms to one browser before anyone has signed in.
const (
	SessionCookie    = app.SessionCookie
	PreSessionCookie = "carpool_presession"
	// CSRFField is the hidden form field every POST must carry.
	CSRFField = "csrf"
)

// maxFormBytes limits a posted form; the largest (a ride offer) is far below it.
const maxFormBytes = 64 << 10

// session is the signed-in member of a request and the CSRF token of their forms.
type session struct {
	Member carpool.Member
	Token  carpool.Token
	CSRF   string
}

// csrfToken derives the form token from the secret in a cookie: HMAC-SHA256 keyed with
// that secret. A foreign page cannot read the HttpOnly cookie, so it cannot compute the
// token; and since no server-side key is involved, every replica computes the same token
// without sharing a secret, and signing out (a new cookie) voids every old form.
func csrfToken(cookieSecret string) string {
	mac := hmac.New(sha256.New, []byte(cookieSecret))
	mac.Write([]byte("carpool web form v1"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// validCSRF reports whether the posted form carries the token for cookieSecret.
func validCSRF(r *http.Request, cookieSecret string) bool {
	got := r.PostFormValue(CSRFField)
	return cookieSecret != "" && got != "" && hmac.Equal([]byte(got), []byte(csrfToken(cookieSecret)))
}

// secureRequest reports whether the browser reached us over TLS, directly or through a
// proxy that terminated it; only then may a cookie be marked Secure.
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name: name, Value: value, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(r),
	}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(w, c)
}

// currentSession returns the session of a request, or nil when it carries no valid one
// or one whose member does not reach every page (site security).
func (s *Server) currentSession(r *http.Request) (*session, error) {
	me, _, err := s.sessionFor(r, carpool.ReachMember)
	return me, err
}

// sessionFor returns the session of a request for a page that asks for reach, or nil
// when it carries no valid one; beyond tells that the visitor is signed in, but not for
// such a page.
func (s *Server) sessionFor(r *http.Request, reach carpool.Reach) (me *session, beyond bool, err error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, false, nil
	}
	m, t, err := s.app.AuthenticateFor(r.Context(), c.Value, reach)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.EUNAUTHORIZED {
			return nil, app.BeyondReach(err), nil
		}
		return nil, false, err
	}
	return &session{Member: m, Token: t, CSRF: csrfToken(c.Value)}, false, nil
}

// signedIn serves h to signed-in members: others are sent to the sign-in page (and back
// here afterwards); a POST without the session's CSRF token is refused with 403.
func (s *Server) signedIn(h page) http.Handler { return s.reaching(carpool.ReachMember, h) }

// reaching is signedIn for a page that asks for reach. Site security, signed in but
// not for such a page, is answered as a visitor who is not signed in, except that a
// GET sends them to the parking lists, the pages they may see, not to the sign-in form.
func (s *Server) reaching(reach carpool.Reach, h page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		me, beyond, err := s.sessionFor(r, reach)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if me == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				to := "/signin?next=" + url.QueryEscape(r.URL.RequestURI())
				if beyond {
					to = ParkingListsPath
				}
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
			s.forbidden(w, r, nil, "error.session_ended")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			c, _ := r.Cookie(SessionCookie)
			if !validCSRF(r, c.Value) {
				s.forbidden(w, r, me, "error.csrf")
				return
			}
		}
		r = withWords(r, s.printer(r, me))
		if err := h(w, r, me); err != nil {
			s.fail(w, r, me, err)
		}
	})
}

// fleetOnly narrows h to fleet managers (and admins); others are refused with the
// application's wording for action, as the API refuses them.
func fleetOnly(action carpool.Phrase, h page) page {
	return func(w http.ResponseWriter, r *http.Request, me *session) error {
		if err := app.RequireFleet(me.Member, action); err != nil {
			return err
		}
		return h(w, r, me)
	}
}

// preSession returns the CSRF token for the anonymous forms of this browser, setting the
// pre-session cookie it derives from when the browser has none yet.
func (s *Server) preSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(PreSessionCookie); err == nil && len(c.Value) >= 32 {
		return csrfToken(c.Value)
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails on supported platforms
	v := base64.RawURLEncoding.EncodeToString(raw)
	s.setCookie(w, r, PreSessionCookie, v, 24*time.Hour)
	return csrfToken(v)
}

// validPreSession checks the CSRF token of an anonymous form against the pre-session
// cookie.
func validPreSession(r *http.Request) bool {
	c, err := r.Cookie(PreSessionCookie)
	return err == nil && validCSRF(r, c.Value)
}

// safeNext returns target if it is a path on this site, "/" otherwise, so the sign-in
// page cannot be used to send someone elsewhere. Browsers drop tabs and newlines and read
// a backslash as a slash, so "/\t/evil.example" would become "//evil.example": any
// control character or backslash refuses the target, as does anything with a scheme or
// a host once parsed.
func safeNext(target string) string {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") ||
		strings.ContainsRune(target, '\\') || strings.IndexFunc(target, unicode.IsControl) >= 0 {
		return "/"
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return target
}
