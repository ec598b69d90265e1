package carpool_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestNewToken(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tok, secret, err := carpool.NewToken("member-1", now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, carpool.TokenPrefix) || len(secret) < 40 {
		t.Fatalf("secret %q lacks the prefix or entropy", secret)
	}
	if tok.Hash != carpool.HashToken(secret) || strings.Contains(tok.Hash, secret) {
		t.Fatalf("token stores %q, want the hash of the secret", tok.Hash)
	}
	if tok.Hash != carpool.HashToken("  "+secret+"\n") {
		t.Fatal("surrounding space changes the hash")
	}
	if tok.MemberID != "member-1" || !tok.CreatedAt.Equal(now) || !tok.ExpiresAt.Equal(now.Add(carpool.TokenLifetime)) {
		t.Fatalf("got %+v", tok)
	}
	_, other, _ := carpool.NewToken("member-1", now)
	if other == secret {
		t.Fatal("two tokens share a secret")
	}
}

func TestNewID(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	const n = 10000
	ids := make([]string, n)
	seen := map[string]bool{}
	for i := range ids {
		ids[i] = carpool.NewID()
		if !hex32.MatchString(ids[i]) {
			t.Fatalf("id %q is not 32 hex digits", ids[i])
		}
		if ids[i][12] != '7' {
			t.Fatalf("id %q lacks the version 7 nibble", ids[i])
		}
		if seen[ids[i]] {
			t.Fatalf("id %q made twice", ids[i])
		}
		seen[ids[i]] = true
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("ids made one after another do not sort in the order they were made")
	}
}

func TestTimestamp(t *testing.T) {
	zone := time.FixedZone("X", -7*3600)
	in := time.Date(2030, 5, 6, 1, 2, 3, 456789999, zone)
	got := carpool.Timestamp(in)
	want := time.Date(2030, 5, 6, 8, 2, 3, 456789000, time.UTC)
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
	if !carpool.Timestamp(time.Time{}).IsZero() {
		t.Fatal("zero time did not stay zero")
	}
}

func TestErrors(t *testing.T) {
	inner := carpool.FieldErrorf(carpool.ECONFLICT, "seats", "only %d seats are free", 2)
	wrapped := wrap(inner)
	cases := []struct {
		name                 string
		err                  error
		code, message, field string
	}{
		{"nil", nil, "", "", ""},
		{"domain", inner, carpool.ECONFLICT, "only 2 seats are free", "seats"},
		{"wrapped", wrapped, carpool.ECONFLICT, "only 2 seats are free", "seats"},
		{"other", errFake("disk on fire at /var/lib"), carpool.EINTERNAL, "internal error", ""},
		{"no field", carpool.Errorf(carpool.ENOTFOUND, "ride not found"), carpool.ENOTFOUND, "ride not found", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := carpool.ErrorCode(tc.err); got != tc.code {
				t.Errorf("code: got %q, want %q", got, tc.code)
			}
			if got := carpool.ErrorMessage(tc.err); got != tc.message {
				t.Errorf("message: got %q, want %q", got, tc.message)
			}
			if got := carpool.ErrorField(tc.err); got != tc.field {
				t.Errorf("field: got %q, want %q", got, tc.field)
			}
		})
	}
	if s := inner.Error(); !strings.Contains(s, "conflict") || !strings.Contains(s, "seats") {
		t.Errorf("Error() = %q lacks code or field", s)
	}
}

type errFake string

func (e errFake) Error() string { return string(e) }

func wrap(err error) error { return &wrapped{err} }

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "context: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
