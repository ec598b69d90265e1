package storetest

import (
	"testing"

	"carpool/internal/carpool"
)

// testTimeZones: a member's zone and a site's zone are stored, read back on every path
// that loads them, changed, and kept when something else changes.
func testTimeZones(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)

	t.Run("member", func(t *testing.T) {
		m := carpool.Member{ID: carpool.NewID(), Email: "tz" + unique() + "@example.com", Name: "Zoe Zone", Role: carpool.RoleMember,
			PasswordHash: "not-a-real-hash", CreatedAt: e.now, UpdatedAt: e.now, Language: "de", TimeZone: "Europe/Berlin"}
		noErr(t, e.s.CreateMember(e.ctx, m), "create member")
		tok, secret, err := carpool.NewToken(m.ID, e.now)
		noErr(t, err, "new token")
		noErr(t, e.s.CreateToken(e.ctx, tok), "create token")
		byToken, _, err := e.s.MemberByToken(e.ctx, carpool.HashToken(secret), e.now)
		noErr(t, err, "member by token")
		byID, err := e.s.Member(e.ctx, m.ID)
		noErr(t, err, "member")
		byEmail, err := e.s.MemberByEmail(e.ctx, m.Email)
		noErr(t, err, "member by email")
		listed, err := e.s.Members(e.ctx, []string{m.ID})
		noErr(t, err, "members")
		for _, got := range append([]carpool.Member{byToken, byID, byEmail}, listed...) {
			if got.TimeZone != "Europe/Berlin" || got.Language != "de" {
				t.Errorf("stored: got zone %q language %q, want Europe/Berlin and de", got.TimeZone, got.Language)
			}
		}
		got, err := NewFlows(e.s).ChangeMember(e.ctx, m.ID, func(m *carpool.Member) error { m.TimeZone = "America/New_York"; return nil })
		noErr(t, err, "update member")
		if got.TimeZone != "America/New_York" {
			t.Fatalf("updated: got %q, want America/New_York", got.TimeZone)
		}
		_, err = NewFlows(e.s).ChangeMember(e.ctx, m.ID, func(m *carpool.Member) error { m.Phone = "+49 1"; return nil })
		noErr(t, err, "update member")
		if got, _ := e.s.Member(e.ctx, m.ID); got.TimeZone != "America/New_York" {
			t.Errorf("another change lost the zone: got %q", got.TimeZone)
		}
	})

	t.Run("site", func(t *testing.T) {
		s := carpool.Site{ID: carpool.NewID(), Name: "Site " + unique(), Address: "Main Street 1", Lat: 47.3769, Lon: 8.5417,
			TimeZone: "Europe/Zurich", Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
		noErr(t, e.s.CreateSite(e.ctx, s), "create site")
		got, err := e.s.Site(e.ctx, s.ID)
		noErr(t, err, "site")
		if got.TimeZone != "Europe/Zurich" {
			t.Fatalf("stored: got %q, want Europe/Zurich", got.TimeZone)
		}
		got, err = e.s.UpdateSite(e.ctx, s.ID, 1, func(s *carpool.Site) error { s.TimeZone = "Europe/Berlin"; return nil })
		noErr(t, err, "update site")
		if got.TimeZone != "Europe/Berlin" {
			t.Fatalf("updated: got %q, want Europe/Berlin", got.TimeZone)
		}
		if got, _ := e.s.Site(e.ctx, s.ID); got.TimeZone != "Europe/Berlin" {
			t.Errorf("read back: got %q, want Europe/Berlin", got.TimeZone)
		}
		_, err = e.s.UpdateSite(e.ctx, s.ID, 0, func(s *carpool.Site) error { s.TimeZone = "Mars/Olympus"; return nil })
		if carpool.ErrorCode(err) != carpool.EINVALID {
			t.Errorf("unknown zone: got %v, want EINVALID", err)
		}
	})
}
