package browser_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// TestAdminPromotesAMember: an admin finds a colleague on the members page and makes them
// fleet manager; the colleague then sees the fleet pages.
func TestAdminPromotesAMember(t *testing.T) {
	browser := startBrowser(t, 2*time.Minute)
	dir := screenDir(t)
	app := webtest.Start(t, webtest.Options{})
	app.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin)
	bo := app.AddMember(t, "bo@example.com", "Bo Colleague", "", carpool.RoleMember)

	admin := newPerson(t, browser, app.URL, "admin").in(t)
	admin.signIn("ada@example.com", webtest.Password)
	admin.open("/admin/members?q=bo")
	admin.wantText("#members", "Bo Colleague")
	admin.fill("role-"+bo.ID, "fleet_manager")
	admin.submitOK(`form[action="/admin/members/` + bo.ID + `/role"] button[type="submit"]`)
	admin.wantText(".flash", "Role changed")
	admin.screenshot(dir, "admin-promoted")
	if m, err := app.Store.Member(context.Background(), bo.ID); err != nil || m.Role != carpool.RoleFleetManager {
		t.Fatalf("Bo after the promotion: got %+v, %v; want fleet manager", m, err)
	}

	colleague := newPerson(t, browser, app.URL, "Bo").in(t)
	colleague.signIn("bo@example.com", webtest.Password)
	colleague.open("/fleet")
	colleague.wantText("h1", "Fleet")
}
