package carpool_test

import (
	"testing"

	"carpool/internal/carpool"
)

// TestSiteSecurityReach: site security reaches the parking list and its own session and
// nothing else; every other role reaches everything, and reads the list only when it
// manages the fleet.
func TestSiteSecurityReach(t *testing.T) {
	cases := []struct {
		role                  carpool.Role
		member, list, session bool
		readsList, confined   bool
	}{
		{carpool.RoleMember, true, true, true, false, false},
		{carpool.RoleFleetManager, true, true, true, true, false},
		{carpool.RoleAdmin, true, true, true, true, false},
		{carpool.RoleSiteSecurity, false, true, true, true, true},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			m := carpool.Member{Role: tc.role}
			if !tc.role.Valid() {
				t.Errorf("valid: got false, want true")
			}
			for _, r := range []struct {
				reach carpool.Reach
				want  bool
			}{{carpool.ReachMember, tc.member}, {carpool.ReachParkingList, tc.list}, {carpool.ReachOwnSession, tc.session}} {
				if got := m.Reaches(r.reach); got != r.want {
					t.Errorf("reaches %d: got %v, want %v", r.reach, got, r.want)
				}
			}
			if got := m.ReadsParkingList(); got != tc.readsList {
				t.Errorf("reads the parking list: got %v, want %v", got, tc.readsList)
			}
			if got := m.Confined(); got != tc.confined {
				t.Errorf("confined: got %v, want %v", got, tc.confined)
			}
			if m.ManagesFleet() && tc.role == carpool.RoleSiteSecurity {
				t.Error("site security manages the fleet")
			}
		})
	}
}

// TestRoleClaimNeverConfines: an identity provider's claim only raises a role, and site
// security is below member: a claim never makes anyone site security, and lifts a guard
// it names fleet manager.
func TestRoleClaimNeverConfines(t *testing.T) {
	member := carpool.Member{ID: "m", Role: carpool.RoleMember}
	if ok, err := carpool.CheckRoleChange(carpool.RoleClaim, member, carpool.RoleSiteSecurity, 1); ok || err != nil {
		t.Errorf("claim site_security for a member: got %v, %v, want false, nil", ok, err)
	}
	guard := carpool.Member{ID: "g", Role: carpool.RoleSiteSecurity}
	if ok, err := carpool.CheckRoleChange(carpool.RoleClaim, guard, carpool.RoleFleetManager, 1); !ok || err != nil {
		t.Errorf("claim fleet_manager for a guard: got %v, %v, want true, nil", ok, err)
	}
	admin := carpool.Member{ID: "a", Role: carpool.RoleAdmin}
	if ok, err := carpool.CheckRoleChange(admin, member, carpool.RoleSiteSecurity, 1); !ok || err != nil {
		t.Errorf("an admin gives site_security: got %v, %v, want true, nil", ok, err)
	}
}
