package httpapi

import (
	"fmt"
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

func (s *Server) parkingRoutes() {
	s.mux.Handle("GET /api/v1/sites/{id}/parking-spaces", s.authed(s.listParkingSpaces))
	s.mux.Handle("POST /api/v1/sites/{id}/parking-spaces", s.authed(s.idempotent(s.addParkingSpace)))
	s.mux.Handle("PATCH /api/v1/parking-spaces/{id}", s.authed(s.renameParkingSpace))
	s.mux.Handle("DELETE /api/v1/parking-spaces/{id}", s.authed(s.retireParkingSpace))
	s.mux.Handle("GET /api/v1/sites/{id}/parking", s.reaching(carpool.ReachParkingList, s.parkingList))
}

type parkingSpaceRequest struct {
	Label *string `json:"label"`
}

type parkingSpaceResponse struct {
	ID        string `json:"id"`
	SiteID    string `json:"site_id"`
	Label     string `json:"label"`
	Version   int    `json:"version"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func parkingSpaceOut(p carpool.ParkingSpace) parkingSpaceResponse {
	return parkingSpaceResponse{ID: p.ID, SiteID: p.SiteID, Label: p.Label, Version: p.Version,
		CreatedAt: timestamp(p.CreatedAt), UpdatedAt: timestamp(p.UpdatedAt)}
}

func (s *Server) listParkingSpaces(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	spaces, err := s.app.ParkingSpaces(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]parkingSpaceResponse, len(spaces))
	for i, p := range spaces {
		out[i] = parkingSpaceOut(p)
	}
	// A site has a handful of spaces: one page holds them all.
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

// label reads the required label of a space request.
func (req parkingSpaceRequest) label() (string, error) {
	if req.Label == nil {
		return "", required("label")
	}
	return *req.Label, nil
}

func (s *Server) addParkingSpace(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req parkingSpaceRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	label, err := req.label()
	if err != nil {
		return err
	}
	space, err := s.app.AddParkingSpace(r.Context(), me, r.PathValue("id"), label)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/parking-spaces/"+space.ID)
	w.Header().Set("ETag", etag(space.Version))
	return s.writeJSON(w, r, http.StatusCreated, parkingSpaceOut(space))
}

func (s *Server) renameParkingSpace(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req parkingSpaceRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	label, err := req.label()
	if err != nil {
		return err
	}
	space, err := s.app.RenameParkingSpace(r.Context(), me, r.PathValue("id"), version, label)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(space.Version))
	return s.writeJSON(w, r, http.StatusOK, parkingSpaceOut(space))
}

func (s *Server) retireParkingSpace(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if _, err := s.app.RetireParkingSpace(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type parkingEntryResponse struct {
	SpaceID    string `json:"space_id"`
	Space      string `json:"space"`
	RideID     string `json:"ride_id"`
	Plate      string `json:"plate"`
	DriverName string `json:"driver_name"`
	ArrivalAt  string `json:"arrival_at"`
}

type parkingListResponse struct {
	SiteID string                 `json:"site_id"`
	Date   string                 `json:"date"`
	Items  []parkingEntryResponse `json:"items"`
}

// parkingList answers the day's list as JSON, or as CSV with ?format=csv (what site
// security prints or imports).
func (s *Server) parkingList(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q := r.URL.Query()
	day, err := dateIn("date", q.Get("date"))
	if err == nil && day.IsZero() {
		err = required("date")
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		err = carpool.JoinInvalid(err, carpool.FieldErrorf(carpool.EINVALID, "format", "format must be json or csv"))
	}
	if err != nil {
		return err
	}
	list, err := s.app.ParkingList(r.Context(), me, r.PathValue("id"), day)
	if err != nil {
		return err
	}
	if format == "csv" {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parking-%s.csv"`, day))
		h.Set("Cache-Control", "no-store")
		return list.WriteCSV(w)
	}
	out := parkingListResponse{SiteID: list.Site.ID, Date: day.String(), Items: make([]parkingEntryResponse, len(list.Entries))}
	for i, e := range list.Entries {
		out.Items[i] = entryOut(e)
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

func entryOut(e app.ParkingEntry) parkingEntryResponse {
	return parkingEntryResponse{SpaceID: e.SpaceID, Space: e.Space, RideID: e.RideID, Plate: e.Plate,
		DriverName: e.DriverName, ArrivalAt: timestamp(e.ArrivalAt)}
}
