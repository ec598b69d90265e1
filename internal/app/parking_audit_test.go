package app_test

import (
	"testing"

	"carpool/internal/carpool"
)

// TestParkingSpaceChangesAreAudited: adding, renaming and retiring a site's parking space
// each leave an entry whose action names the change and whose detail is only the space's
// label, so the audit page can say the change in the reader's language.
func TestParkingSpaceChangesAreAudited(t *testing.T) {
	f := newApp(t)
	admin := f.member(carpool.RoleAdmin)
	site := f.site("HQ")
	space, err := f.app.AddParkingSpace(f.ctx, f.fm, site.ID, "P1")
	mustDo(t, err)
	space, err = f.app.RenameParkingSpace(f.ctx, f.fm, space.ID, space.Version, "P2")
	mustDo(t, err)
	_, err = f.app.RetireParkingSpace(f.ctx, f.fm, space.ID)
	mustDo(t, err)

	entries, _, err := f.app.AuditLog(f.ctx, admin, carpool.AuditFilter{SubjectID: site.ID, Action: "site.parking_space"}, carpool.Page{})
	mustDo(t, err)
	got := map[string]string{}
	for _, e := range entries {
		got[e.Action] = e.Detail
		if e.ActorID != f.fm.ID || e.SubjectType != "site" {
			t.Errorf("%s: got actor %s on %s, want the fleet manager on the site", e.Action, e.ActorID, e.SubjectType)
		}
	}
	want := map[string]string{carpool.AuditParkingSpaceAdded: "P1", carpool.AuditParkingSpaceRenamed: "P2", carpool.AuditParkingSpaceRetired: "P2"}
	if len(got) != len(want) {
		t.Errorf("audit entries: got %v, want %v", got, want)
	}
	for action, detail := range want {
		if got[action] != detail {
			t.Errorf("%s: got detail %q, want %q", action, got[action], detail)
		}
	}
}
