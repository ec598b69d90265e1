package httpapi_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
)

func TestNotificationInbox(t *testing.T) {
	e := newEnv(t, envOptions{})
	driver := e.member(t, "Dana Driver", carpool.RoleMember)
	rider := e.member(t, "Rico Rider", carpool.RoleMember)
	ride := e.ride(t, driver, 2, "approval")
	e.book(t, rider, str(ride["id"]), 1, false).want(t, 201)
	e.book(t, e.member(t, "Pia Passenger", carpool.RoleMember), str(ride["id"]), 1, false).want(t, 201)
	relay := notify.New(e.store, notify.Options{})
	if _, err := relay.FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}

	var page struct {
		Items []struct {
			ID, Kind, Title, Body, Link string
			Read                        bool
		}
		NextCursor string `json:"next_cursor"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/notifications?limit=1", token: driver.token}).want(t, 200).decode(t, &page)
	if len(page.Items) != 1 || page.NextCursor == "" || page.Items[0].Kind != carpool.EventBookingRequested ||
		!strings.Contains(page.Items[0].Body, "Pia Passenger") || page.Items[0].Link != "/rides/"+str(ride["id"]) {
		t.Fatalf("first page: got %+v, want Pia's request (the newest) and a cursor", page)
	}
	first := page.Items[0].ID
	cursor := page.NextCursor
	page.Items, page.NextCursor = nil, ""
	e.do(t, call{method: "GET", path: "/api/v1/notifications?limit=1&cursor=" + cursor, token: driver.token}).want(t, 200).decode(t, &page)
	if len(page.Items) != 1 || !strings.Contains(page.Items[0].Body, "Rico Rider") || page.NextCursor != "" {
		t.Fatalf("second page: got %+v, want Rico's request and no cursor", page)
	}
	e.do(t, call{method: "GET", path: "/api/v1/notifications?limit=500", token: driver.token, invalid: true}).problem(t, 422, carpool.EINVALID, "limit")

	unread := func(m member) float64 {
		return e.do(t, call{method: "GET", path: "/api/v1/notifications/unread", token: m.token}).want(t, 200).object(t)["unread"].(float64)
	}
	if got := unread(driver); got != 2 {
		t.Fatalf("unread: got %v, want 2", got)
	}
	e.do(t, call{method: "POST", path: "/api/v1/notifications/" + first + "/read", token: driver.token}).want(t, 204)
	if got := unread(driver); got != 1 {
		t.Fatalf("unread after reading one: got %v, want 1", got)
	}
	// Someone else's notification does not exist for the caller.
	e.do(t, call{method: "POST", path: "/api/v1/notifications/" + first + "/read", token: rider.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "POST", path: "/api/v1/notifications/read-all", token: driver.token}).want(t, 204)
	if got := unread(driver); got != 0 {
		t.Fatalf("unread after reading all: got %v, want 0", got)
	}
}

func TestNotificationPreferences(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.member(t, "Rico Rider", carpool.RoleMember)
	var prefs struct{ Email []string }
	e.do(t, call{method: "GET", path: "/api/v1/notifications/preferences", token: m.token}).want(t, 200).decode(t, &prefs)
	want := slices.Sorted(slices.Values(carpool.MailedByDefault))
	if !slices.Equal(prefs.Email, want) || slices.Contains(prefs.Email, carpool.EventRideReminder) {
		t.Fatalf("default: got %v, want what needs action or changes plans, %v", prefs.Email, want)
	}
	e.do(t, call{method: "PUT", path: "/api/v1/notifications/preferences", token: m.token,
		body: map[string]any{"email": []string{"booking.confirmed", "ride.reminder"}}}).want(t, 200).decode(t, &prefs)
	if strings.Join(prefs.Email, ",") != "booking.confirmed,ride.reminder" {
		t.Fatalf("after choosing: got %v", prefs.Email)
	}
	e.do(t, call{method: "GET", path: "/api/v1/notifications/preferences", token: m.token}).want(t, 200).decode(t, &prefs)
	if strings.Join(prefs.Email, ",") != "booking.confirmed,ride.reminder" {
		t.Fatalf("read back: got %v, want the defaults left out to stay out", prefs.Email)
	}
	e.do(t, call{method: "PUT", path: "/api/v1/notifications/preferences", token: m.token,
		body: map[string]any{"email": []string{}}}).want(t, 200).decode(t, &prefs)
	if len(prefs.Email) != 0 {
		t.Fatalf("after choosing none: got %v, want inbox only", prefs.Email)
	}
	e.do(t, call{method: "PUT", path: "/api/v1/notifications/preferences", token: m.token, invalid: true,
		body: map[string]any{"email": []string{"booking.teleported"}}}).problem(t, 422, carpool.EINVALID, "email")
}

func TestWebhookAdministration(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	m := e.member(t, "Rico Rider", carpool.RoleMember)
	body := map[string]any{"url": "https://hooks.example.com/carpool", "events": []string{"booking.confirmed"}}

	e.do(t, call{method: "POST", path: "/api/v1/webhooks", token: m.token, body: body}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: "/api/v1/webhooks", token: m.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: "/api/v1/deliveries", token: m.token}).problem(t, 403, carpool.EFORBIDDEN, "")

	for _, bad := range []string{"ftp://hooks.example.com/x", "http://127.0.0.1:9090/metrics"} {
		e.do(t, call{method: "POST", path: "/api/v1/webhooks", token: admin.token, body: map[string]any{"url": bad}}).
			problem(t, 422, carpool.EINVALID, "url")
	}
	created := e.do(t, call{method: "POST", path: "/api/v1/webhooks", token: admin.token, body: body}).want(t, 201).object(t)
	if !strings.HasPrefix(str(created["secret"]), "whsec_") || created["enabled"] != true {
		t.Fatalf("created: got %v, want an enabled webhook with a whsec_ secret", created)
	}
	id := str(created["id"])
	list := e.do(t, call{method: "GET", path: "/api/v1/webhooks", token: admin.token}).want(t, 200).object(t)
	items := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["secret"] != nil {
		t.Fatalf("list: got %v, want the webhook without its secret", list)
	}
	e.do(t, call{method: "POST", path: "/api/v1/webhooks/" + id + "/enable", token: admin.token}).want(t, 204)
	e.do(t, call{method: "DELETE", path: "/api/v1/webhooks/" + id, token: m.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "DELETE", path: "/api/v1/webhooks/" + id, token: admin.token}).want(t, 204)
}

func TestDeadDeliveriesRetried(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	ctx := context.Background()
	// A mail delivery for the admin's sign-up-less event, sent once and refused for good.
	_, err := storetest.NewFlows(e.store).CreateReservation(ctx, str(e.poolCar(t, admin, str(e.site(t, admin)["id"]), 4)["id"]), admin.Member,
		carpool.ReservationTrip, future(time.Hour), future(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.store.FanOutEvents(ctx, 100, func(_ context.Context, ev carpool.Event) (carpool.Fanout, error) {
		return carpool.Fanout{Deliveries: []carpool.Delivery{{ID: carpool.NewID(), EventID: ev.ID, Channel: carpool.ChannelEmail,
			Recipient: admin.ID, Payload: []byte(`{}`), EventCreatedAt: ev.CreatedAt}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := e.store.ClaimDeliveries(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim: %v %v", ds, err)
	}
	if err := e.store.FinishDelivery(ctx, ds[0], errors.New("550 mailbox unavailable"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []struct {
			ID        string
			LastError string `json:"last_error"`
		}
	}
	e.do(t, call{method: "GET", path: "/api/v1/deliveries", token: admin.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].LastError != "550 mailbox unavailable" {
		t.Fatalf("dead deliveries: got %+v", list)
	}
	e.do(t, call{method: "POST", path: "/api/v1/deliveries/" + list.Items[0].ID + "/retry", token: admin.token}).want(t, 204)
	e.do(t, call{method: "GET", path: "/api/v1/deliveries", token: admin.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("dead deliveries after the retry: got %+v, want none", list)
	}
}

func TestCalendarURL(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.member(t, "Rico Rider", carpool.RoleMember)
	u := str(e.do(t, call{method: "POST", path: "/api/v1/calendar", token: m.token}).want(t, 201).object(t)["url"])
	if !strings.HasPrefix(u, "http://localhost:8080/calendar/") || !strings.HasSuffix(u, ".ics") {
		t.Fatalf("calendar URL: got %q", u)
	}
	e.do(t, call{method: "DELETE", path: "/api/v1/calendar", token: m.token}).want(t, 204)
}

// TestPreferenceKindsMatchTheSpec: the kinds a member may ask to get by e-mail are the
// relay's, no more and no fewer than the description's enum.
func TestPreferenceKindsMatchTheSpec(t *testing.T) {
	doc := loadSpec(t)
	schema := doc.Components.Schemas["NotificationPreferences"].Value.Properties["email"].Value.Items.Value
	var spec []string
	for _, v := range schema.Enum {
		spec = append(spec, v.(string))
	}
	if !slices.Equal(spec, carpool.NotificationKinds) {
		t.Errorf("openapi.yaml NotificationPreferences.email: got %v, want carpool.NotificationKinds %v", spec, carpool.NotificationKinds)
	}
}
