package httpapi_test

import (
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"carpool/internal/carpool"
)

// badParamValues can be no parameter's value: PostgreSQL cannot compare the first two
// with text at all, and the third is longer than any id, cursor or search.
var badParamValues = map[string]string{
	"NUL":      "a\x00b",
	"0xFF":     "a\xffb",
	"overlong": strings.Repeat("a", 5000),
}

// TestBadParametersOfEveryOperation sends NUL, 0xFF and an overlong value to every path
// and query parameter of every operation of openapi.yaml, and to a parameter no
// operation reads, as an admin, on both engines: a path id that cannot exist is 404, a
// query value that cannot be valid is 400 naming the parameter, and nothing is a 5xx.
func TestBadParametersOfEveryOperation(t *testing.T) {
	doc := loadSpec(t)
	type param struct{ method, path, in, name string }
	var params []param
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			params = append(params, param{method, path, "query", "unexpected"})
			for _, ref := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p := ref.Value; p.In == "path" || p.In == "query" {
					params = append(params, param{method, path, p.In, p.Name})
				}
			}
		}
	}
	sort.Slice(params, func(i, j int) bool {
		a, b := params[i], params[j]
		return a.path+a.method+a.name < b.path+b.method+b.name
	})
	if len(params) < 50 {
		t.Fatalf("found only %d parameters in openapi.yaml", len(params))
	}
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
			for _, p := range params {
				for what, bad := range badParamValues {
					path, query := p.path, url.Values{}
					if p.in == "path" {
						path = strings.ReplaceAll(path, "{"+p.name+"}", url.PathEscape(bad))
					} else {
						query.Set(p.name, bad)
					}
					path = strings.ReplaceAll(path, "{id}", carpool.NewID()) // the other ids: valid, unknown
					if len(query) > 0 {
						path += "?" + query.Encode()
					}
					c := call{method: p.method, path: path, token: admin.token, invalid: true}
					if p.method == "POST" || p.method == "PATCH" || p.method == "PUT" {
						c.raw = []byte("{}")
					}
					res := e.do(t, c)
					want := 400
					if p.in == "path" {
						want = 404
					}
					if res.status != want {
						t.Errorf("%s %s, %s %s %s: got %d, want %d: %.300s", p.method, p.path, p.in, p.name, what, res.status, want, res.body)
						continue
					}
					if p.in == "query" {
						if f := problemFields(t, res); f[0] != p.name {
							t.Errorf("%s %s, query %s %s: the problem names %q", p.method, p.path, p.name, what, f[0])
						}
					}
				}
			}
		})
	}
}
