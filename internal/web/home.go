package web

import (
	"net/http"
)

// home shows what is coming up for the member: rides they drive (with requests waiting
// for them), rides they booked, and their pool-car reservations.
func (s *Server) home(w http.ResponseWriter, r *http.Request, me *session) error {
	agenda, err := s.app.Agenda(r.Context(), me.Member)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "home", me, agenda)
	return nil
}
