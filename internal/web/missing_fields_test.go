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

// TestFormShowsMissingWithOtherWrongFields: a form that lacks a required value (a place
// not picked, seats that are no number) shows that error together with the errors of
// the other inputs, not alone.
func TestFormShowsMissingWithOtherWrongFields(t *testing.T) {
	a := webtest.Start(t, webtest.Options{})
	admin := a.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin)
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5}
	mustDo(t, site.Validate())
	mustDo(t, a.Store.CreateSite(context.Background(), site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: admin.ID, Plate: "M A 9", Make: "VW", Model: "Golf", Seats: 5}
	mustDo(t, car.Validate())
	mustDo(t, a.Store.CreateCar(context.Background(), car))
	b := newBrowser(t, a)
	b.signInAs(admin)
	cases := []struct {
		page, action string
		form         url.Values
		want         []string
	}{
		{"/fleet", "/fleet/sites", url.Values{"name": {" "}, "address": {"Ann\a"}, "location": {""}}, []string{"name", "address", "location"}},
		{"/places", "/places", url.Values{"name": {" "}, "place": {""}}, []string{"name", "place"}},
		{"/mycars", "/mycars", url.Values{"plate": {"M A 1"}, "make": {""}, "model": {"Golf"}, "seats": {"many"}}, []string{"make", "seats"}},
		{"/fleet", "/fleet/cars", url.Values{"site_id": {site.ID}, "plate": {"?"}, "make": {"VW"}, "model": {"Passat"}, "seats": {"many"}}, []string{"plate", "seats"}},
		// No place picked, no car chosen: the departure in the past and the notes with a
		// control character are named in the same answer.
		{"/rides/new", "/rides", url.Values{"source": {""}, "from": {""}, "to": {""}, "depart": {"2020-01-06T07:30"},
			"seats": {"1"}, "mode": {"instant"}, "notes": {"ring\a"}}, []string{"source", "from", "to", "depart", "notes"}},
		{"/commutes/new", "/commutes", url.Values{"car_id": {""}, "from": {""}, "to": {""}, "weekdays": {"mon"},
			"depart_time": {"07:30"}, "time_zone": {"Mars/Olympus"}, "seats": {"1"}, "mode": {"instant"},
			"starts_on": {"2020-01-06"}, "notes": {"ring\a"}}, []string{"car_id", "from", "to", "time_zone", "starts_on", "notes"}},
	}
	for _, tc := range cases {
		tc.form.Set("csrf", b.csrf(tc.page))
		res, body := b.post(tc.action, tc.form, nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: got %d, want 422:\n%s", tc.action, res.StatusCode, body)
			continue
		}
		for _, field := range tc.want {
			if !strings.Contains(body, `id="`+field+`-error"`) {
				t.Errorf("POST %s: no error beside %s", tc.action, field)
			}
		}
	}
}
