package httpapi_test

import (
	"encoding/json"
	"testing"

	"carpool/internal/carpool"
)

// TestProblemTitleFollowsAcceptLanguage: a problem's title speaks the client's language;
// its detail, code and type stay the same for every client.
func TestProblemTitleFollowsAcceptLanguage(t *testing.T) {
	e := newEnv(t, envOptions{})
	admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
	body := func(accept string) map[string]any {
		t.Helper()
		c := call{method: "POST", path: "/api/v1/sites", token: admin.token, body: map[string]any{"name": "", "address": "x", "lat": 99, "lon": 0}, invalid: true}
		if accept != "" {
			c.header = map[string]string{"Accept-Language": accept}
		}
		res := e.do(t, c)
		if res.status != 422 {
			t.Fatalf("invalid site: got %d, want 422", res.status)
		}
		if v := res.header.Values("Vary"); len(v) == 0 {
			t.Errorf("problem without Vary: Accept-Language")
		}
		var m map[string]any
		if err := json.Unmarshal(res.body, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en, de, fr := body(""), body("de-DE,de;q=0.9"), body("fr")
	if en["title"] != "Unprocessable Entity" || fr["title"] != "Unprocessable Entity" {
		t.Errorf("title without German: got %q and %q, want Unprocessable Entity", en["title"], fr["title"])
	}
	if de["title"] != "Ungültige Angaben" {
		t.Errorf("German title: got %q, want Ungültige Angaben", de["title"])
	}
	for _, k := range []string{"detail", "code", "type", "field"} {
		if de[k] != en[k] {
			t.Errorf("%s: German %q, English %q, want the same", k, de[k], en[k])
		}
	}
}
