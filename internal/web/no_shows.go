package web

import (
	"net/http"
	"time"
)

// noShows shows fleet managers every member's no-shows over the rolling no-show period
// up to now; nobody else may see them (fleetOnly guards the route, the app refuses too).
func (s *Server) noShows(w http.ResponseWriter, r *http.Request, me *session) error {
	rep, err := s.app.NoShows(r.Context(), me.Member, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "noshows", me, rep)
	return nil
}
