package web

import (
	"net/http"
	"time"

	"carpool/internal/app"
)

// UtilisationWindow is how far back the fleet utilisation table looks.
const UtilisationWindow = 30 * 24 * time.Hour

type utilisationPage struct {
	From time.Time
	To   time.Time
	Rows []app.UtilisationRow
}

// utilisation shows how each pool car was used over the last UtilisationWindow.
func (s *Server) utilisation(w http.ResponseWriter, r *http.Request, me *session) error {
	to := s.now()
	from := to.Add(-UtilisationWindow)
	rows, err := s.app.Utilisation(r.Context(), me.Member, from, to)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "utilisation", me, utilisationPage{From: from, To: to, Rows: rows})
	return nil
}
