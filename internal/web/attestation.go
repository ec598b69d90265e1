package web

import (
	"net/http"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// The monthly attestation: a page made to print (or save as PDF through the browser)
// listing the member's shared trips of a month, their kilometres and the CO₂ avoided.

type attestationPage struct {
	app.Attestation
	Month  string // YYYY-MM shown
	Prev   string
	Issuer string // the deployment, by the host people reach it at
}

func (s *Server) attestation(w http.ResponseWriter, r *http.Request, me *session) error {
	zone := s.zone(me)
	now := s.now().In(zone)
	// Last month by default: the one whose trips are all final.
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone).AddDate(0, -1, 0)
	if v := r.URL.Query().Get("month"); v != "" {
		m, err := time.ParseInLocation("2006-01", v, zone)
		if err != nil {
			return carpool.FieldErrorf(carpool.EINVALID, "month", "month must be a month like 2026-01")
		}
		month = m
	}
	att, err := s.app.MonthAttestation(r.Context(), me.Member, month, zone)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "attestation", me, attestationPage{Attestation: att, Month: month.Format("2006-01"),
		Prev: month.AddDate(0, -1, 0).Format("2006-01"), Issuer: r.Host})
	return nil
}
