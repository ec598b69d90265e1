package httpapi

import (
	"context"
	"net/http"
	"strings"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// credentials returns the token secret that r carries: an "Authorization: Bearer" token
// on any method, or the web session cookie on GET and HEAD only. A browser sends cookies
// with cross-site requests, so a request that changes something must carry the token in
// the Authorization header, which a foreign page cannot set.
func credentials(r *http.Request) (string, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return "", carpool.Errorf(carpool.EUNAUTHORIZED, "the Authorization header must be \"Bearer <token>\"")
		}
		return strings.TrimSpace(token), nil
	}
	if c, err := r.Cookie(app.SessionCookie); err == nil && c.Value != "" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return "", carpool.Errorf(carpool.EUNAUTHORIZED, "the session cookie is accepted for GET and HEAD only; send Authorization: Bearer <token>")
		}
		return c.Value, nil
	}
	return "", carpool.Errorf(carpool.EUNAUTHORIZED, "authentication required: send Authorization: Bearer <token>")
}

// handler is an API endpoint: it writes a success itself and returns failures, which
// the wrapper turns into problems. me is the zero Member on anonymous endpoints.
type handler func(w http.ResponseWriter, r *http.Request, me carpool.Member) error

type tokenKey struct{}

// authed serves h to authenticated members only; site security is answered as if it
// had not signed in (see reaching for the operations open to it).
func (s *Server) authed(h handler) http.Handler { return s.reaching(carpool.ReachMember, h) }

// reaching serves h to authenticated members whose sign-in reaches the operation.
func (s *Server) reaching(reach carpool.Reach, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, err := credentials(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		me, tok, err := s.app.AuthenticateFor(r.Context(), secret, reach)
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
