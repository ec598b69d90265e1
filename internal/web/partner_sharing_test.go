package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// TestPartnerSharingForms: the profile turns sharing with partner apps on and off; the
// offer and commute forms offer the three choices (naming what the profile says now) and
// store the one picked; a forged value is refused beside the field; on both engines.
func TestPartnerSharingForms(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			app := webtest.Start(t, webtest.Options{Postgres: pg})
			ctx := context.Background()
			m := app.AddMember(t, "sam@example.com", "Sam Share", "", carpool.RoleMember)
			car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: m.ID, Plate: "M S 1", Make: "VW", Model: "Golf", Seats: 5}
			mustDo(t, car.Validate())
			mustDo(t, app.Store.CreateCar(ctx, car))
			b := newBrowser(t, app)
			b.signInAs(m)

			// The profile: off until chosen; on, then off again.
			_, body := b.get("/profile")
			if !strings.Contains(body, `id="share-off" name="share_with_partners" value="off" checked`) {
				t.Fatalf("profile: want sharing off and shown as such:\n%s", body)
			}
			for _, choice := range []string{"on", "off", "on"} {
				res, body := b.post("/profile", url.Values{"csrf": {b.csrf("/profile")}, "name": {"Sam Share"}, "phone": {""},
					"share_with_partners": {choice}}, nil)
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("save sharing %s: %d\n%s", choice, res.StatusCode, body)
				}
				got, err := app.Store.Member(ctx, m.ID)
				if err != nil || got.ShareWithPartners != (choice == "on") {
					t.Fatalf("after %s: stored %v (%v)", choice, got.ShareWithPartners, err)
				}
			}
			// The form that sends an e-mail link again holds no choice: it changes none.
			if res, _ := b.post("/profile", url.Values{"csrf": {b.csrf("/profile")}, "name": {"Sam Share"}, "phone": {""}}, nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save without the choice: %d", res.StatusCode)
			}
			if got, _ := app.Store.Member(ctx, m.ID); !got.ShareWithPartners {
				t.Error("a form without the choice turned sharing off")
			}
			res, body := b.post("/profile", url.Values{"csrf": {b.csrf("/profile")}, "name": {"Sam Share"}, "share_with_partners": {"maybe"}}, nil)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="share_with_partners-error"`) {
				t.Errorf("forged choice: %d, want 422 beside the choice:\n%s", res.StatusCode, body)
			}

			// The offer form: three choices, the profile's named, "profile" preselected.
			_, body = b.get("/rides/new")
			for _, want := range []string{`id="partners-profile" name="partners" value="profile" checked`, "As my profile says (now: shared)",
				`id="partners-on"`, `id="partners-off"`} {
				if !strings.Contains(body, want) {
					t.Errorf("offer form lacks %q", want)
				}
			}
			offer := func(choice string) (*http.Response, string) {
				v := url.Values{"csrf": {b.csrf("/rides/new")}, "source": {"car:" + car.ID},
					"from": {"at:48.1,11.5|Home"}, "to": {"at:48.2,11.6|Office"},
					"depart": {time.Now().Add(72 * time.Hour).UTC().Format("2006-01-02T15:04")}, "seats": {"2"}, "mode": {"instant"}}
				if choice != "" {
					v.Set("partners", choice)
				}
				return b.post("/rides", v, nil)
			}
			for choice, want := range map[string]carpool.PartnerSharing{"off": carpool.SharingOff, "on": carpool.SharingOn,
				"profile": carpool.SharingProfile, "": carpool.SharingProfile} {
				res, body := offer(choice)
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("offer with %q: %d\n%s", choice, res.StatusCode, body)
				}
				id := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/rides/")
				if r, err := app.Store.Ride(ctx, id); err != nil || r.Sharing != want {
					t.Errorf("offer with %q: stored %q (%v), want %q", choice, r.Sharing, err, want)
				}
			}
			if res, body := offer("everyone"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="partners-error"`) {
				t.Errorf("forged offer choice: %d, want 422 beside the choice", res.StatusCode)
			}

			// The commute form, in German for once: the choice and its words are there.
			_, body = b.getIn("/commutes/new", "de")
			if !strings.Contains(body, "Wie in meinem Profil (derzeit: geteilt)") || !strings.Contains(body, "Nur im Unternehmen zeigen") {
				t.Errorf("German commute form lacks the sharing choice:\n%s", body)
			}
			tomorrow := carpool.DateOf(time.Now().UTC()).AddDays(1)
			res, body = b.post("/commutes", url.Values{"csrf": {b.csrf("/commutes/new")}, "car_id": {car.ID},
				"from": {"at:48.1,11.5|Home"}, "to": {"at:48.2,11.6|Office"}, "weekdays": {"mon", "wed"}, "depart_time": {"07:30"},
				"time_zone": {"UTC"}, "seats": {"2"}, "mode": {"instant"}, "starts_on": {tomorrow.String()}, "partners": {"off"}}, nil)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("offer commute: %d\n%s", res.StatusCode, body)
			}
			id := strings.TrimPrefix(strings.Split(res.Header.Get("Location"), "?")[0], "/commutes/")
			if sr, err := app.Store.Series(ctx, id); err != nil || sr.Sharing != carpool.SharingOff {
				t.Errorf("commute: stored %q (%v), want off", sr.Sharing, err)
			}
		})
	}
}
