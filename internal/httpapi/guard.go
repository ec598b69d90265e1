package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
	"carpool/internal/paramguard"
)

// guardedMux registers every route behind paramguard, so no handler, and no store
// behind it, sees a path or query value that cannot be valid.
type guardedMux struct {
	*http.ServeMux
	refuse func(http.ResponseWriter, *http.Request, *paramguard.Refusal)
}

func (m guardedMux) Handle(pattern string, h http.Handler) {
	m.ServeMux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refusal := paramguard.Check(r); refusal != nil {
			m.refuse(w, r, refusal)
			return
		}
		h.ServeHTTP(w, r)
	}))
}

func (m guardedMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// refuse answers a refused parameter as a problem: an id or path segment that cannot
// exist is not found, a malformed query value is a malformed request naming it.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, refusal *paramguard.Refusal) {
	if refusal.Status == http.StatusNotFound {
		s.fail(w, r, carpool.Errorf(carpool.ENOTFOUND, "not found"))
		return
	}
	s.fail(w, r, badRequest(refusal.Field, refusal.Message))
}
