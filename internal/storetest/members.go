package storetest

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testMembers(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)

	t.Run("round trip", func(t *testing.T) {
		m := e.member(carpool.RoleFleetManager)
		got, err := e.s.Member(e.ctx, m.ID)
		noErr(t, err, "member")
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("got %+v, want %+v", got, m)
		}
	})

	t.Run("by email ignores case", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		got, err := e.s.MemberByEmail(e.ctx, "  "+strings.ToUpper(m.Email))
		noErr(t, err, "member by email")
		if got.ID != m.ID {
			t.Fatalf("got member %s, want %s", got.ID, m.ID)
		}
	})

	t.Run("duplicate email in another case", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		dup := m
		dup.ID = carpool.NewID()
		dup.Email = strings.ToUpper(m.Email)
		wantCode(t, e.s.CreateMember(e.ctx, dup), carpool.ECONFLICT, "email")
	})

	t.Run("unknown", func(t *testing.T) {
		_, err := e.s.Member(e.ctx, carpool.NewID())
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = e.s.MemberByEmail(e.ctx, "nobody-"+unique()+"@example.com")
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("a role claim raises a role, never lowers it", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		got, err := e.f.SetRole(e.ctx, m.ID, carpool.RoleFleetManager, carpool.RoleClaim)
		noErr(t, err, "raise")
		if got.Role != carpool.RoleFleetManager || got.ID != m.ID || got.UpdatedAt.Before(m.UpdatedAt) {
			t.Fatalf("got %+v, want %s as fleet manager", got, m.ID)
		}
		again, err := e.s.Member(e.ctx, m.ID)
		noErr(t, err, "member")
		if again.Role != carpool.RoleFleetManager {
			t.Fatalf("stored role: got %s, want fleet_manager", again.Role)
		}
		for _, lower := range []carpool.Role{carpool.RoleMember, carpool.RoleFleetManager} {
			got, err = e.f.SetRole(e.ctx, m.ID, lower, carpool.RoleClaim)
			noErr(t, err, "claim "+string(lower))
			if got.Role != carpool.RoleFleetManager {
				t.Fatalf("a claim for %s: got %s, want fleet_manager kept", lower, got.Role)
			}
		}
		audit, _, err := e.s.AuditLog(e.ctx, carpool.AuditFilter{SubjectID: m.ID}, carpool.Page{Limit: 10})
		noErr(t, err, "audit log")
		if len(audit) != 1 || audit[0].ActorID != "" || audit[0].Action != carpool.AuditRoleChanged ||
			audit[0].Detail != "member -> fleet_manager (identity provider claim)" {
			t.Fatalf("audit: got %+v, want one line for the raise, naming no actor", audit)
		}
		_, err = e.f.SetRole(e.ctx, carpool.NewID(), carpool.RoleAdmin, carpool.RoleClaim)
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("an admin's role change is an audit line", func(t *testing.T) {
		admin, m := e.member(carpool.RoleAdmin), e.member(carpool.RoleFleetManager)
		got, err := e.f.SetRole(e.ctx, m.ID, carpool.RoleMember, admin)
		noErr(t, err, "lower")
		if got.Role != carpool.RoleMember {
			t.Fatalf("got %s, want member", got.Role)
		}
		audit, _, err := e.s.AuditLog(e.ctx, carpool.AuditFilter{SubjectID: m.ID}, carpool.Page{Limit: 10})
		noErr(t, err, "audit log")
		if len(audit) != 1 || audit[0].ActorID != admin.ID || audit[0].Detail != "fleet_manager -> member" {
			t.Fatalf("audit: got %+v, want one line by the admin", audit)
		}
	})

	t.Run("members by ids", func(t *testing.T) {
		a, b := e.member(carpool.RoleMember), e.member(carpool.RoleAdmin)
		got, err := e.s.Members(e.ctx, []string{b.ID, carpool.NewID(), a.ID})
		noErr(t, err, "members")
		ids := []string{}
		for _, m := range got {
			ids = append(ids, m.ID)
		}
		sort.Strings(ids)
		want := []string{a.ID, b.ID}
		sort.Strings(want)
		if !reflect.DeepEqual(ids, want) {
			t.Fatalf("got ids %v, want %v", ids, want)
		}
		none, err := e.s.Members(e.ctx, nil)
		noErr(t, err, "members of none")
		if len(none) != 0 {
			t.Fatalf("got %d members for no ids, want 0", len(none))
		}
	})

	t.Run("language setting", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		if m.Language != "" {
			t.Fatalf("new member's language: got %q, want none", m.Language)
		}
		got, err := NewFlows(e.s).ChangeMember(e.ctx, m.ID, func(m *carpool.Member) error { m.Language = "de"; return nil })
		noErr(t, err, "update member")
		if got.Language != "de" || got.Name != m.Name {
			t.Fatalf("updated: got %+v, want language de and the rest unchanged", got)
		}
		tok, secret, err := carpool.NewToken(m.ID, e.now)
		noErr(t, err, "new token")
		noErr(t, e.s.CreateToken(e.ctx, tok), "create token")
		byToken, _, err := e.s.MemberByToken(e.ctx, carpool.HashToken(secret), e.now)
		noErr(t, err, "member by token")
		byID, err := e.s.Member(e.ctx, m.ID)
		noErr(t, err, "member")
		byEmail, err := e.s.MemberByEmail(e.ctx, m.Email)
		noErr(t, err, "member by email")
		for _, got := range []carpool.Member{byToken, byID, byEmail} {
			if got.Language != "de" {
				t.Errorf("stored language: got %q, want de", got.Language)
			}
		}
		got, err = NewFlows(e.s).ChangeMember(e.ctx, m.ID, func(m *carpool.Member) error { m.Phone = ""; return nil })
		noErr(t, err, "update member")
		if got.Language != "de" {
			t.Errorf("another change lost the language: got %q", got.Language)
		}
	})
}

func testTokens(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	m := e.member(carpool.RoleMember)
	tok, secret, err := carpool.NewToken(m.ID, e.now)
	noErr(t, err, "new token")
	noErr(t, e.s.CreateToken(e.ctx, tok), "create token")

	t.Run("valid until expiry", func(t *testing.T) {
		for _, at := range []time.Time{e.now, tok.ExpiresAt.Add(-time.Microsecond)} {
			gm, gt, err := e.s.MemberByToken(e.ctx, carpool.HashToken(secret), at)
			noErr(t, err, "member by token")
			if gm.ID != m.ID || gt.ID != tok.ID || !gt.ExpiresAt.Equal(tok.ExpiresAt) {
				t.Fatalf("got member %s token %s, want %s %s", gm.ID, gt.ID, m.ID, tok.ID)
			}
		}
	})

	t.Run("expired", func(t *testing.T) {
		for _, at := range []time.Time{tok.ExpiresAt, tok.ExpiresAt.Add(time.Hour)} {
			_, _, err := e.s.MemberByToken(e.ctx, carpool.HashToken(secret), at)
			wantCode(t, err, carpool.EUNAUTHORIZED, "")
		}
	})

	t.Run("unknown", func(t *testing.T) {
		_, _, err := e.s.MemberByToken(e.ctx, carpool.HashToken("cpt_nope"), e.now)
		wantCode(t, err, carpool.EUNAUTHORIZED, "")
	})

	t.Run("deleted", func(t *testing.T) {
		other, otherSecret, err := carpool.NewToken(m.ID, e.now)
		noErr(t, err, "new token")
		noErr(t, e.s.CreateToken(e.ctx, other), "create token")
		noErr(t, e.s.DeleteToken(e.ctx, other.ID), "delete token")
		_, _, err = e.s.MemberByToken(e.ctx, carpool.HashToken(otherSecret), e.now)
		wantCode(t, err, carpool.EUNAUTHORIZED, "")
		wantCode(t, e.s.DeleteToken(e.ctx, other.ID), carpool.ENOTFOUND, "")
		// the first token is untouched
		_, _, err = e.s.MemberByToken(e.ctx, carpool.HashToken(secret), e.now)
		noErr(t, err, "first token after deleting another")
	})
}
