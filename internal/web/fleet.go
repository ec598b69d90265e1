package web

import (
	"net/http"
	"net/url"
	"strconv"

	"carpool/internal/carpool"
)

type fleetPage struct {
	Sites    []siteCars
	SiteForm *form
	CarForm  *form
}

var (
	siteInputs     = []string{"name", "address", "lat", "lon"}
	poolCarInputs  = []string{"site_id", "plate", "make", "model", "seats"}
	editCarInputs  = []string{"plate", "make", "model", "seats", "status", "version"}
	blockInputs    = []string{"start", "end"}
	editSiteInputs = append(siteInputs, "version")
)

// postedForm returns a form holding the posted values of inputs.
func postedForm(r *http.Request, inputs []string) *form {
	f := newForm(url.Values{})
	for _, in := range inputs {
		f.Values.Set(in, r.PostFormValue(in))
	}
	return f
}

func emptyForm(inputs []string) *form {
	f := newForm(url.Values{})
	for _, in := range inputs {
		f.Values.Set(in, "")
	}
	return f
}

// fleet is the fleet manager's overview: sites with their pool cars (retired ones too)
// and the forms that add a site or a car.
func (s *Server) fleet(w http.ResponseWriter, r *http.Request, me *session) error {
	car := emptyForm(poolCarInputs)
	car.Values.Set("seats", "5")
	return s.showFleet(w, r, me, emptyForm(siteInputs), car, http.StatusOK)
}

func (s *Server) showFleet(w http.ResponseWriter, r *http.Request, me *session, site, car *form, status int) error {
	ctx := r.Context()
	sites, err := s.allSites(ctx)
	if err != nil {
		return err
	}
	p := fleetPage{SiteForm: site, CarForm: car}
	for _, x := range sites {
		cars, err := s.allCars(ctx, carpool.CarFilter{Kind: carpool.CarPool, SiteID: x.ID, IncludeRetired: true})
		if err != nil {
			return err
		}
		p.Sites = append(p.Sites, siteCars{Site: x, Cars: cars})
	}
	s.render(w, r, status, "fleet", me, p)
	return nil
}

func (s *Server) siteFromForm(f *form, site *carpool.Site) {
	site.Name = f.Get("name")
	site.Address = f.Get("address")
	site.Lat = f.float("lat", "Latitude")
	site.Lon = f.float("lon", "Longitude")
}

func (s *Server) createSite(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, siteInputs)
	now := s.now()
	site := carpool.Site{ID: carpool.NewID(), Version: 1, CreatedAt: now, UpdatedAt: now}
	s.siteFromForm(f, &site)
	if f.Valid() {
		err := site.Validate()
		if err == nil {
			err = s.store.CreateSite(r.Context(), site)
		}
		if err == nil {
			redirect(w, r, "/fleet", "site")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, nil)
	}
	car := emptyForm(poolCarInputs)
	car.Values.Set("seats", "5")
	return s.showFleet(w, r, me, f, car, http.StatusUnprocessableEntity)
}

func (s *Server) createCar(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, poolCarInputs)
	now := s.now()
	c := carpool.Car{
		ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: f.text("site_id"),
		Plate: f.Get("plate"), Make: f.Get("make"), Model: f.Get("model"), Seats: f.integer("seats", "Seats"),
		Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if f.Valid() {
		err := c.Validate()
		if err == nil {
			err = s.store.CreateCar(r.Context(), c)
		}
		if err == nil {
			redirect(w, r, "/fleet", "car")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, nil)
	}
	return s.showFleet(w, r, me, emptyForm(siteInputs), f, http.StatusUnprocessableEntity)
}

type sitePage struct {
	Site carpool.Site
	Form *form
}

