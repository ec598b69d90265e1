package web

import (
	"context"
	"net/http"
	"net/url"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type placesPage struct {
	Form   *form
	Saved  []carpool.SavedPlace
	Places map[string]*placeField
}

var placeFormInputs = []string{"name", "place", "place_address", "place_coords"}

// placesPage lists the member's saved places with a form to add one.
func (s *Server) placesPage(ctx context.Context, me carpool.Member, f *form, lookup string) (placesPage, error) {
	saved, err := s.app.Places(ctx, me)
	if err != nil {
		return placesPage{}, err
	}
	fields, err := s.placeFields(ctx, me, f, lookup, placeField{Name: "place", Legend: "place.where"})
	if err != nil {
		return placesPage{}, err
	}
	// A saved place offered as the position of a new one would only copy it.
	pf := fields["place"]
	var sites []app.Choice
	for _, c := range pf.Choices {
		if c.Site {
			sites = append(sites, c)
		}
	}
	pf.Choices = sites
	return placesPage{Form: f, Saved: saved, Places: fields}, nil
}

func (s *Server) myPlaces(w http.ResponseWriter, r *http.Request, me *session) error {
	f := newForm(url.Values{"name": {""}, "place": {""}, "place_address": {""}})
	if len(r.URL.Query()["name"]) > 0 {
		f.Values.Set("name", r.URL.Query().Get("name"))
	}
	p, err := s.placesPage(r.Context(), me.Member, f, "")
	if err != nil {
		return err
	}
	if len(p.Saved) == 0 && f.Get("name") == "" {
		f.Values.Set("name", carpool.HomePlace) // the first place most members save
	}
	s.render(w, r, http.StatusOK, "places", me, p)
	return nil
}

func (s *Server) addPlace(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	f := copyInputs(r, placeFormInputs...)
	if lookup := lookupField(r, "place"); lookup != "" {
		p, err := s.placesPage(ctx, me.Member, f, lookup)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, "places", me, p)
		return nil
	}
	where, err := s.requiredPlace(ctx, me.Member, f, "place", "form.place_where")
	if err != nil {
		return err
	}
	// A pin's label only repeats its coordinates; the place's name says more.
	address := where.Label
	if isPinLabel(address) {
		address = ""
	}
	// Asked even when no place was picked (nil coordinates): the application refuses it
	// then, naming the name's fault with it.
	{
		in := app.PlaceInput{Name: f.Get("name"), Address: address}
		if f.Err("place") == "" {
			in.Lat, in.Lon = &where.Lat, &where.Lon
		}
		_, err := s.app.CreatePlace(ctx, me.Member, in)
		if err == nil {
			redirect(w, r, "/places", "placeSaved")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, map[string]string{"lat": "place", "lon": "place", "address": "place"})
	}
	p, err := s.placesPage(ctx, me.Member, f, "")
	if err != nil {
		return err
	}
	s.render(w, r, f.status(), "places", me, p)
	return nil
}

func (s *Server) deletePlace(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.DeletePlace(r.Context(), me.Member, r.PathValue("id")); err != nil {
		return err
	}
	redirect(w, r, "/places", "placeDeleted")
	return nil
}
