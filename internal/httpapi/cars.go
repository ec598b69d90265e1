package httpapi

import (
	"net/http"

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

// visibleCar returns the car with id if me may see it; a private car of someone else is
// reported as not found, so its id reveals nothing.
func (s *Server) visibleCar(r *http.Request, id string, me carpool.Member) (carpool.Car, error) {
	c, err := s.store.Car(r.Context(), id)
	if err != nil {
		return carpool.Car{}, err
	}
	if !c.VisibleTo(me) {
		return carpool.Car{}, carpool.Errorf(carpool.ENOTFOUND, "car not found")
	}
	return c, nil
}

func (s *Server) listCars(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := carpool.CarFilter{Kind: carpool.CarKind(q.Get("kind")), SiteID: q.Get("site_id")}
	if f.Kind != "" && f.Kind != carpool.CarPool && f.Kind != carpool.CarPrivate {
		return carpool.FieldErrorf(carpool.EINVALID, "kind", "kind must be pool or private")
	}
	if f.IncludeRetired, err = boolParam(r, "include_retired"); err != nil {
		return err
	}
	if me.Role != carpool.RoleAdmin {
		f.VisibleTo = me.ID
	}
	cars, next, err := s.store.Cars(r.Context(), f, p)
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
	if req.Seats == nil {
		return required("seats")
	}
	now := carpool.Timestamp(s.now())
	c := carpool.Car{
		ID: carpool.NewID(), Kind: carpool.CarKind(req.Kind), Plate: req.Plate, Make: req.Make, Model: req.Model,
		Seats: *req.Seats, SiteID: req.SiteID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	switch c.Kind {
	case carpool.CarPool:
		if !me.ManagesFleet() {
			return carpool.FieldErrorf(carpool.EFORBIDDEN, "kind", "only fleet managers can add pool cars")
		}
	case carpool.CarPrivate:
		if req.SiteID != "" {
			return carpool.FieldErrorf(carpool.EINVALID, "site_id", "a private car belongs to no site")
		}
		c.OwnerID = me.ID
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateCar(r.Context(), c); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cars/"+c.ID)
	w.Header().Set("ETag", etag(c.Version))
	return s.writeJSON(w, r, http.StatusCreated, carOut(c))
}

func (s *Server) getCar(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	c, err := s.visibleCar(r, r.PathValue("id"), me)
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
	c, err := s.updateCar(r, me, version, func(c *carpool.Car) error {
		if c.Status == carpool.CarRetired {
			return carpool.Errorf(carpool.ECONFLICT, "car is retired")
		}
		if req.Plate != nil {
			c.Plate = *req.Plate
		}
		if req.Make != nil {
			c.Make = *req.Make
		}
		if req.Model != nil {
			c.Model = *req.Model
		}
		if req.Seats != nil {
			c.Seats = *req.Seats
		}
		if req.SiteID != nil {
			if c.Kind != carpool.CarPool {
				return carpool.FieldErrorf(carpool.EINVALID, "site_id", "a private car belongs to no site")
			}
			c.SiteID = *req.SiteID
		}
		if req.Status != nil {
			st := carpool.CarStatus(*req.Status)
			if st != carpool.CarActive && st != carpool.CarMaintenance {
				return carpool.FieldErrorf(carpool.EINVALID, "status", "status must be active or maintenance; DELETE retires a car")
			}
			c.Status = st
		}
		return c.Validate()
	})
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.Version))
	return s.writeJSON(w, r, http.StatusOK, carOut(c))
}

// retireCar takes a car out of service for good. Its history stays; retiring a retired
// car again succeeds, as a repeated DELETE should.
func (s *Server) retireCar(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if _, err := s.updateCar(r, me, version, func(c *carpool.Car) error {
		c.Status = carpool.CarRetired
		return nil
	}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// updateCar applies change to a car that me may see and manage, checked against the car
// as it is in the store's transaction.
func (s *Server) updateCar(r *http.Request, me carpool.Member, version int, change func(*carpool.Car) error) (carpool.Car, error) {
	return s.store.UpdateCar(r.Context(), r.PathValue("id"), version, func(c *carpool.Car) error {
		if !c.VisibleTo(me) {
			return carpool.Errorf(carpool.ENOTFOUND, "car not found")
		}
		if !c.CanManage(me) {
			return carpool.Errorf(carpool.EFORBIDDEN, "only fleet managers can change pool cars, and only owners their private cars")
		}
		return change(c)
	})
}
