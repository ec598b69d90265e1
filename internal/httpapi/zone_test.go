package httpapi_test

import (
	"testing"

	"carpool/internal/carpool"
)

// TestMemberLanguageAndZone: a sign-up takes its language from Accept-Language (or the
// body) and its zone from the body; the caller reads and changes both on /me, and a bad
// language and a bad zone are refused together, each named.
func TestMemberLanguageAndZone(t *testing.T) {
	e := newEnv(t, envOptions{Signup: carpool.SignupPolicy{Domains: []string{"*"}}})
	signUp := func(t *testing.T, email string, body map[string]string, accept string) string {
		t.Helper()
		body["email"], body["name"], body["password"] = email, "Ann", testPassword
		c := call{method: "POST", path: "/api/v1/members", body: body}
		if accept != "" {
			c.header = map[string]string{"Accept-Language": accept}
		}
		e.do(t, c).want(t, 201)
		tok := e.do(t, call{method: "POST", path: "/api/v1/tokens", body: map[string]string{"email": email, "password": testPassword}}).want(t, 201).object(t)
		return tok["token"].(string)
	}
	for _, tc := range []struct {
		name, accept string
		body         map[string]string
		lang, zone   string
	}{
		{"German browser", "de-DE,de;q=0.9,en;q=0.8", map[string]string{}, "de", ""},
		{"a language carpool does not speak", "fr-FR,fr;q=0.9", map[string]string{}, "", ""},
		{"no header", "", map[string]string{}, "", ""},
		{"the body's choice beats the header", "de", map[string]string{"language": "en", "time_zone": "America/New_York"}, "en", "America/New_York"},
		{"a zone from the browser", "de", map[string]string{"time_zone": "Europe/Berlin"}, "de", "Europe/Berlin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := signUp(t, carpool.NewID()+"@example.com", tc.body, tc.accept)
			me := e.do(t, call{method: "GET", path: "/api/v1/me", token: tok}).want(t, 200).object(t)
			if me["language"] != tc.lang || me["time_zone"] != tc.zone {
				t.Fatalf("me: got language %v zone %v, want %q %q", me["language"], me["time_zone"], tc.lang, tc.zone)
			}
		})
	}

	t.Run("a zone that is none", func(t *testing.T) {
		e.do(t, call{method: "POST", path: "/api/v1/members", invalid: true,
			body: map[string]string{"email": "x@example.com", "name": "X", "password": testPassword, "time_zone": "Mars/Olympus"}}).
			problem(t, 422, carpool.EINVALID, "time_zone")
	})

	tok := signUp(t, "zed@example.com", map[string]string{}, "")
	t.Run("change both", func(t *testing.T) {
		me := e.do(t, call{method: "PATCH", path: "/api/v1/me", token: tok, body: map[string]string{"language": "de", "time_zone": "Europe/Berlin"}}).
			want(t, 200).object(t)
		if me["language"] != "de" || me["time_zone"] != "Europe/Berlin" {
			t.Fatalf("patched: got %v %v, want de Europe/Berlin", me["language"], me["time_zone"])
		}
		me = e.do(t, call{method: "GET", path: "/api/v1/me", token: tok}).want(t, 200).object(t)
		if me["language"] != "de" || me["time_zone"] != "Europe/Berlin" {
			t.Fatalf("read back: got %v %v, want de Europe/Berlin", me["language"], me["time_zone"])
		}
	})
	t.Run("the export holds both", func(t *testing.T) {
		out := e.do(t, call{method: "GET", path: "/api/v1/me/export", token: tok}).want(t, 200).object(t)
		m, _ := out["member"].(map[string]any)
		if m["language"] != "de" || m["time_zone"] != "Europe/Berlin" {
			t.Fatalf("export: got %v %v, want de Europe/Berlin", m["language"], m["time_zone"])
		}
	})
	t.Run("both wrong, both named", func(t *testing.T) {
		p := e.do(t, call{method: "PATCH", path: "/api/v1/me", token: tok, invalid: true, body: map[string]string{"language": "xx", "time_zone": "Local"}}).
			problem(t, 422, carpool.EINVALID, "language")
		if len(p.Errors) != 2 || p.Errors[0].Field != "language" || p.Errors[1].Field != "time_zone" {
			t.Fatalf("fields at fault: got %+v, want language and time_zone", p.Errors)
		}
		me := e.do(t, call{method: "GET", path: "/api/v1/me", token: tok}).want(t, 200).object(t)
		if me["time_zone"] != "Europe/Berlin" {
			t.Fatalf("a refused change changed the zone: got %v", me["time_zone"])
		}
	})
	t.Run("back to the defaults", func(t *testing.T) {
		me := e.do(t, call{method: "PATCH", path: "/api/v1/me", token: tok, body: map[string]string{"language": "", "time_zone": ""}}).want(t, 200).object(t)
		if me["language"] != "" || me["time_zone"] != "" {
			t.Fatalf("got %v %v, want both empty", me["language"], me["time_zone"])
		}
	})
}
