package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestAdminPages: an admin finds a colleague, promotes them, deactivates them (after a
// confirmation) and reads the audit log; a member cannot open these pages.
func TestAdminPages(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	ada := app.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin)
	bo := app.AddMember(t, "bo@example.com", "Bo Colleague", "", carpool.RoleMember)

	member := newBrowser(t, app)
	member.signInAs(bo)
	for _, path := range []string{"/admin/members", "/admin/audit"} {
		if res, _ := member.get(path); res.StatusCode != http.StatusForbidden {
			t.Errorf("member GET %s: got %d, want 403", path, res.StatusCode)
		}
	}

	admin := newBrowser(t, app)
	admin.signInAs(ada)
	for _, path := range []string{"/admin/members", "/admin/members?q=bo&all=1", "/admin/audit", "/profile"} {
		res, body := admin.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d:\n%s", path, res.StatusCode, body)
		}
		checkPage(t, path, body)
	}
	_, body := admin.get("/admin/members?q=bo")
	if !strings.Contains(body, "bo@example.com") || strings.Contains(body, "ada@example.com") {
		t.Errorf("search for bo: want Bo only:\n%s", body)
	}

	csrf := admin.csrf("/admin/members")
	res, body := admin.post("/admin/members/"+bo.ID+"/role", url.Values{"csrf": {csrf}, "role": {"fleet_manager"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role: got %d:\n%s", res.StatusCode, body)
	}
	if m, _ := app.Store.Member(ctx, bo.ID); m.Role != carpool.RoleFleetManager {
		t.Errorf("role after the form: got %s, want fleet_manager", m.Role)
	}
	res, body = admin.post("/admin/members/"+ada.ID+"/role", url.Values{"csrf": {csrf}, "role": {"member"}}, nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "last admin") {
		t.Errorf("demote the last admin: got %d, want 409 saying why:\n%s", res.StatusCode, body)
	}

	res, body = admin.post("/admin/members/"+bo.ID+"/deactivate", url.Values{"csrf": {csrf}}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "signed out everywhere") {
		t.Fatalf("deactivate: want a confirmation page first, got %d:\n%s", res.StatusCode, body)
	}
	if m, _ := app.Store.Member(ctx, bo.ID); !m.Active() {
		t.Fatalf("deactivated before the confirmation")
	}
	res, _ = admin.post("/admin/members/"+bo.ID+"/deactivate", url.Values{"csrf": {csrf}, "confirmed": {"yes"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed deactivation: got %d", res.StatusCode)
	}
	if res, _ := member.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the deactivated member's session still works: got %d, want 303 to the sign-in page", res.StatusCode)
	}

	_, body = admin.get("/admin/audit")
	for _, want := range []string{carpool.AuditRoleChanged, carpool.AuditMemberDeactivated, "Ada Admin"} {
		if !strings.Contains(body, want) {
			t.Errorf("audit page: want %q:\n%s", want, body)
		}
	}
}

// TestProfilePage: a member changes their phone, is told about a bad one beside the
// field, and changes their password, which ends their other sessions.
func TestProfilePage(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	pat := app.AddMember(t, "pat@example.com", "Pat", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(pat)
	other := newBrowser(t, app)
	other.signInAs(pat)

	csrf := b.csrf("/profile")
	res, body := b.post("/profile", url.Values{"csrf": {csrf}, "name": {"Pat"}, "phone": {"call me maybe"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="phone-error"`) {
		t.Errorf("bad phone: got %d, want 422 with the error beside the phone:\n%s", res.StatusCode, body)
	}
	res, _ = b.post("/profile", url.Values{"csrf": {csrf}, "name": {"Pat Passenger"}, "phone": {"+49 170 1234567"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save profile: got %d", res.StatusCode)
	}
	if m, _ := app.Store.Member(ctx, pat.ID); m.Name != "Pat Passenger" || m.Phone != "+49 170 1234567" {
		t.Errorf("profile saved: got %q %q", m.Name, m.Phone)
	}
	res, body = b.post("/profile/password", url.Values{"csrf": {csrf}, "current_password": {"not it at all"}, "password": {"a new long password"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "current password is wrong") {
		t.Errorf("wrong current password: got %d:\n%s", res.StatusCode, body)
	}
	res, _ = b.post("/profile/password", url.Values{"csrf": {csrf}, "current_password": {webtest.Password}, "password": {"a new long password"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: got %d", res.StatusCode)
	}
	if res, _ := other.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session survived the password change: got %d", res.StatusCode)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("this session ended with the password change: got %d", res.StatusCode)
	}
}

// TestDeleteMyAccount: the profile page offers the data download and deletes the account
// only after a confirmation and the right password.
func TestDeleteMyAccount(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	pat := app.AddMember(t, "pat@example.com", "Pat", "", carpool.RoleMember)
	b := newBrowser(t, app)
	b.signInAs(pat)

	res, body := b.get("/profile/export")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"email": "pat@example.com"`) ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export: got %d %q:\n%s", res.StatusCode, res.Header.Get("Content-Disposition"), body)
	}

	csrf := b.csrf("/profile")
	res, body = b.post("/profile/erase", url.Values{"csrf": {csrf}, "password": {webtest.Password}}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "cannot be undone") {
		t.Fatalf("erase: want a confirmation first, got %d:\n%s", res.StatusCode, body)
	}
	res, body = b.post("/profile/erase", url.Values{"csrf": {csrf}, "password": {"not my password"}, "confirmed": {"yes"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "password is wrong") {
		t.Errorf("wrong password: got %d:\n%s", res.StatusCode, body)
	}
	if m, _ := app.Store.Member(ctx, pat.ID); m.Name != "Pat" {
		t.Fatalf("erased with a wrong password")
	}
	res, _ = b.post("/profile/erase", url.Values{"csrf": {csrf}, "password": {webtest.Password}, "confirmed": {"yes"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed erase: got %d", res.StatusCode)
	}
	if m, _ := app.Store.Member(ctx, pat.ID); m.Name != carpool.ErasedName || m.Email == "pat@example.com" {
		t.Errorf("after erasure: got %q %q", m.Name, m.Email)
	}
}

// TestSiteLocationIsPicked: a site's location comes from the place picker (a pin or an
// address result), never from typed coordinates; a missing or impossible one is an
// error beside the field, and editing keeps the stored location.
func TestSiteLocationIsPicked(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	b := newBrowser(t, app)
	b.signInAs(fm)
	csrf := b.csrf("/fleet")
	for _, tc := range []struct{ name, location, want string }{
		{"none", "", "drop a pin on the map"},
		{"off the map", "at:95,11.5|Nowhere", "outside the map"},
		{"typed", "48.1,11.5", "choose a place from the list"},
	} {
		res, body := b.post("/fleet/sites", url.Values{"csrf": {csrf}, "name": {"HQ"}, "address": {"Main St 1"}, "location": {tc.location}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="location-error"`) || !strings.Contains(body, tc.want) {
			t.Errorf("%s: got %d, want 422 saying %q beside the location:\n%s", tc.name, res.StatusCode, tc.want, body)
		}
	}
	res, _ := b.post("/fleet/sites", url.Values{"csrf": {csrf}, "name": {"HQ"}, "address": {"Main St 1"}, "location": {"at:48.137,11.575|Marienplatz"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create site: got %d, want 303", res.StatusCode)
	}
	sites, _, err := app.Store.Sites(ctx, carpool.Page{Limit: 10})
	if err != nil || len(sites) != 1 || sites[0].Lat != 48.137 || sites[0].Lon != 11.575 {
		t.Fatalf("stored site: got %+v, %v", sites, err)
	}
	_, body := b.get("/fleet/sites/" + sites[0].ID)
	if !strings.Contains(body, `value="at:48.137000,11.575000|HQ" class="pin-option"`) {
		t.Errorf("edit form does not hold the stored location:\n%s", body)
	}
}

// TestFleetSeesWhoHoldsACar: on a pool car's page a fleet manager sees who holds each
// reservation with their contact details; another member sees only that it is taken.
func TestFleetSeesWhoHoldsACar(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	fm := app.AddMember(t, "fm@example.com", "Fran Fleet", "", carpool.RoleFleetManager)
	holder := app.AddMember(t, "hal@example.com", "Hal Holder", "+49 170 7654321", carpool.RoleMember)
	other := app.AddMember(t, "otto@example.com", "Otto Other", "", carpool.RoleMember)
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5, Version: 1}
	mustDo(t, app.Store.CreateSite(ctx, site))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: "M H 1", Make: "VW", Model: "Golf", Seats: 5,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, app.Store.CreateCar(ctx, car))
	start := time.Now().Add(2 * time.Hour).Truncate(time.Hour)
	_, err := storetest.NewFlows(app.Store).CreateReservation(ctx, car.ID, holder, carpool.ReservationTrip, start, start.Add(time.Hour))
	mustDo(t, err)
	day := "?view=day&date=" + start.UTC().Format("2006-01-02")

	manager := newBrowser(t, app)
	manager.signInAs(fm)
	if _, body := manager.get("/cars/" + car.ID + day); !strings.Contains(body, "Hal Holder") || !strings.Contains(body, "tel:&#43;49%20170%207654321") {
		t.Errorf("fleet manager: want the holder's name and phone:\n%s", body)
	}
	member := newBrowser(t, app)
	member.signInAs(other)
	if _, body := member.get("/cars/" + car.ID + day); strings.Contains(body, "Hal Holder") || !strings.Contains(body, "Reserved") {
		t.Errorf("member: want the slot shown as reserved without the holder:\n%s", body)
	}
}
