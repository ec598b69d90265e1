package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// SessionCookie is the cookie in which the web UI keeps a member's token. The API accepts
// it for GET and HEAD only: a browser sends cookies with cross-site requests, so a request
// that changes something must carry the token in the Authorization header, which a
// foreign page cannot set.
const SessionCookie = "carpool_session"

// Authenticate returns the member and token that r carries: an "Authorization: Bearer"
// token on any method, or the SessionCookie on GET and HEAD. Errors have code
// EUNAUTHORIZED when the credentials are missing, malformed, unknown or expired.
func Authenticate(r *http.Request, store carpool.Store, now time.Time) (carpool.Member, carpool.Token, error) {
	secret := ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return carpool.Member{}, carpool.Token{}, carpool.Errorf(carpool.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\"")
		}
		secret = strings.TrimSpace(token)
	} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return carpool.Member{}, carpool.Token{}, carpool.Errorf(carpool.EUNAUTHORIZED, "the session cookie is accepted for GET and HEAD only; send Authorization: Bearer <token>")
		}
		secret = c.Value
	} else {
		return carpool.Member{}, carpool.Token{}, carpool.Errorf(carpool.EUNAUTHORIZED, "authentication required: send Authorization: Bearer <token>")
	}
	return MemberForToken(r.Context(), store, secret, now)
}

// MemberForToken returns the member a token secret belongs to, for callers (such as the
// web UI, behind its own CSRF protection) that found the secret elsewhere.
func MemberForToken(ctx context.Context, store carpool.Store, secret string, now time.Time) (carpool.Member, carpool.Token, error) {
	if !strings.HasPrefix(secret, carpool.TokenPrefix) {
		return carpool.Member{}, carpool.Token{}, carpool.Errorf(carpool.EUNAUTHORIZED, "token is invalid or expired")
	}
	m, t, err := store.MemberByToken(ctx, carpool.HashToken(secret), now)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.EUNAUTHORIZED || carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return carpool.Member{}, carpool.Token{}, carpool.Errorf(carpool.EUNAUTHORIZED, "token is invalid or expired")
		}
		return carpool.Member{}, carpool.Token{}, err
	}
	return m, t, nil
}

// handler is an API endpoint: it writes a success itself and returns failures, which
// the wrapper turns into problems. me is the zero Member on anonymous endpoints.
type handler func(w http.ResponseWriter, r *http.Request, me carpool.Member) error

type tokenKey struct{}

// authed serves h to authenticated members only.
func (s *Server) authed(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		me, tok, err := Authenticate(r, s.store, s.now())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok))
		if err := h(w, r, me); err != nil {
			s.fail(w, r, err)
		}
	})
}

// anonymous serves h without asking for credentials.
func (s *Server) anonymous(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r, carpool.Member{}); err != nil {
			s.fail(w, r, err)
		}
	})
}

// currentToken returns the token an authed request came with.
func currentToken(ctx context.Context) carpool.Token {
	t, _ := ctx.Value(tokenKey{}).(carpool.Token)
	return t
}
