package app_test

import (
	"net/netip"
	"strings"
	"testing"

	"carpool/internal/carpool"
)

func TestSignUp(t *testing.T) {
	cases := []struct {
		name   string
		policy []string
		email  string
		role   carpool.Role
		code   string
		field  string
	}{
		{"closed", nil, "ann@example.com", "", carpool.EFORBIDDEN, ""},
		{"open to all", []string{"*"}, "ann@anywhere.org", "", "", ""},
		{"own domain", []string{"example.com"}, "Ann@Example.COM", "", "", ""},
		{"foreign domain", []string{"example.com"}, "ann@elsewhere.org", "", carpool.EFORBIDDEN, "email"},
		{"role forced to member", []string{"*"}, "boss@example.com", carpool.RoleAdmin, "", ""},
		{"invalid before policy", []string{"example.com"}, "not an address", "", carpool.EINVALID, "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newAppWith(t, carpool.SignupPolicy{Domains: tc.policy})
			m, err := f.app.SignUp(f.ctx, carpool.NewMember{Email: tc.email, Name: "Ann", Password: password, Role: tc.role})
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if m.Role != carpool.RoleMember {
				t.Errorf("role: got %q, want %q", m.Role, carpool.RoleMember)
			}
			if want := carpool.NormalizeEmail(tc.email); m.Email != want {
				t.Errorf("email: got %q, want %q", m.Email, want)
			}
			stored, err := f.store.Member(f.ctx, m.ID)
			mustDo(t, err)
			if stored.Role != carpool.RoleMember || !carpool.CheckPassword(stored.PasswordHash, password) {
				t.Errorf("stored member: got role %q and a hash that does not match", stored.Role)
			}
		})
	}

	t.Run("taken email answers as a success", func(t *testing.T) {
		f := newAppWith(t, carpool.SignupPolicy{Domains: []string{"example.com"}})
		taken := f.member(carpool.RoleMember)
		m, err := f.app.SignUp(f.ctx, carpool.NewMember{Email: taken.Email, Name: "Again", Password: password})
		mustDo(t, err)
		if m.ID == taken.ID || m.Email != taken.Email || m.Name != "Again" {
			t.Errorf("answer: got %+v, want a fresh id with the given address and name", m)
		}
		_, err = f.store.Member(f.ctx, m.ID)
		wantCode(t, err, carpool.ENOTFOUND, "")
	})
	t.Run("open reports the policy", func(t *testing.T) {
		if newApp(t).app.SignupOpen() {
			t.Errorf("SignupOpen with no domains: got true, want false")
		}
		if !newAppWith(t, carpool.SignupPolicy{Domains: []string{"example.com"}}).app.SignupOpen() {
			t.Errorf("SignupOpen with a domain: got false, want true")
		}
	})
}

func TestAddMember(t *testing.T) {
	f := newApp(t) // sign-up closed: AddMember applies no policy
	cases := []struct {
		name  string
		in    carpool.NewMember
		role  carpool.Role
		code  string
		field string
	}{
		{"admin", carpool.NewMember{Email: "root@corp.example", Name: "Root", Password: password, Role: carpool.RoleAdmin}, carpool.RoleAdmin, "", ""},
		{"default role", carpool.NewMember{Email: "plain@corp.example", Name: "Plain", Password: password}, carpool.RoleMember, "", ""},
		{"short password", carpool.NewMember{Email: "short@corp.example", Name: "Short", Password: "short"}, "", carpool.EINVALID, "password"},
		{"unknown role", carpool.NewMember{Email: "odd@corp.example", Name: "Odd", Password: password, Role: "owner"}, "", carpool.EINVALID, "role"},
		{"taken email", carpool.NewMember{Email: "ROOT@corp.example", Name: "Root 2", Password: password}, "", carpool.ECONFLICT, "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := f.app.AddMember(f.ctx, tc.in)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if m.Role != tc.role {
				t.Errorf("role: got %q, want %q", m.Role, tc.role)
			}
		})
	}
}

func TestSignIn(t *testing.T) {
	f := newApp(t)
	m := f.member(carpool.RoleMember)
	cases := []struct {
		name            string
		email, password string
		ok              bool
	}{
		{"right password", m.Email, password, true},
		{"email in another case", "  " + strings.ToUpper(m.Email) + " ", password, true},
		{"wrong password", m.Email, password + "!", false},
		{"unknown email", "nobody@example.com", password, false},
		{"empty password", m.Email, "", false},
	}
	var refusal string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.app.SignIn(f.ctx, tc.email, tc.password, netip.Addr{})
			if !tc.ok {
				wantCode(t, err, carpool.EUNAUTHORIZED, "")
				if refusal == "" {
					refusal = err.Error()
				}
				if err.Error() != refusal {
					t.Errorf("refusal: got %q, want the same answer as before, %q", err, refusal)
				}
				return
			}
			mustDo(t, err)
			if s.Member.ID != m.ID || s.Token.MemberID != m.ID || s.Secret == "" {
				t.Fatalf("session: got member %q token member %q secret %q, want %q twice and a secret", s.Member.ID, s.Token.MemberID, s.Secret, m.ID)
			}
			got, _, err := f.app.Authenticate(f.ctx, s.Secret)
			mustDo(t, err)
			if got.ID != m.ID {
				t.Errorf("authenticated member: got %q, want %q", got.ID, m.ID)
			}
		})
	}
}

func TestSignOut(t *testing.T) {
	f := newApp(t)
	m := f.member(carpool.RoleMember)
	s, err := f.app.NewSession(f.ctx, m)
	mustDo(t, err)
	mustDo(t, f.app.SignOut(f.ctx, s.Token))
	_, _, err = f.app.Authenticate(f.ctx, s.Secret)
	wantCode(t, err, carpool.EUNAUTHORIZED, "")
	if err := f.app.SignOut(f.ctx, s.Token); err != nil {
		t.Errorf("signing out twice: got %v, want nil", err)
	}
}

func TestAuthenticate(t *testing.T) {
	f := newApp(t)
	m := f.member(carpool.RoleMember)
	valid, err := f.app.NewSession(f.ctx, m)
	mustDo(t, err)
	old, err := f.app.NewSession(f.ctx, m)
	mustDo(t, err)
	cases := []struct {
		name    string
		secret  string
		advance bool // move the clock past the token lifetime first
		ok      bool
	}{
		{"valid", valid.Secret, false, true},
		{"malformed", "Bearer nonsense", false, false},
		{"empty", "", false, false},
		{"unknown", carpool.TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false, false},
		{"expired", old.Secret, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.advance {
				f.clock.Advance(carpool.TokenLifetime + h)
			}
			got, tok, err := f.app.Authenticate(f.ctx, tc.secret)
			if !tc.ok {
				wantCode(t, err, carpool.EUNAUTHORIZED, "")
				if got.ID != "" || tok.ID != "" {
					t.Errorf("refused secret: got member %q token %q, want zero values", got.ID, tok.ID)
				}
				return
			}
			mustDo(t, err)
			if got.ID != m.ID || tok.ID != valid.Token.ID {
				t.Errorf("got member %q token %q, want %q %q", got.ID, tok.ID, m.ID, valid.Token.ID)
			}
		})
	}
}
