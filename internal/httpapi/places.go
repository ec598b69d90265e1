package httpapi

import (
	"errors"
	"net/http"
	"strings"

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

// searchAddress looks up a typed address (GET /api/v1/places/search?q=...) for a place
// to pick: the same search the web's place fields offer. Off (no geocoder configured) or
// failing, it answers 503 "address search unavailable"; a failure is logged here.
func (s *Server) searchAddress(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return required("q")
	}
	places, err := s.app.SearchAddress(r.Context(), me, q)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.EUNAVAILABLE && !errors.Is(err, app.ErrAddressSearchOff) {
			s.log.WarnContext(r.Context(), "address search failed", "err", err)
		}
		return err
	}
	out := make([]placeResponse, len(places))
	for i, p := range places {
		out[i] = placeResponse{Label: p.Label, Lat: p.Lat, Lon: p.Lon}
	}
	// The geocoder's answers change seldom and cost a shared quota: let the member's own
	// client keep them for an hour.
	w.Header().Set("Cache-Control", "private, max-age=3600")
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
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
