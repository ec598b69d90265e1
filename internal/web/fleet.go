package web

import (
	"net/http"
	"net/url"
	"strconv"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type fleetPage struct {
	Sites    []siteCars
	SiteForm *form
	Location map[string]*placeField // the site form's place field
	CarForm  *form
}

var (
	siteInputs     = []string{"name", "address", "location", "location_address", "location_coords", "time_zone"}
	poolCarInputs  = []string{"site_id", "plate", "make", "model", "seats"}
	editCarInputs  = []string{"plate", "make", "model", "seats", "status", "version"}
	blockInputs    = []string{"start", "end"}
	editSiteInputs = append(siteInputs, "version")
)

// postedForm returns a form holding the posted values of inputs.
func postedForm(r *http.Request, inputs []string) *form {
	f := newForm(url.Values{})
	f.words = wordsOf(r)
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
	return s.showFleet(w, r, me, s.newSiteForm(), car, http.StatusOK)
}

// newSiteForm is the empty form that adds a site, in the installation's zone.
func (s *Server) newSiteForm() *form {
	f := emptyForm(siteInputs)
	f.Values.Set("time_zone", s.loc.String())
	return f
}

func (s *Server) showFleet(w http.ResponseWriter, r *http.Request, me *session, site, car *form, status int) error {
	sites, err := s.sitesWithCars(r, me, true)
	if err != nil {
		return err
	}
	loc, err := s.sitePlace(r, me, site, "")
	if err != nil {
		return err
	}
	s.render(w, r, status, "fleet", me, fleetPage{Sites: sites, SiteForm: site, Location: loc, CarForm: car})
	return nil
}

// sitePlace is the place field a site's location is picked with: a pin on the map, an
// address search result, or a saved place; coordinates are never typed.
func (s *Server) sitePlace(r *http.Request, me *session, f *form, lookup string) (map[string]*placeField, error) {
	return s.placeFields(r.Context(), me.Member, f, lookup, placeField{Name: "location", Legend: "place.location"})
}

// siteFromForm reads a site's inputs; the application layer checks the values.
func (s *Server) siteFromForm(r *http.Request, me *session, f *form) (app.SitePatch, error) {
	name, address, zone := f.Get("name"), f.Get("address"), f.Get("time_zone")
	p := app.SitePatch{Name: &name, Address: &address, TimeZone: &zone}
	at, err := s.requiredPlace(r.Context(), me.Member, f, "location", "form.site_location")
	if err != nil {
		return p, err
	}
	if at != (carpool.Place{}) {
		p.Lat, p.Lon = &at.Lat, &at.Lon
	}
	return p, nil
}

func (s *Server) createSite(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, siteInputs)
	if lookupField(r, "location") != "" {
		return s.showFleetSearch(w, r, me, f)
	}
	p, err := s.siteFromForm(r, me, f)
	if err != nil {
		return err
	}
	// Asked even when the location is missing (nil coordinates): the application refuses
	// it then, naming every other wrong field with it.
	{
		_, err := s.app.CreateSite(r.Context(), me.Member, app.SiteInput{Name: *p.Name, Address: *p.Address, Lat: p.Lat, Lon: p.Lon, TimeZone: *p.TimeZone})
		if err == nil {
			redirect(w, r, "/fleet", "site")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, map[string]string{"lat": "location", "lon": "location"})
	}
	car := emptyForm(poolCarInputs)
	car.Values.Set("seats", "5")
	return s.showFleet(w, r, me, f, car, f.status())
}

// showFleetSearch shows the fleet page with the address search of the site form done.
func (s *Server) showFleetSearch(w http.ResponseWriter, r *http.Request, me *session, f *form) error {
	sites, err := s.sitesWithCars(r, me, true)
	if err != nil {
		return err
	}
	loc, err := s.sitePlace(r, me, f, "location")
	if err != nil {
		return err
	}
	car := emptyForm(poolCarInputs)
	car.Values.Set("seats", "5")
	s.render(w, r, http.StatusOK, "fleet", me, fleetPage{Sites: sites, SiteForm: f, Location: loc, CarForm: car})
	return nil
}

func (s *Server) createCar(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, poolCarInputs)
	seats := readOrMissing(f, "seats", f.integer("seats", "field.car_seats"))
	// Asked even when seats could not be read (nil): the application refuses it then,
	// naming every other wrong field with it.
	{
		_, err := s.app.CreateCar(r.Context(), me.Member, app.CarInput{
			Kind: carpool.CarPool, SiteID: f.text("site_id"),
			Plate: f.Get("plate"), Make: f.Get("make"), Model: f.Get("model"), Seats: seats,
		})
		if err == nil {
			redirect(w, r, "/fleet", "car")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, nil)
	}
	return s.showFleet(w, r, me, s.newSiteForm(), f, f.status())
}

type sitePage struct {
	Site     carpool.Site
	Form     *form
	Location map[string]*placeField
	Parking  siteParking
}

