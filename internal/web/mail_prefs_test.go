package web_test

import (
	"carpool/internal/storetest"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/web/webtest"
)

// TestMailChoicesOnlyWithMail: the notification settings offer e-mail only where the
// installation sends it, and then tick by default what needs the member's action or
// changes their plans.
func TestMailChoicesOnlyWithMail(t *testing.T) {
	checkbox := func(page, kind string) (shown, ticked bool) {
		m := regexp.MustCompile(`<input type="checkbox" id="email-` + regexp.QuoteMeta(kind) + `"[^>]*>`).FindString(page)
		return m != "", strings.Contains(m, " checked")
	}
	t.Run("mail off", func(t *testing.T) {
		a := webtest.Start(t, webtest.Options{})
		b := newBrowser(t, a)
		b.signInAs(a.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember))
		_, page := b.get("/notifications/preferences")
		checkPage(t, "/notifications/preferences", page)
		if shown, _ := checkbox(page, carpool.EventBookingRequested); shown || !strings.Contains(page, `id="mail-off"`) {
			t.Fatalf("without mail: want no e-mail choice and a word that none is sent:\n%s", page)
		}
	})
	t.Run("mail on", func(t *testing.T) {
		a := webtest.Start(t, webtest.Options{Mailer: func(string) app.Mailer { return &outbox{} }})
		b := newBrowser(t, a)
		b.signInAs(a.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember))
		_, page := b.get("/notifications/preferences")
		checkPage(t, "/notifications/preferences", page)
		for _, k := range carpool.NotificationKinds {
			shown, ticked := checkbox(page, k)
			if want := slices.Contains(carpool.MailedByDefault, k); !shown || ticked != want {
				t.Errorf("%s: shown %v ticked %v, want shown and ticked %v", k, shown, ticked, want)
			}
		}
		if strings.Contains(page, `id="mail-off"`) {
			t.Errorf("with mail the page says none is sent")
		}
	})
}

// TestInboxMarksTextsInAnotherLanguage: a notification written in German, read on a page
// in English after the member changed their language, carries lang="de" so screen
// readers pronounce it right; one in the page's language carries none.
func TestInboxMarksTextsInAnotherLanguage(t *testing.T) {
	a := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	driver := a.AddMember(t, "dana@example.com", "Dana", "", carpool.RoleMember)
	rider := a.AddMember(t, "rico@example.com", "Rico", "", carpool.RoleMember)
	setLanguage := func(code string) {
		t.Helper()
		if _, err := storetest.NewFlows(a.Store).ChangeMember(ctx, driver.ID, func(m *carpool.Member) error { m.Language = code; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	ride := offerRide(t, a, driver)
	relay := notify.New(a.Store, notify.Options{})
	setLanguage("de")
	bk, err := storetest.NewFlows(a.Store).BookSeats(ctx, ride.ID, rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := relay.FanOut(ctx); err != nil {
		t.Fatal(err)
	}
	setLanguage("en")
	if _, err := storetest.NewFlows(a.Store).CancelBooking(ctx, bk.ID, rider); err != nil {
		t.Fatal(err)
	}
	if _, err := relay.FanOut(ctx); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a)
	b.signInAs(driver)
	_, page := b.get("/notifications")
	checkPage(t, "/notifications", page)
	items := regexp.MustCompile(`(?s)<li class="[^"]*"( lang="[a-z]+")?>\s*<span class="title">([^<]+)</span>`).FindAllStringSubmatch(page, -1)
	got := map[string]string{}
	for _, m := range items {
		got[m[2]] = m[1]
	}
	if got["Neue Platzanfrage"] != ` lang="de"` || got["Booking cancelled"] != "" || len(got) != 2 {
		t.Fatalf("inbox items and their lang: got %q\n%s", got, page)
	}
}
