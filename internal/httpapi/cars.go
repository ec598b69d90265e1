package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type carRequest struct {
	Kind   string `json:"kind"`
	Plate  string `json:"plate"`
	Make   string `json:"make"`
	Model  string `json:"model"`
	Seats  *int   `json:"seats"`
	SiteID string `json:"site_id"`
}

type carPatch struct {
	Plate  *string `json:"plate"`
	Make   *string `json:"make"`
	Model  *string `json:"model"`
	Seats  *int    `json:"seats"`
	SiteID *string `json:"site_id"`
	Status *string `json:"status"`
}

type carResponse struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Plate     string `json:"plate"`
	Make      string `json:"make"`
	Model     string `json:"model"`
	Seats     int    `json:"seats"`
	SiteID    string `json:"site_id,omitempty"`
	OwnerID   string `json:"owner_id,omitempty"`
	Status    string `json:"status"`
	Version   int    `json:"version"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func carOut(c carpool.Car) carResponse {
	return carResponse{
		ID: c.ID, Kind: string(c.Kind), Plate: c.Plate, Make: c.Make, Model: c.Model, Seats: c.Seats,
		SiteID: c.SiteID, OwnerID: c.OwnerID, Status: string(c.Status), Version: c.Version,
		CreatedAt: timestamp(c.CreatedAt), UpdatedAt: timestamp(c.UpdatedAt),
	}
}

func (s *Server) listCars(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := carpool.CarFilter{Kind: carpool.CarKind(q.Get("kind")), SiteID: q.Get("site_id")}
	if f.IncludeRetired, err = boolParam(r, "include_retired"); err != nil {
		return err
	}
	cars, next, err := s.app.Cars(r.Context(), me, f, p)
	if err != nil {
		return err
	}
	out := make([]carResponse, len(cars))
	for i, c := range cars {
		out[i] = carOut(c)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

// createCar adds a pool car (fleet managers, at a site) or the caller's own private car.
func (s *Server) createCar(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req carRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	c, err := s.app.CreateCar(r.Context(), me, app.CarInput{
		Kind: carpool.CarKind(req.Kind), Plate: req.Plate, Make: req.Make, Model: req.Model, Seats: req.Seats, SiteID: req.SiteID,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cars/"+c.ID)
	w.Header().Set("ETag", etag(c.Version))
	return s.writeJSON(w, r, http.StatusCreated, carOut(c))
}

func (s *Server) getCar(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	c, err := s.app.Car(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return s.writeJSON(w, r, http.StatusOK, carOut(c))
}

func (s *Server) patchCar(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req carPatch
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	p := app.CarPatch{Plate: req.Plate, Make: req.Make, Model: req.Model, Seats: req.Seats, SiteID: req.SiteID}
	if req.Status != nil {
		st := carpool.CarStatus(*req.Status)
		p.Status = &st
	}
	c, err := s.app.UpdateCar(r.Context(), me, r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return s.writeJSON(w, r, http.StatusOK, carOut(c))
}

// retireCar takes a car out of service for good.
func (s *Server) retireCar(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if _, err := s.app.RetireCar(r.Context(), me, r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
