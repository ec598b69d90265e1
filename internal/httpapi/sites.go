package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
)

type siteRequest struct {
	Name    string   `json:"name"`
	Address string   `json:"address"`
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
}

type sitePatch struct {
	Name    *string  `json:"name"`
	Address *string  `json:"address"`
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
}

type siteResponse struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	Version   int     `json:"version"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func siteOut(s carpool.Site) siteResponse {
	return siteResponse{
		ID: s.ID, Name: s.Name, Address: s.Address, Lat: s.Lat, Lon: s.Lon, Version: s.Version,
		CreatedAt: timestamp(s.CreatedAt), UpdatedAt: timestamp(s.UpdatedAt),
	}
}

func (s *Server) listSites(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	sites, next, err := s.store.Sites(r.Context(), p)
	if err != nil {
		return err
	}
	out := make([]siteResponse, len(sites))
	for i, site := range sites {
		out[i] = siteOut(site)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) createSite(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if !me.ManagesFleet() {
		return carpool.Errorf(carpool.EFORBIDDEN, "only fleet managers can add sites")
	}
	var req siteRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.Lat == nil {
		return required("lat")
	}
	if req.Lon == nil {
		return required("lon")
	}
	now := carpool.Timestamp(s.now())
	site := carpool.Site{
		ID: carpool.NewID(), Name: req.Name, Address: req.Address, Lat: *req.Lat, Lon: *req.Lon,
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := site.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateSite(r.Context(), site); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/sites/"+site.ID)
	w.Header().Set("ETag", etag(site.Version))
	return s.writeJSON(w, r, http.StatusCreated, siteOut(site))
}

func (s *Server) getSite(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	site, err := s.store.Site(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(site.Version))
	return s.writeJSON(w, r, http.StatusOK, siteOut(site))
}

func (s *Server) patchSite(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if !me.ManagesFleet() {
		// Every member may see sites, so the id is no secret: 403, not 404.
		if _, err := s.store.Site(r.Context(), r.PathValue("id")); err != nil {
			return err
		}
		return carpool.Errorf(carpool.EFORBIDDEN, "only fleet managers can change sites")
	}
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req sitePatch
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	site, err := s.store.UpdateSite(r.Context(), r.PathValue("id"), version, func(site *carpool.Site) error {
		if req.Name != nil {
			site.Name = *req.Name
		}
		if req.Address != nil {
			site.Address = *req.Address
		}
		if req.Lat != nil {
			site.Lat = *req.Lat
		}
		if req.Lon != nil {
			site.Lon = *req.Lon
		}
		return site.Validate()
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(site.Version))
	return s.writeJSON(w, r, http.StatusOK, siteOut(site))
}
