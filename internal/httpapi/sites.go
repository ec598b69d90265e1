package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type siteRequest struct {
	Name     string   `json:"name"`
	Address  string   `json:"address"`
	Lat      *float64 `json:"lat"`
	Lon      *float64 `json:"lon"`
	TimeZone string   `json:"time_zone"`
}

type sitePatch struct {
	Name     *string  `json:"name"`
	Address  *string  `json:"address"`
	Lat      *float64 `json:"lat"`
	Lon      *float64 `json:"lon"`
	TimeZone *string  `json:"time_zone"`
}

type siteResponse struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	TimeZone  string  `json:"time_zone,omitempty"`
	Version   int     `json:"version"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func siteOut(s carpool.Site) siteResponse {
	return siteResponse{
		ID: s.ID, Name: s.Name, Address: s.Address, Lat: s.Lat, Lon: s.Lon, TimeZone: s.TimeZone, Version: s.Version,
		CreatedAt: timestamp(s.CreatedAt), UpdatedAt: timestamp(s.UpdatedAt),
	}
}

func (s *Server) listSites(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	sites, next, err := s.app.Sites(r.Context(), me, p)
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
	var req siteRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	site, err := s.app.CreateSite(r.Context(), me, app.SiteInput{Name: req.Name, Address: req.Address, Lat: req.Lat, Lon: req.Lon,
		TimeZone: req.TimeZone})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/sites/"+site.ID)
	w.Header().Set("ETag", etag(site.Version))
	return s.writeJSON(w, r, http.StatusCreated, siteOut(site))
}

func (s *Server) getSite(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	site, err := s.app.Site(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(site.Version))
	return s.writeJSON(w, r, http.StatusOK, siteOut(site))
}

func (s *Server) patchSite(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req sitePatch
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	site, err := s.app.UpdateSite(r.Context(), me, r.PathValue("id"), version,
		app.SitePatch{Name: req.Name, Address: req.Address, Lat: req.Lat, Lon: req.Lon, TimeZone: req.TimeZone})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(site.Version))
	return s.writeJSON(w, r, http.StatusOK, siteOut(site))
}
