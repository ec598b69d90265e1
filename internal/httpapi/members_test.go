package httpapi_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestSignUpPolicy(t *testing.T) {
	tests := []struct {
		name    string
		domains []string
		email   string
		want    int
		field   string
	}{
		{"closed", nil, "ann@corp.example", 403, ""},
		{"domain allowed", []string{"corp.example"}, "Ann@Corp.Example", 201, ""},
		{"other domain", []string{"corp.example"}, "ann@elsewhere.example", 403, "email"},
		{"open", []string{"*"}, "ann@anywhere.example", 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{Signup: carpool.SignupPolicy{Domains: tt.domains}})
			body := map[string]string{"email": tt.email, "name": "Ann", "password": testPassword, "phone": "+49 30 1234"}
			res := e.do(t, call{method: "POST", path: "/api/v1/members", body: body})
			if tt.want != 201 {
				res.problem(t, tt.want, carpool.EFORBIDDEN, tt.field)
				return
			}
			res.want(t, 201)
			got := res.object(t)
			if got["email"] != carpool.NormalizeEmail(tt.email) || got["name"] != "Ann" || got["role"] != "member" || got["phone"] != "+49 30 1234" {
				t.Errorf("member: got %v", got)
			}
			if _, ok := got["password"]; ok {
				t.Errorf("member answer holds the password")
			}
			// The new member can sign in and see themselves.
			tok := e.do(t, call{method: "POST", path: "/api/v1/tokens", body: map[string]string{"email": tt.email, "password": testPassword}}).want(t, 201).object(t)
			me := e.do(t, call{method: "GET", path: "/api/v1/me", token: tok["token"].(string)}).want(t, 200).object(t)
			if me["id"] != got["id"] {
				t.Errorf("me: got %v, want id %v", me["id"], got["id"])
			}
			// The same address again answers as a success, so that nobody learns which
			// addresses have accounts; no second account is made.
			again := e.do(t, call{method: "POST", path: "/api/v1/members", body: body}).want(t, 201).object(t)
			if again["id"] == got["id"] || again["email"] != got["email"] || again["role"] != got["role"] {
				t.Errorf("the same address again: got %v, want the first answer's shape with another id", again)
			}
			me = e.do(t, call{method: "GET", path: "/api/v1/me", token: tok["token"].(string)}).want(t, 200).object(t)
			if me["id"] != got["id"] {
				t.Errorf("me after the second sign-up: got %v, want id %v", me["id"], got["id"])
			}
		})
	}
}

func TestSignUpInvalid(t *testing.T) {
	e := newEnv(t, envOptions{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	tests := []struct {
		name  string
		body  map[string]string
		field string
	}{
		{"short password", map[string]string{"email": "a@b.example", "name": "A", "password": "short"}, "password"},
		{"bad email", map[string]string{"email": "not-an-email", "name": "A", "password": testPassword}, "email"},
		{"no name", map[string]string{"email": "a@b.example", "name": " ", "password": testPassword}, "name"},
		{"bad phone", map[string]string{"email": "a@b.example", "name": "A", "password": testPassword, "phone": "call me"}, "phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, call{method: "POST", path: "/api/v1/members", body: tt.body, invalid: true}).
				problem(t, 422, carpool.EINVALID, tt.field)
		})
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	ann := e.member(t, "Ann Admin", carpool.RoleAdmin)

	t.Run("wrong password", func(t *testing.T) {
		res := e.do(t, call{method: "POST", path: "/api/v1/tokens", body: map[string]string{"email": ann.Email, "password": "wrong password"}})
		res.problem(t, 401, carpool.EUNAUTHORIZED, "")
		if res.header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
	})
	t.Run("unknown email", func(t *testing.T) {
		e.do(t, call{method: "POST", path: "/api/v1/tokens", body: map[string]string{"email": "nobody@example.com", "password": testPassword}}).
			problem(t, 401, carpool.EUNAUTHORIZED, "")
	})
	t.Run("idempotency key is ignored", func(t *testing.T) {
		c := call{method: "POST", path: "/api/v1/tokens", body: map[string]string{"email": ann.Email, "password": testPassword},
			header: map[string]string{"Idempotency-Key": "k1"}, invalid: true}
		first := e.do(t, c).want(t, 201).object(t)
		second := e.do(t, c).want(t, 201)
		if second.header.Get("Idempotent-Replayed") != "" || second.object(t)["token"] == first["token"] {
			t.Errorf("token answer was replayed: a stored answer would keep a live secret")
		}
	})

	credentials := []struct {
		name string
		c    call
	}{
		{"none", call{}},
		{"not bearer", call{header: map[string]string{"Authorization": "Basic YTpi"}}},
		{"empty bearer", call{header: map[string]string{"Authorization": "Bearer "}}},
		{"unknown token", call{token: carpool.TokenPrefix + "bm90IGEgcmVhbCB0b2tlbg"}},
		{"not a token", call{token: "garbage"}},
	}
	for _, cr := range credentials {
		t.Run("credentials "+cr.name, func(t *testing.T) {
			c := cr.c
			c.method, c.path, c.invalid = "GET", "/api/v1/me", true
			res := e.do(t, c)
			res.problem(t, 401, carpool.EUNAUTHORIZED, "")
			if got := res.header.Get("WWW-Authenticate"); got != `Bearer realm="carpool"` {
				t.Errorf("WWW-Authenticate: got %q", got)
			}
		})
	}

	t.Run("expired token", func(t *testing.T) {
		tok, secret, err := carpool.NewToken(ann.ID, time.Now().Add(-carpool.TokenLifetime-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.CreateToken(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		e.do(t, call{method: "GET", path: "/api/v1/me", token: secret}).problem(t, 401, carpool.EUNAUTHORIZED, "")
	})

	t.Run("session cookie for reading only", func(t *testing.T) {
		bob := e.member(t, "Bob Cookie", carpool.RoleMember)
		me := e.do(t, call{method: "GET", path: "/api/v1/me", cookie: bob.token}).want(t, 200).object(t)
		if me["id"] != bob.ID {
			t.Errorf("cookie: got member %v, want %s", me["id"], bob.ID)
		}
		e.do(t, call{method: "POST", path: "/api/v1/cars", cookie: bob.token, invalid: true,
			body: map[string]any{"kind": "private", "plate": "M CK 1", "make": "VW", "model": "Golf", "seats": 5}}).
			problem(t, 401, carpool.EUNAUTHORIZED, "")
	})

	t.Run("sign out", func(t *testing.T) {
		cid := e.member(t, "Cid Signout", carpool.RoleMember)
		e.do(t, call{method: "GET", path: "/api/v1/me", token: cid.token}).want(t, 200)
		e.do(t, call{method: "DELETE", path: "/api/v1/tokens/current", token: cid.token}).want(t, 204)
		e.do(t, call{method: "GET", path: "/api/v1/me", token: cid.token}).problem(t, 401, carpool.EUNAUTHORIZED, "")
		e.do(t, call{method: "DELETE", path: "/api/v1/tokens/current", token: cid.token}).problem(t, 401, carpool.EUNAUTHORIZED, "")
	})
}
