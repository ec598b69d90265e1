package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
)

type partnerRequest struct {
	Name string `json:"name"`
}

type partnerResponse struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Active    bool   `json:"active"`
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at,omitempty"`
}

// createdPartnerResponse carries the key, in the one answer that ever shows it.
type createdPartnerResponse struct {
	partnerResponse
	Key string `json:"key"`
}

func partnerOut(p carpool.Partner) partnerResponse {
	return partnerResponse{ID: p.ID, Name: p.Name, Active: p.Active(),
		CreatedAt: timestamp(p.CreatedAt), RevokedAt: timestamp(p.RevokedAt)}
}

func (s *Server) partnerRoutes() {
	s.mux.Handle("GET /api/v1/partners", s.authed(s.listPartners))
	s.mux.Handle("POST /api/v1/partners", s.authed(s.createPartner))
	s.mux.Handle("POST /api/v1/partners/{id}/revoke", s.authed(s.revokePartner))
}

// createPartner is deliberately not idempotent-replayable: a stored answer would keep
// the key, which must exist nowhere but in this one answer.
func (s *Server) createPartner(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req partnerRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	p, key, err := s.app.CreatePartner(r.Context(), me, req.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.writeJSON(w, r, http.StatusCreated, createdPartnerResponse{partnerResponse: partnerOut(p), Key: key})
}

func (s *Server) listPartners(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	partners, err := s.app.Partners(r.Context(), me)
	if err != nil {
		return err
	}
	out := make([]partnerResponse, len(partners))
	for i, p := range partners {
		out[i] = partnerOut(p)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

func (s *Server) revokePartner(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := s.app.RevokePartner(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, partnerOut(p))
}
