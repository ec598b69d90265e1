package web_test

import (
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/web"
	"carpool/internal/web/webtest"
)

// badParamValues can be no parameter's value: PostgreSQL cannot compare the first two
// with text at all, and the third is longer than any id, cursor or search.
var badParamValues = map[string]string{
	"NUL":      "a\x00b",
	"0xFF":     "a\xffb",
	"overlong": strings.Repeat("a", 5000),
}

// paramRead finds the parameters the UI's handlers read by name.
var paramRead = regexp.MustCompile(`(?:Get|FormValue|PostFormValue|PathValue|lookupField\(r,)\("([a-z_]+)"`)

// readParams lists every parameter name the web package's handlers read, from its
// source, so a new one is covered without a change to this test.
func readParams(t *testing.T) []string {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range paramRead.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
		}
	}
	slices.Sort(names)
	if len(names) < 20 {
		t.Fatalf("found only %d parameter names in the web package: %v", len(names), names)
	}
	return append(names, "unexpected")
}

// TestBadParametersOfEveryRoute sends NUL, 0xFF and an overlong value in every path
// wildcard of every route of the UI (web.Routes) and in the query parameters its
// handlers read, signed in as an admin, on both engines: a path value that cannot exist
// is 404, a query value that cannot be valid is 400, and nothing is a 5xx.
//
// Each route gets each bad value in one query parameter, the names taken in turn, so
// every name is sent to several routes and every route gets several names. The guard
// decides by the name and the value alone, and every route is registered behind it
// (routeMux.Handle); what can differ between routes is whether a request reaches the
// guard, which this covers. Every name on every route was about 60 times the requests:
// 107 s of the race-detector run for nothing more.
func TestBadParametersOfEveryRoute(t *testing.T) {
	names := readParams(t)
	wildcard := regexp.MustCompile(`\{([a-z_]+)(?:\.\.\.)?\}`)
	for _, engine := range []struct {
		name     string
		postgres bool
	}{{"sqlite", false}, {"postgres", true}} {
		t.Run(engine.name, func(t *testing.T) {
			a := webtest.Start(t, webtest.Options{Postgres: engine.postgres})
			admin := a.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin)
			b := newBrowser(t, a)
			b.signInAs(admin)
			send := func(method, path string, want int, what string) {
				t.Helper()
				req, err := http.NewRequest(method, a.URL+path, strings.NewReader(""))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, body := b.do(req)
				if res.StatusCode != want {
					t.Errorf("%s %.120s (%s): got %d, want %d:\n%.300s", method, path, what, res.StatusCode, want, body)
				}
			}
			turn := 0
			for _, pattern := range web.Routes() {
				method, path, ok := strings.Cut(pattern, " ")
				if !ok {
					method, path = "GET", pattern
				}
				path = strings.TrimSuffix(path, "{$}")
				wildcards := wildcard.FindAllStringSubmatch(path, -1)
				for _, what := range slices.Sorted(maps.Keys(badParamValues)) {
					bad := badParamValues[what]
					for _, w := range wildcards {
						send(method, fillOne(path, wildcard, w[0], url.PathEscape(bad)), http.StatusNotFound, w[1]+" "+what)
					}
					name := names[turn%len(names)]
					turn++
					send(method, fillOne(path, wildcard, "", "")+"?"+url.Values{name: {bad}}.Encode(), http.StatusBadRequest, name+" "+what)
				}
			}
			if turn < 2*len(names) {
				t.Fatalf("%d requests with a bad query value for %d names: each name went to fewer than two routes", turn, len(names))
			}
		})
	}
}

// fillOne replaces the wildcard target of path with value and every other one with a
// valid id that names nothing ("" as target: every one).
func fillOne(path string, wildcard *regexp.Regexp, target, value string) string {
	return wildcard.ReplaceAllStringFunc(path, func(w string) string {
		if w == target {
			return value
		}
		return carpool.NewID()
	})
}