func (s *Server) editSiteForm(w http.ResponseWriter, r *http.Request, me *session) error {
	site, err := s.store.Site(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	f := newForm(url.Values{
		"name": {site.Name}, "address": {site.Address},
		"lat": {strconv.FormatFloat(site.Lat, 'f', -1, 64)}, "lon": {strconv.FormatFloat(site.Lon, 'f', -1, 64)},
		"version": {strconv.Itoa(site.Version)},
	})
	s.render(w, r, http.StatusOK, "site", me, sitePage{Site: site, Form: f})
	return nil
}

// editSite saves a site if nobody changed it since the form was loaded (its version).
func (s *Server) editSite(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	site, err := s.store.Site(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := postedForm(r, editSiteInputs)
	version := f.integer("version", "Version")
	var changed carpool.Site
	s.siteFromForm(f, &changed)
	if f.Valid() {
		_, err := s.store.UpdateSite(ctx, site.ID, version, func(x *carpool.Site) error {
			x.Name, x.Address, x.Lat, x.Lon = changed.Name, changed.Address, changed.Lat, changed.Lon
			return nil
		})
		if err == nil {
			redirect(w, r, "/fleet", "site")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, nil)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "site", me, sitePage{Site: site, Form: f})
	return nil
}

type fleetCarPage struct {
	Car       carpool.Car
	Site      carpool.Site
	Form      *form
	BlockForm *form
	Blocks    []carpool.Reservation
}

func (s *Server) editCarForm(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	c, err := s.store.Car(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := newForm(url.Values{
		"plate": {c.Plate}, "make": {c.Make}, "model": {c.Model}, "seats": {strconv.Itoa(c.Seats)},
		"status": {string(c.Status)}, "version": {strconv.Itoa(c.Version)},
	})
	return s.showFleetCar(w, r, me, c, f, emptyForm(blockInputs), http.StatusOK)
}

func (s *Server) showFleetCar(w http.ResponseWriter, r *http.Request, me *session, c carpool.Car, f, block *form, status int) error {
	ctx := r.Context()
	if c.Kind != carpool.CarPool {
		return carpool.Errorf(carpool.ENOTFOUND, "car not found")
	}
	site, err := s.store.Site(ctx, c.SiteID)
	if err != nil {
		return err
	}
	res, err := s.allReservations(ctx, carpool.ReservationFilter{CarID: c.ID, ActiveOnly: true, Start: s.now()})
	if err != nil {
		return err
	}
	p := fleetCarPage{Car: c, Site: site, Form: f, BlockForm: block}
	for _, x := range res {
		if x.Kind == carpool.ReservationMaintenance {
			p.Blocks = append(p.Blocks, x)
		}
	}
	s.render(w, r, status, "fleetcar", me, p)
	return nil
}

// editCar saves a pool car's details and status if nobody changed it meanwhile.
func (s *Server) editCar(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	c, err := s.store.Car(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := postedForm(r, editCarInputs)
	version := f.integer("version", "Version")
	seats := f.integer("seats", "Seats")
	if f.Valid() {
		_, err := s.store.UpdateCar(ctx, c.ID, version, func(x *carpool.Car) error {
			x.Plate, x.Make, x.Model, x.Seats = f.Get("plate"), f.Get("make"), f.Get("model"), seats
			x.Status = carpool.CarStatus(f.text("status"))
			if !x.CanManage(me.Member) {
				return carpool.Errorf(carpool.EFORBIDDEN, "you cannot change this car")
			}
			return nil
		})
		if err == nil {
			redirect(w, r, "/fleet", "car")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, nil)
	}
	return s.showFleetCar(w, r, me, c, f, emptyForm(blockInputs), http.StatusUnprocessableEntity)
}

// blockCar reserves the car for maintenance, so nobody can book it then.
func (s *Server) blockCar(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	c, err := s.store.Car(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	b := postedForm(r, blockInputs)
	start := b.when("start", "Start", s.loc)
	end := b.when("end", "End", s.loc)
	if b.Valid() {
		_, err := s.store.CreateReservation(ctx, c.ID, me.Member, carpool.ReservationMaintenance, start, end)
		if err == nil {
			redirect(w, r, "/fleet/cars/"+url.PathEscape(c.ID), "maintenance")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		b.fail(err, nil)
	}
	f := newForm(url.Values{
		"plate": {c.Plate}, "make": {c.Make}, "model": {c.Model}, "seats": {strconv.Itoa(c.Seats)},
		"status": {string(c.Status)}, "version": {strconv.Itoa(c.Version)},
	})
	return s.showFleetCar(w, r, me, c, f, b, http.StatusUnprocessableEntity)
}

// retireCar takes a car out of service for good; its history stays.
func (s *Server) retireCar(w http.ResponseWriter, r *http.Request, me *session) error {
	_, err := s.store.UpdateCar(r.Context(), r.PathValue("id"), 0, func(x *carpool.Car) error {
		if !x.CanManage(me.Member) {
			return carpool.Errorf(carpool.EFORBIDDEN, "you cannot retire this car")
		}
		x.Status = carpool.CarRetired
		return nil
	})
	if err != nil {
		return err
	}
	redirect(w, r, "/fleet", "retired")
	return nil
}
