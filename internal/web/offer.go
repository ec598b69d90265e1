package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"carpool/internal/carpool"
)

type offerPage struct {
	Form    *form
	Sites   []carpool.Site
	Sources []offerSource
}

// offerSource is one way the member can drive: their own car, or a pool car they hold
// a reservation of. Value is "car:ID" or "res:ID".
type offerSource struct {
	Value string
	Label string
	car   carpool.Car
	res   *carpool.Reservation
}

// offerFields maps the domain's field names to the offer form's inputs.
var offerFields = map[string]string{
	"from.label": "from_label", "from.lat": "from", "from.lon": "from",
	"to.label": "to_label", "to.lat": "to", "to.lon": "to",
	"depart_at": "depart", "booking_mode": "mode",
	"car_id": "source", "reservation_id": "source",
}

var offerInputs = []string{"source", "from_site", "from_label", "from", "to_site", "to_label", "to", "depart", "seats", "mode", "notes"}

// offerSources lists the member's private cars and their upcoming trip reservations.
func (s *Server) offerSources(ctx context.Context, me carpool.Member) ([]offerSource, error) {
	sources, err := s.app.OfferSources(ctx, me)
	if err != nil {
		return nil, err
	}
	out := make([]offerSource, len(sources))
	for i, src := range sources {
		c := src.Car
		if x := src.Reservation; x != nil {
			label := "Pool car " + c.Make + " " + c.Model + " (" + c.Plate + "), reserved " +
				x.Start.In(s.loc).Format("Mon 2 Jan 15:04") + "–" + x.End.In(s.loc).Format("Mon 2 Jan 15:04")
			out[i] = offerSource{Value: "res:" + x.ID, Label: label, car: c, res: x}
			continue
		}
		out[i] = offerSource{Value: "car:" + c.ID, Label: "My car " + c.Make + " " + c.Model + " (" + c.Plate + ")", car: c}
	}
	return out, nil
}

func (s *Server) offerForm(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	sites, err := s.app.AllSites(ctx, me.Member)
	if err != nil {
		return err
	}
	sources, err := s.offerSources(ctx, me.Member)
	if err != nil {
		return err
	}
	f := newForm(url.Values{})
	for _, in := range offerInputs {
		f.Values.Set(in, "")
	}
	f.Values.Set("seats", "1")
	f.Values.Set("mode", string(carpool.BookingInstant))
	depart := s.now().Add(30 * time.Minute)
	source := r.URL.Query().Get("source")
	for _, src := range sources {
		if src.Value != source {
			continue
		}
		f.Values.Set("source", source)
		if src.res != nil {
			f.Values.Set("from_site", src.car.SiteID)
			if src.res.Start.After(depart) {
				depart = src.res.Start
			}
		}
	}
	f.Values.Set("depart", depart.In(s.loc).Format(localTimeLayout))
	s.render(w, r, http.StatusOK, "offer", me, offerPage{Form: f, Sites: sites, Sources: sources})
	return nil
}

// offerRide reads the offer form into a carpool.RideInput; the store and the domain
// check it, and their errors come back beside the inputs.
func (s *Server) offerRide(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	sites, err := s.app.AllSites(ctx, me.Member)
	if err != nil {
		return err
	}
	sources, err := s.offerSources(ctx, me.Member)
	if err != nil {
		return err
	}
	f := newForm(url.Values{})
	for _, in := range offerInputs {
		f.Values.Set(in, r.PostFormValue(in))
	}
	in := carpool.RideInput{
		From:        s.place(f, "from", "Origin", sites),
		To:          s.place(f, "to", "Destination", sites),
		DepartAt:    f.when("depart", "Departure", s.loc),
		Seats:       f.integer("seats", "Seats"),
		BookingMode: carpool.BookingMode(f.text("mode")),
		Notes:       f.Get("notes"),
	}
	var found bool
	for _, src := range sources {
		if src.Value == f.text("source") {
			found = true
			in.CarID = src.car.ID
			if src.res != nil {
				in.ReservationID = src.res.ID
			}
		}
	}
	if !found {
		f.fieldError("source", "choose one of your cars or reservations")
	}
	if f.Valid() {
		ride, err := s.app.OfferRide(ctx, me.Member, in)
		if err == nil {
			redirect(w, r, "/rides/"+url.PathEscape(ride.ID), "offered")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, offerFields)
	}
	s.render(w, r, f.status(), "offer", me, offerPage{Form: f, Sites: sites, Sources: sources})
	return nil
}

// place reads a ride end: a site from the picker, or a label with typed coordinates.
func (s *Server) place(f *form, prefix, label string, sites []carpool.Site) carpool.Place {
	if id := f.text(prefix + "_site"); id != "" {
		for _, site := range sites {
			if site.ID == id {
				return carpool.Place{Label: site.Name, Lat: site.Lat, Lon: site.Lon}
			}
		}
		f.fieldError(prefix+"_site", "choose a site from the list")
		return carpool.Place{}
	}
	pl := carpool.Place{Label: strings.TrimSpace(f.Get(prefix + "_label"))}
	if pl.Label == "" {
		f.fieldError(prefix+"_label", "give a place name, or choose a site")
	}
	pt := f.point(prefix, label)
	if pt == nil {
		f.fieldError(prefix, label+" coordinates are required when no site is chosen")
		return pl
	}
	pl.Lat, pl.Lon = pt.Lat, pt.Lon
	return pl
}