func (s *Server) editSiteForm(w http.ResponseWriter, r *http.Request, me *session) error {
	site, err := s.app.Site(r.Context(), me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.showSite(w, r, me, site, nil, "", http.StatusOK)
}

// showSite renders the site's page with its form as stored; parking is the parking form
// to show again (nil: an empty add form), failed the space whose rename it is.
func (s *Server) showSite(w http.ResponseWriter, r *http.Request, me *session, site carpool.Site, parking *form, failed string, status int) error {
	f := newForm(url.Values{
		"name": {site.Name}, "address": {site.Address}, "location_address": {""}, "time_zone": {site.TimeZone},
		"location": {atValue(carpool.Place{Label: site.Name, Lat: site.Lat, Lon: site.Lon})},
		"version":  {strconv.Itoa(site.Version)},
	})
	loc, err := s.sitePlace(r, me, f, "")
	if err != nil {
		return err
	}
	pk, err := s.siteParking(r, me, site, parking, failed)
	if err != nil {
		return err
	}
	s.render(w, r, status, "site", me, sitePage{Site: site, Form: f, Location: loc, Parking: pk})
	return nil
}

// editSite saves a site if nobody changed it since the form was loaded (its version).
func (s *Server) editSite(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	site, err := s.app.Site(ctx, me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := postedForm(r, editSiteInputs)
	lookup := lookupField(r, "location")
	version := f.integer("version", "field.version")
	var p app.SitePatch
	if lookup == "" {
		if p, err = s.siteFromForm(r, me, f); err != nil {
			return err
		}
	}
	if lookup == "" && f.Valid() {
		_, err := s.app.UpdateSite(ctx, me.Member, site.ID, version, p)
		if err == nil {
			redirect(w, r, "/fleet", "site")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, map[string]string{"lat": "location", "lon": "location"})
	}
	loc, err := s.sitePlace(r, me, f, lookup)
	if err != nil {
		return err
	}
	status := f.status()
	if lookup != "" {
		status = http.StatusOK
	}
	pk, err := s.siteParking(r, me, site, nil, "")
	if err != nil {
		return err
	}
	s.render(w, r, status, "site", me, sitePage{Site: site, Form: f, Location: loc, Parking: pk})
	return nil
}

type fleetCarPage struct {
	Car       carpool.Car
	Site      carpool.Site
	Form      *form
	BlockForm *form
	Blocks    []carpool.Reservation
}

// carForm is the edit form of a car as it is stored.
func carForm(c carpool.Car) *form {
	return newForm(url.Values{
		"plate": {c.Plate}, "make": {c.Make}, "model": {c.Model}, "seats": {strconv.Itoa(c.Seats)},
		"status": {string(c.Status)}, "version": {strconv.Itoa(c.Version)},
	})
}

func (s *Server) editCarForm(w http.ResponseWriter, r *http.Request, me *session) error {
	c, err := s.app.Car(r.Context(), me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.showFleetCar(w, r, me, c, carForm(c), emptyForm(blockInputs), http.StatusOK)
}

func (s *Server) showFleetCar(w http.ResponseWriter, r *http.Request, me *session, c carpool.Car, f, block *form, status int) error {
	ctx := r.Context()
	if c.Kind != carpool.CarPool {
		return carpool.Errorf(carpool.ENOTFOUND, "car not found")
	}
	site, err := s.app.Site(ctx, me.Member, c.SiteID)
	if err != nil {
		return err
	}
	res, err := s.app.AllCarReservations(ctx, me.Member, c.ID, carpool.ReservationFilter{ActiveOnly: true, Start: s.now()})
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
	c, err := s.app.Car(ctx, me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := postedForm(r, editCarInputs)
	version := f.integer("version", "field.version")
	seats := f.integer("seats", "field.car_seats")
	if f.Valid() {
		plate, mk, model := f.Get("plate"), f.Get("make"), f.Get("model")
		status := carpool.CarStatus(f.text("status"))
		_, err := s.app.UpdateCar(ctx, me.Member, c.ID, version, app.CarPatch{
			Plate: &plate, Make: &mk, Model: &model, Seats: &seats, Status: &status,
		})
		if err == nil {
			redirect(w, r, "/fleet", "car")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, nil)
	}
	return s.showFleetCar(w, r, me, c, f, emptyForm(blockInputs), f.status())
}

// blockCar reserves the car for maintenance, so nobody can book it then.
func (s *Server) blockCar(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	c, err := s.app.Car(ctx, me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	b := postedForm(r, blockInputs)
	start := b.when("start", "Start", s.zone(me))
	end := b.when("end", "End", s.zone(me))
	if b.Valid() {
		_, err := s.app.Reserve(ctx, me.Member, c.ID, carpool.ReservationMaintenance, start, end)
		if err == nil {
			redirect(w, r, "/fleet/cars/"+url.PathEscape(c.ID), "maintenance")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		b.fail(r, err, nil)
	}
	return s.showFleetCar(w, r, me, c, carForm(c), b, b.status())
}

// retireCar takes a car out of service for good; its history stays.
func (s *Server) retireCar(w http.ResponseWriter, r *http.Request, me *session) error {
	if !confirmed(r) {
		c, err := s.app.Car(r.Context(), me.Member, r.PathValue("id"))
		if err != nil {
			return err
		}
		p := s.printer(r, me)
		return s.askFirst(w, r, me, confirmation{
			Title: p.T("confirm.retire", "Plate", c.Plate), Verb: p.T("confirm.retire_yes", "Plate", c.Plate), Back: "/fleet/cars/" + url.PathEscape(c.ID),
			Consequences: []string{
				p.T("confirm.retire_leaves", "Car", c.Make+" "+c.Model+" ("+c.Plate+")"),
				p.T("confirm.retire_history"),
			},
		})
	}
	if _, err := s.app.RetireCar(r.Context(), me.Member, r.PathValue("id"), 0); err != nil {
		return err
	}
	redirect(w, r, "/fleet", "retired")
	return nil
}
