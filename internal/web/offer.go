package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

type offerPage struct {
	Form    *form
	Sources []offerSource
	Places  map[string]*placeField
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
	"from.label": "from", "from.lat": "from", "from.lon": "from",
	"to.label": "to", "to.lat": "to", "to.lon": "to",
	"depart_at": "depart", "booking_mode": "mode", "max_detour_km": "detour",
	"car_id": "source", "reservation_id": "source", "share_with_partners": "partners",
}

var offerInputs = []string{"source", "from", "from_address", "from_coords", "to", "to_address", "to_coords", "depart", "seats", "mode", "notes", "detour", "partners"}

// offerPlaces are the place fields of the offer form.
func (s *Server) offerPlaces(ctx context.Context, me carpool.Member, f *form, lookup string) (map[string]*placeField, error) {
	return s.placeFields(ctx, me, f, lookup, placeField{Name: "from", Legend: "place.from"}, placeField{Name: "to", Legend: "place.to"})
}

// offerSources lists the member's private cars and their upcoming trip reservations.
func (s *Server) offerSources(ctx context.Context, me carpool.Member, p *locale.Printer) ([]offerSource, error) {
	sources, err := s.app.OfferSources(ctx, me)
	if err != nil {
		return nil, err
	}
	out := make([]offerSource, len(sources))
	loc := me.Location(s.loc)
	for i, src := range sources {
		c := src.Car
		if x := src.Reservation; x != nil {
			label := p.T("offer.source_pool_car", "Car", c.Make+" "+c.Model+" ("+c.Plate+")",
				"Start", p.Day(x.Start.In(loc))+" "+p.Clock(x.Start.In(loc)), "End", p.Day(x.End.In(loc))+" "+p.Clock(x.End.In(loc)))
			out[i] = offerSource{Value: "res:" + x.ID, Label: label, car: c, res: x}
			continue
		}
		out[i] = offerSource{Value: "car:" + c.ID, Label: p.T("offer.source_my_car", "Car", c.Make+" "+c.Model+" ("+c.Plate+")"), car: c}
	}
	return out, nil
}

func (s *Server) offerForm(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	sources, err := s.offerSources(ctx, me.Member, s.printer(r, me))
	if err != nil {
		return err
	}
	f := newForm(url.Values{})
	for _, in := range offerInputs {
		f.Values.Set(in, "")
	}
	f.Values.Set("seats", "1")
	f.Values.Set("mode", string(carpool.BookingInstant))
	f.Values.Set("detour", strconv.FormatFloat(carpool.DefaultDetourKM, 'f', -1, 64))
	f.Values.Set("partners", "profile")
	depart := s.now().Add(30 * time.Minute)
	source := r.URL.Query().Get("source")
	for _, src := range sources {
		if src.Value != source {
			continue
		}
		f.Values.Set("source", source)
		if src.res != nil {
			f.Values.Set("from", "site:"+src.car.SiteID)
			if src.res.Start.After(depart) {
				depart = src.res.Start
			}
		}
	}
	f.Values.Set("depart", depart.In(s.zone(me)).Format(localTimeLayout))
	places, err := s.offerPlaces(ctx, me.Member, f, "")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "offer", me, offerPage{Form: f, Sources: sources, Places: places})
	return nil
}

// offerRide reads the offer form into a carpool.RideInput; the store and the domain
// check it, and their errors come back beside the inputs.
func (s *Server) offerRide(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	sources, err := s.offerSources(ctx, me.Member, s.printer(r, me))
	if err != nil {
		return err
	}
	f := copyInputs(r, offerInputs...)
	// "Search address" submits the form to fill one place field's list, not to offer.
	if lookup := lookupField(r, "from", "to"); lookup != "" {
		places, err := s.offerPlaces(ctx, me.Member, f, lookup)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, "offer", me, offerPage{Form: f, Sources: sources, Places: places})
		return nil
	}
	from, err := s.requiredPlace(ctx, me.Member, f, "from", "form.ride_from")
	if err != nil {
		return err
	}
	to, err := s.requiredPlace(ctx, me.Member, f, "to", "form.ride_to")
	if err != nil {
		return err
	}
	in := carpool.RideInput{
		From:        from,
		To:          to,
		DetourKM:    optionalPtr(f, "detour", func() float64 { return f.float("detour", "field.detour") }),
		DepartAt:    f.when("depart", "field.departure", s.zone(me)),
		Seats:       f.integer("seats", "field.seats"),
		BookingMode: carpool.BookingMode(f.text("mode")),
		Notes:       f.Get("notes"),
		Sharing:     sharingChoice(f),
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
		f.fieldError("source", f.say("form.choose_source"))
	}
	if !f.Valid() {
		// The rest of the inputs are checked too, so one answer names every field.
		if err := s.app.CheckOffer(in); err != nil {
			f.fail(r, err, offerFields)
		}
	} else {
		ride, err := s.app.OfferRide(ctx, me.Member, in)
		if err == nil {
			redirect(w, r, "/rides/"+url.PathEscape(ride.ID), "offered")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, offerFields)
	}
	places, err := s.offerPlaces(ctx, me.Member, f, "")
	if err != nil {
		return err
	}
	s.render(w, r, f.status(), "offer", me, offerPage{Form: f, Sources: sources, Places: places})
	return nil
}

// requiredPlace reads a place field that must not stay empty.
func (s *Server) requiredPlace(ctx context.Context, me carpool.Member, f *form, name, missing string) (carpool.Place, error) {
	p, err := s.readPlace(ctx, me, f, name)
	if err != nil || p != nil {
		if p == nil {
			return carpool.Place{}, err
		}
		return *p, err
	}
	f.fieldError(name, f.say(missing))
	return carpool.Place{}, nil
}

// optionalPtr returns nil for an empty input, else a pointer to what parse reads.
func optionalPtr[T any](f *form, name string, parse func() T) *T {
	if f.text(name) == "" {
		return nil
	}
	v := parse()
	return &v
}
