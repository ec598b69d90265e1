package web

import (
	"net/http"

	"carpool/internal/app"
)

// homePage is the member's agenda and what they shared over the last year.
type homePage struct {
	app.Agenda
	Shared app.MyFigures
}

// home shows what is coming up for the member: rides they drive (with requests waiting
// for them), rides they booked, and their pool-car reservations; and what their
// carpooling saved over the last twelve months.
func (s *Server) home(w http.ResponseWriter, r *http.Request, me *session) error {
	agenda, err := s.app.Agenda(r.Context(), me.Member)
	if err != nil {
		return err
	}
	now := s.now()
	shared, err := s.app.MyFigures(r.Context(), me.Member, now.AddDate(-1, 0, 0), now)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "home", me, homePage{Agenda: agenda, Shared: shared})
	return nil
}
