package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
	"carpool/internal/notify"
)

// TestNotificationsInReadersZoneAndLanguage: a member who set time_zone Europe/Berlin and
// language de on /me reads their notifications in German, with the times on their own
// clock and no "UTC"; on both engines.
func TestNotificationsInReadersZoneAndLanguage(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			e := engine.env(t, envOptions{})
			driver := e.member(t, "Dana Driver", carpool.RoleMember)
			rider := e.member(t, "Rico Rider", carpool.RoleMember)
			e.do(t, call{method: "PATCH", path: "/api/v1/me", token: driver.token,
				body: map[string]string{"language": "de", "time_zone": "Europe/Berlin"}}).want(t, 200)
			ride := e.ride(t, driver, 2, "approval")
			e.book(t, rider, str(ride["id"]), 1, false).want(t, 201)
			if _, err := notify.New(e.store, notify.Options{}).FanOut(context.Background()); err != nil {
				t.Fatal(err)
			}
			var page struct {
				Items []struct{ Kind, Title, Body, Language string }
			}
			e.do(t, call{method: "GET", path: "/api/v1/notifications", token: driver.token}).want(t, 200).decode(t, &page)
			depart, err := time.Parse(time.RFC3339, str(ride["depart_at"]))
			if err != nil {
				t.Fatal(err)
			}
			local := locale.ForCode("de", locale.Default).When(depart.In(berlin))
			if len(page.Items) != 1 || page.Items[0].Title != "Neue Platzanfrage" || page.Items[0].Language != "de" || !strings.Contains(page.Items[0].Body, local) {
				t.Fatalf("driver's inbox: got %+v, want a German request naming %q", page.Items, local)
			}
			if strings.Contains(page.Items[0].Body, "UTC") {
				t.Errorf("driver's inbox says UTC: %q", page.Items[0].Body)
			}
		})
	}
}
