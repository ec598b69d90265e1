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
