package app_test

import (
	"context"
	"net/netip"
	"testing"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
)

func openApp(t *testing.T, opts app.Options) (*app.App, carpool.Store) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return app.New(db, opts), db
}

func TestSignInWithProvider(t *testing.T) {
	ctx := context.Background()
	a, store := openApp(t, app.Options{SSO: app.SSOPolicy{
		Domains: carpool.SignupPolicy{Domains: []string{"example.com"}},
		Roles:   map[string]carpool.Role{"carpool-fleet": carpool.RoleFleetManager, "carpool-admins": carpool.RoleAdmin},
	}})

	tests := []struct {
		name     string
		id       app.ExternalIdentity
		wantCode string
		wantRole carpool.Role
		wantName string
	}{
		{"new member", app.ExternalIdentity{Email: "Ann@Example.com", EmailVerified: true, Name: "Ann"}, "", carpool.RoleMember, "Ann"},
		{"fleet group", app.ExternalIdentity{Email: "fred@example.com", EmailVerified: true, Name: "Fred", Roles: []string{"staff", "carpool-fleet"}}, "", carpool.RoleFleetManager, "Fred"},
		{"highest role wins", app.ExternalIdentity{Email: "boss@example.com", EmailVerified: true, Roles: []string{"carpool-fleet", "carpool-admins"}}, "", carpool.RoleAdmin, "boss"},
		{"unverified", app.ExternalIdentity{Email: "una@example.com", Name: "Una"}, carpool.EUNAUTHORIZED, "", ""},
		{"other domain", app.ExternalIdentity{Email: "otto@elsewhere.example", EmailVerified: true}, carpool.EFORBIDDEN, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := a.SignInWithProvider(ctx, tt.id)
			if carpool.ErrorCode(err) != tt.wantCode {
				t.Fatalf("got %v, want code %q", err, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			if s.Member.Role != tt.wantRole || s.Member.Name != tt.wantName || s.Secret == "" {
				t.Errorf("got %+v, want role %s and name %q with a token", s.Member, tt.wantRole, tt.wantName)
			}
		})
	}

	t.Run("second sign-in is the same member", func(t *testing.T) {
		first, err := store.MemberByEmail(ctx, "ann@example.com")
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.SignInWithProvider(ctx, app.ExternalIdentity{Email: "ann@example.com", EmailVerified: true, Name: "Ann Renamed"})
		if err != nil || s.Member.ID != first.ID {
			t.Errorf("got %+v, %v; want member %s again", s.Member, err, first.ID)
		}
	})

	t.Run("groups raise a role, never lower it", func(t *testing.T) {
		s, err := a.SignInWithProvider(ctx, app.ExternalIdentity{Email: "ann@example.com", EmailVerified: true, Roles: []string{"carpool-fleet"}})
		if err != nil || s.Member.Role != carpool.RoleFleetManager {
			t.Fatalf("got %+v, %v; want Ann raised to fleet manager", s.Member, err)
		}
		s, err = a.SignInWithProvider(ctx, app.ExternalIdentity{Email: "boss@example.com", EmailVerified: true})
		if err != nil || s.Member.Role != carpool.RoleAdmin {
			t.Fatalf("got %+v, %v; want the admin to stay admin without groups", s.Member, err)
		}
	})

	t.Run("provider without email_verified, trusted", func(t *testing.T) {
		trusting, _ := openApp(t, app.Options{SSO: app.SSOPolicy{
			Domains: carpool.SignupPolicy{Domains: []string{"example.com"}}, TrustEmail: true}})
		if _, err := trusting.SignInWithProvider(ctx, app.ExternalIdentity{Email: "una@example.com", Name: "Una"}); err != nil {
			t.Errorf("got %v, want the address trusted", err)
		}
		_, err := trusting.SignInWithProvider(ctx, app.ExternalIdentity{Email: "otto@elsewhere.example"})
		if carpool.ErrorCode(err) != carpool.EFORBIDDEN {
			t.Errorf("other domain: got %v, want forbidden", err)
		}
	})

	t.Run("no password sign-in for a provider's member", func(t *testing.T) {
		_, err := a.SignIn(ctx, "ann@example.com", "", netipZero)
		if carpool.ErrorCode(err) != carpool.EUNAUTHORIZED {
			t.Errorf("got %v, want unauthorized", err)
		}
	})
}

var netipZero netip.Addr
