package carpool_test

import (
	"strings"
	"testing"

	"carpool/internal/carpool"
)

func TestNewMemberValidate(t *testing.T) {
	valid := carpool.NewMember{Email: " Ann@Example.COM ", Name: " Ann ", Phone: " +41 (79) 123-45 ", Password: "correct horse battery"}
	got, err := valid.Validate()
	if err != nil {
		t.Fatalf("valid member: %v", err)
	}
	if got.Email != "ann@example.com" || got.Name != "Ann" || got.Phone != "+41 (79) 123-45" || got.Role != carpool.RoleMember {
		t.Fatalf("normalised: got %+v", got)
	}
	cases := []struct {
		name  string
		edit  func(*carpool.NewMember)
		field string
	}{
		{"no email", func(m *carpool.NewMember) { m.Email = " " }, "email"},
		{"not an address", func(m *carpool.NewMember) { m.Email = "ann" }, "email"},
		{"display name form", func(m *carpool.NewMember) { m.Email = "Ann <ann@example.com>" }, "email"},
		{"no dot in domain", func(m *carpool.NewMember) { m.Email = "ann@localhost" }, "email"},
		{"too long email", func(m *carpool.NewMember) { m.Email = strings.Repeat("a", 250) + "@example.com" }, "email"},
		{"no name", func(m *carpool.NewMember) { m.Name = "  " }, "name"},
		{"long name", func(m *carpool.NewMember) { m.Name = strings.Repeat("n", 101) }, "name"},
		{"phone letters", func(m *carpool.NewMember) { m.Phone = "call me" }, "phone"},
		{"phone too short", func(m *carpool.NewMember) { m.Phone = "12" }, "phone"},
		{"phone few digits", func(m *carpool.NewMember) { m.Phone = "+()--12" }, "phone"},
		{"short password", func(m *carpool.NewMember) { m.Password = "123456789" }, "password"},
		{"huge password", func(m *carpool.NewMember) { m.Password = strings.Repeat("p", 1025) }, "password"},
		{"one letter repeated", func(m *carpool.NewMember) { m.Password = "aaaaaaaaaa" }, "password"},
		{"digits in a row", func(m *carpool.NewMember) { m.Password = "1234567890" }, "password"},
		{"common password", func(m *carpool.NewMember) { m.Password = "Password123!" }, "password"},
		{"keyboard walk", func(m *carpool.NewMember) { m.Password = "qwertzuiop" }, "password"},
		{"own email address", func(m *carpool.NewMember) { m.Password = "ann@example.com" }, "password"},
		{"own name and year", func(m *carpool.NewMember) { m.Name = "Annegret Kowalski"; m.Password = "kowalski1984" }, "password"},
		{"unknown role", func(m *carpool.NewMember) { m.Role = "root" }, "role"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := valid
			tc.edit(&m)
			_, err := m.Validate()
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
	t.Run("ten characters, counted as runes", func(t *testing.T) {
		m := valid
		m.Password = "ääääääääää"
		if _, err := m.Validate(); err != nil {
			t.Fatalf("got %v, want ok", err)
		}
	})
	t.Run("no phone is fine", func(t *testing.T) {
		m := valid
		m.Phone = ""
		if _, err := m.Validate(); err != nil {
			t.Fatalf("got %v, want ok", err)
		}
	})
}

func TestRoles(t *testing.T) {
	cases := []struct {
		role   carpool.Role
		valid  bool
		manage bool
	}{
		{carpool.RoleMember, true, false},
		{carpool.RoleFleetManager, true, true},
		{carpool.RoleAdmin, true, true},
		{"", false, false},
		{"Admin", false, false},
	}
	for _, tc := range cases {
		if got := tc.role.Valid(); got != tc.valid {
			t.Errorf("%q valid: got %v, want %v", tc.role, got, tc.valid)
		}
		if got := (carpool.Member{Role: tc.role}).ManagesFleet(); got != tc.manage {
			t.Errorf("%q manages fleet: got %v, want %v", tc.role, got, tc.manage)
		}
	}
}

func TestSignupPolicy(t *testing.T) {
	cases := []struct {
		name    string
		domains []string
		email   string
		allows  bool
		open    bool
	}{
		{"closed", nil, "a@example.com", false, false},
		{"blank entries are closed", []string{" ", ""}, "a@example.com", false, false},
		{"open to all", []string{"*"}, "a@anything.org", true, true},
		{"listed domain", []string{"example.com", "corp.ch"}, "a@corp.ch", true, true},
		{"case and space", []string{" Example.COM "}, " A@EXAMPLE.com", true, true},
		{"other domain", []string{"example.com"}, "a@evil.com", false, true},
		{"subdomain is another domain", []string{"example.com"}, "a@mail.example.com", false, true},
		{"suffix trick", []string{"example.com"}, "a@notexample.com", false, true},
		{"no at sign", []string{"*"}, "example.com", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := carpool.SignupPolicy{Domains: tc.domains}
			if got := p.Allows(tc.email); got != tc.allows {
				t.Errorf("allows %q: got %v, want %v", tc.email, got, tc.allows)
			}
			if got := p.Open(); got != tc.open {
				t.Errorf("open: got %v, want %v", got, tc.open)
			}
		})
	}
}

func TestPasswords(t *testing.T) {
	hash, err := carpool.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	// The production cost: RFC 9106's second option with 19 MiB (see password.go).
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string at m=19456,t=2,p=1", hash)
	}
	again, _ := carpool.HashPassword("correct horse battery")
	if again == hash {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	parts := strings.Split(hash, "$")
	cases := []struct {
		name, hash, password string
		want                 bool
	}{
		{"right", hash, "correct horse battery", true},
		{"wrong", hash, "correct horse battery!", false},
		{"empty", hash, "", false},
		{"empty hash", "", "correct horse battery", false},
		{"bcrypt", "$2a$10$abcdefghijklmnopqrstuv", "correct horse battery", false},
		{"bad version", strings.Join([]string{"", parts[1], "v=18", parts[3], parts[4], parts[5]}, "$"), "correct horse battery", false},
		{"bad params", strings.Join([]string{"", parts[1], parts[2], "m=x", parts[4], parts[5]}, "$"), "correct horse battery", false},
		{"bad salt", strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"), "correct horse battery", false},
		{"no key", strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], ""}, "$"), "correct horse battery", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := carpool.CheckPassword(tc.hash, tc.password); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	if carpool.CheckNoPassword("anything") {
		t.Fatal("CheckNoPassword reported a match")
	}
}

// TestPasswordHashForTests: the fixtures' cheap hash is checked by the same
// CheckPassword at the cost written in it, and is never the production cost.
func TestPasswordHashForTests(t *testing.T) {
	hash, err := carpool.HashPasswordForTest("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=8,t=1,p=1$") {
		t.Fatalf("hash %q is not an argon2id PHC string at m=8,t=1,p=1", hash)
	}
	if !carpool.CheckPassword(hash, "correct horse battery") {
		t.Error("the right password does not match")
	}
	if carpool.CheckPassword(hash, "correct horse battery!") {
		t.Error("a wrong password matches")
	}
}

func TestWeakPasswordMessagesHelp(t *testing.T) {
	base := carpool.NewMember{Email: "ann.smith@example.com", Name: "Ann Smith"}
	tests := []struct {
		name, password, want string
	}{
		{"personal", "ann.smith@example.com", "your name or e-mail address"},
		{"name inside", "annsmith2024", "your name or e-mail address"},
		{"common", "1234567890", "unrelated words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base
			m.Password = tt.password
			_, err := m.Validate()
			if !strings.Contains(carpool.ErrorMessage(err), tt.want) {
				t.Errorf("got %q, want a message with %q", carpool.ErrorMessage(err), tt.want)
			}
		})
	}
	m := base
	m.Password = strings.Repeat("unrelated words ", 60) // long: only a prefix is estimated
	if _, err := m.Validate(); err != nil {
		t.Errorf("long passphrase: got %v, want ok", err)
	}
}
