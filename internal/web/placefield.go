package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// A place field lets a member pick a place without typing coordinates: their saved
// places and the sites first, then (with JavaScript) a pin on the map, then (when a
// geocoder is configured) the results of an address search. All of it travels in one
// select input named after the field: "place:ID", "site:ID", or "at:LAT,LON|LABEL" for
// a pin or a search result, which the server checks like any other input.

// placeField is what the "placefield" template renders for one field.
type placeField struct {
	Name    string // the select's name and the prefix of the field's other inputs
	Legend  string
	Choices []app.Choice
	// Found are the results of an address search for this field; Unavailable says the
	// search failed and why the list is empty.
	Found       []carpool.Place
	Unavailable bool
	Searched    bool
	Search      bool // address search is configured
	Optional    bool // the field may stay empty ("anywhere")
	// Current is the place the select holds when it is a pin or a search result, so the
	// page shown again keeps it as an option.
	Current *carpool.Place
}

// atValue encodes a place as the value of a place field's option.
func atValue(p carpool.Place) string {
	return "at:" + strconv.FormatFloat(p.Lat, 'f', 6, 64) + "," + strconv.FormatFloat(p.Lon, 'f', 6, 64) + "|" + p.Label
}

// parseAt decodes "at:LAT,LON|LABEL"; ok is false when value is not of that form.
func parseAt(value string) (carpool.Place, bool) {
	rest, ok := strings.CutPrefix(value, "at:")
	if !ok {
		return carpool.Place{}, false
	}
	coords, label, _ := strings.Cut(rest, "|")
	lat, lon, ok := strings.Cut(coords, ",")
	if !ok {
		return carpool.Place{}, false
	}
	la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err1 != nil || err2 != nil {
		return carpool.Place{}, false
	}
	label = strings.TrimSpace(label)
	if label == "" {
		label = "Point at " + strconv.FormatFloat(la, 'f', 4, 64) + ", " + strconv.FormatFloat(lo, 'f', 4, 64)
	}
	return carpool.Place{Label: label, Lat: la, Lon: lo}, true
}

// isPinLabel reports whether label is what map.js names a dropped pin in any language
// (or the fallback of parseAt): such a label only repeats the coordinates.
func isPinLabel(label string) bool {
	if strings.HasPrefix(label, "Point at ") {
		return true
	}
	for _, tag := range locale.Supported {
		prefix, _, _ := strings.Cut(locale.For(tag).T("place.pin_at", "Lat", "\x00", "Lon", "\x00"), "\x00")
		if prefix != "" && strings.HasPrefix(label, prefix) {
			return true
		}
	}
	return false
}

// placeFields prepares the place fields of a form: every field gets the same choices;
// the one whose address search button was pressed (lookup) gets its results.
func (s *Server) placeFields(ctx context.Context, me carpool.Member, f *form, lookup string, fields ...placeField) (map[string]*placeField, error) {
	choices, err := s.app.PlaceChoices(ctx, me)
	if err != nil {
		return nil, err
	}
	if f.words == nil {
		// A form prefilled for a first visit was made without the request; its legends
		// are said in the request's language all the same.
		f.words, _ = ctx.Value(wordsKey{}).(*locale.Printer)
	}
	out := make(map[string]*placeField, len(fields))
	for _, pf := range fields {
		pf.Legend = f.say(pf.Legend)
		pf.Choices = choices
		pf.Search = s.app.AddressSearchOn()
		if p, ok := parseAt(f.Get(pf.Name)); ok {
			pf.Current = &p
		}
		if pf.Name == lookup {
			pf.Searched = true
			pf.Found, err = s.app.SearchAddress(ctx, me, f.Get(pf.Name+"_address"))
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return nil, err
				}
				// The form goes on without address search; the reason is for the log.
				s.log.Warn("address search failed", "err", err)
				pf.Found, pf.Unavailable = nil, true
			}
		}
		out[pf.Name] = &pf
	}
	return out, nil
}

// readPlace reads a place field: nil when it is empty (the caller decides whether that
// is allowed). Coordinates out of range reach the domain, which names the field.
func (s *Server) readPlace(ctx context.Context, me carpool.Member, f *form, name string) (*carpool.Place, error) {
	v := f.text(name)
	switch {
	case v == "" && f.text(name+"_coords") != "":
		return f.typedPoint(name)
	case v == "":
		return nil, nil
	case strings.HasPrefix(v, "at:"):
		p, ok := parseAt(v)
		if !ok {
			f.fieldError(name, f.say("form.place_unreadable"))
			return nil, nil
		}
		if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
			f.fieldError(name, f.say("form.pin_outside"))
			return nil, nil
		}
		return &p, nil
	}
	p, err := s.app.ResolveChoice(ctx, me, v)
	if carpool.ErrorCode(err) == carpool.ENOTFOUND {
		f.fieldError(name, f.say("form.choose_place"))
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read place %s: %w", name, err)
	}
	return &p, nil
}

// typedPoint reads the coordinates typed into the fallback field name_coords, for
// keyboard and screen-reader users who cannot tap a map: "52.5200, 13.4050" or the
// German "52,5200; 13,4050". The point is named as a dropped pin is.
func (f *form) typedPoint(name string) (*carpool.Place, error) {
	field := name + "_coords"
	lat, lon, ok := parseCoordinates(f.text(field))
	if !ok {
		f.fieldError(field, f.say("form.coordinates"))
		return nil, nil
	}
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		f.fieldError(field, f.say("form.pin_outside"))
		return nil, nil
	}
	label := f.say("place.pin_at", "Lat", f.printer().Number(lat, 4), "Lon", f.printer().Number(lon, 4))
	return &carpool.Place{Label: label, Lat: lat, Lon: lon}, nil
}

// parseCoordinates reads "lat, lon" with decimal points, or "lat; lon" (or "lat lon")
// with decimal commas. A lone "52,39" is refused rather than read as 52 and 39: with a
// decimal comma it is one number, and whole degrees are no place anyone means.
func parseCoordinates(s string) (lat, lon float64, ok bool) {
	s = strings.TrimSpace(s)
	var a, b string
	switch {
	case strings.Contains(s, ";"):
		a, b, _ = strings.Cut(s, ";")
	case strings.Count(s, ",") == 1 && strings.Contains(s, "."):
		a, b, _ = strings.Cut(s, ",")
	default:
		fields := strings.Fields(strings.ReplaceAll(s, ", ", " "))
		if len(fields) != 2 {
			return 0, 0, false
		}
		a, b = fields[0], fields[1]
	}
	num := func(x string) (float64, error) {
		return strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(x), ",", "."), 64)
	}
	la, err1 := num(a)
	lo, err2 := num(b)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return la, lo, true
}

// lookupField returns which place field's address search was asked for, if any.
func lookupField(r *http.Request, fields ...string) string {
	v := r.FormValue("lookup")
	for _, f := range fields {
		if v == f {
			return v
		}
	}
	return ""
}

// placeInputs are the inputs of the place field name besides its select.
func placeInputs(name string) []string { return []string{name, name + "_address", name + "_coords"} }

// copyInputs copies the named inputs from the request into a fresh form.
func copyInputs(r *http.Request, names ...string) *form {
	f := newForm(url.Values{})
	f.words = wordsOf(r)
	for _, n := range names {
		f.Values.Set(n, r.FormValue(n))
	}
	return f
}
