package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// poolCarOfferResponse is "take the pool car yourself": the pool cars free at a lost
// ride's start site, and the window that POST /api/v1/cars/{id}/reservations reserves
// one for with these start and end.
type poolCarOfferResponse struct {
	SiteID   string        `json:"site_id,omitempty"`
	SiteName string        `json:"site_name,omitempty"`
	Start    string        `json:"start,omitempty"`
	End      string        `json:"end,omitempty"`
	Cars     []carResponse `json:"cars"`
}

func poolCarOfferOut(o app.PoolCarOffer) poolCarOfferResponse {
	out := poolCarOfferResponse{SiteID: o.Site.ID, SiteName: o.Site.Name, Start: timestamp(o.Start), End: timestamp(o.End),
		Cars: make([]carResponse, len(o.Cars))}
	for i, c := range o.Cars {
		out.Cars[i] = carOut(c)
	}
	return out
}

func (s *Server) poolCarRoutes() {
	s.mux.Handle("GET /api/v1/rides/{id}/pool-cars", s.authed(s.ridePoolCars))
}

func (s *Server) ridePoolCars(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	o, err := s.app.RidePoolCars(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, poolCarOfferOut(o))
}
