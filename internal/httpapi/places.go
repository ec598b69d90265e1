package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type savedPlaceRequest struct {
	Name    string   `json:"name"`
	Address string   `json:"address"`
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
}

type savedPlacePatch struct {
	Name    *string  `json:"name"`
	Address *string  `json:"address"`
	Lat     *float64 `json:"lat"`
	Lon     *float64 `json:"lon"`
}

type savedPlaceResponse struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	Version   int     `json:"version"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func savedPlaceOut(p carpool.SavedPlace) savedPlaceResponse {
	return savedPlaceResponse{
		ID: p.ID, Name: p.Name, Address: p.Address, Lat: p.Lat, Lon: p.Lon, Version: p.Version,
		CreatedAt: timestamp(p.CreatedAt), UpdatedAt: timestamp(p.UpdatedAt),
	}
}

// listPlaces returns all of the caller's saved places (there are at most
// carpool.MaxSavedPlaces, so one page holds them), Home first.
func (s *Server) listPlaces(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	places, err := s.app.Places(r.Context(), me)
	if err != nil {
		return err
	}
	out := make([]savedPlaceResponse, len(places))
	for i, p := range places {
		out[i] = savedPlaceOut(p)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

func (s *Server) createPlace(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req savedPlaceRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	p, err := s.app.CreatePlace(r.Context(), me, app.PlaceInput{Name: req.Name, Address: req.Address, Lat: req.Lat, Lon: req.Lon})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/places/"+p.ID)
	w.Header().Set("ETag", etag(p.Version))
	return s.writeJSON(w, r, http.StatusCreated, savedPlaceOut(p))
}

func (s *Server) getPlace(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := s.app.Place(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	return s.writeJSON(w, r, http.StatusOK, savedPlaceOut(p))
}

func (s *Server) patchPlace(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req savedPlacePatch
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	p, err := s.app.UpdatePlace(r.Context(), me, r.PathValue("id"), version,
		app.PlacePatch{Name: req.Name, Address: req.Address, Lat: req.Lat, Lon: req.Lon})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	return s.writeJSON(w, r, http.StatusOK, savedPlaceOut(p))
}

func (s *Server) deletePlace(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.DeletePlace(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
