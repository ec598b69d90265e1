package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// TestTypedCoordinates: without a geocoder and without a map, a fleet manager makes a
// site and a member saves a place from coordinates typed in the labelled fallback field,
// with decimal points or the German commas; what is no pair of coordinates, or lies off
// the globe, is refused beside that field.
func TestTypedCoordinates(t *testing.T) {
	a := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fm := a.AddMember(t, "fm@example.com", "Fran", "", carpool.RoleFleetManager)
	b := newBrowser(t, a)
	b.signInAs(fm)
	_, page := b.get("/fleet")
	if !strings.Contains(page, `<label for="location_coords">`) {
		t.Fatalf("site form: no labelled coordinates field:\n%s", page)
	}
	site := func(coords string) (*http.Response, string) {
		return b.post("/fleet/sites", url.Values{"csrf": {b.csrf("/fleet")}, "name": {"Potsdam"}, "address": {"Bahnhofstraße 1"},
			"location": {""}, "location_coords": {coords}, "time_zone": {""}}, nil)
	}
	for _, bad := range []struct{ coords, want string }{
		{"somewhere", "Type latitude and longitude"},
		{"52.5", "Type latitude and longitude"},
		{"52,3917", "Type latitude and longitude"}, // a German decimal comma: one number, not 52 and 3917
		{"52,39", "Type latitude and longitude"},   // nor 52 and 39, somewhere in Russia
		{"95.0, 13.4", "outside"},
	} {
		res, body := site(bad.coords)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="location_coords-error"`) || !strings.Contains(body, bad.want) {
			t.Errorf("coordinates %q: got %d, want 422 beside the coordinates saying %q:\n%s", bad.coords, res.StatusCode, bad.want, body)
		}
	}
	if res, body := site("52,3910; 13,0660"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("site from German coordinates: got %d:\n%s", res.StatusCode, body)
	}
	sites, _, err := a.Store.Sites(ctx, carpool.Page{})
	if err != nil || len(sites) != 1 || sites[0].Lat != 52.391 || sites[0].Lon != 13.066 {
		t.Fatalf("sites: got %+v %v, want one at 52.391, 13.066", sites, err)
	}

	res, body := b.post("/places", url.Values{"csrf": {b.csrf("/places")}, "name": {"Office"}, "place": {""}, "place_coords": {"52.5200, 13.4050"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("place from coordinates: got %d:\n%s", res.StatusCode, body)
	}
	places, err := a.Store.Places(ctx, fm.ID)
	if err != nil || len(places) != 1 || places[0].Lat != 52.52 || places[0].Lon != 13.405 || places[0].Address != "" {
		t.Fatalf("places: got %+v %v, want Office at 52.52, 13.405 with no address (a pin's label is no address)", places, err)
	}
}
