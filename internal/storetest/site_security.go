package storetest

import (
	"testing"

	"carpool/internal/carpool"
)

// testSiteSecurity: a member may hold the site_security role, given like any other role
// by an admin, and the schema still refuses a role nobody knows.
func testSiteSecurity(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	admin := e.member(carpool.RoleAdmin)

	t.Run("created with the role", func(t *testing.T) {
		guard := e.member(carpool.RoleSiteSecurity)
		got, err := e.s.Member(e.ctx, guard.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Role != carpool.RoleSiteSecurity {
			t.Fatalf("role: got %q, want %q", got.Role, carpool.RoleSiteSecurity)
		}
	})
	t.Run("an admin gives and takes the role", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		got, err := e.f.SetRole(e.ctx, m.ID, carpool.RoleSiteSecurity, admin)
		if err != nil {
			t.Fatal(err)
		}
		if got.Role != carpool.RoleSiteSecurity {
			t.Fatalf("role after the change: got %q, want %q", got.Role, carpool.RoleSiteSecurity)
		}
		if stored, _ := e.s.Member(e.ctx, m.ID); stored.Role != carpool.RoleSiteSecurity {
			t.Fatalf("stored role: got %q, want %q", stored.Role, carpool.RoleSiteSecurity)
		}
		if got, err = e.f.SetRole(e.ctx, m.ID, carpool.RoleMember, admin); err != nil || got.Role != carpool.RoleMember {
			t.Fatalf("back to member: got %q, %v", got.Role, err)
		}
	})
	t.Run("the schema refuses an unknown role", func(t *testing.T) {
		db := e.raw()
		m := e.member(carpool.RoleMember)
		if _, err := db.ExecContext(e.ctx, `UPDATE members SET role = 'site_security' WHERE id = $1`, m.ID); err != nil {
			t.Fatalf("site_security refused: %v", err)
		}
		if _, err := db.ExecContext(e.ctx, `UPDATE members SET role = 'gatekeeper' WHERE id = $1`, m.ID); err == nil {
			t.Fatal("the database accepted the role gatekeeper")
		}
	})
}
