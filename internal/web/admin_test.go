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
