package paramguard_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"carpool/internal/paramguard"
)

// route runs Check on a request to target routed by a ServeMux with pattern, as the
// edges do, and returns its verdict.
func route(t testing.TB, pattern, target string) *paramguard.Refusal {
	var got *paramguard.Refusal
	mux := http.NewServeMux()
	mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) { got = paramguard.Check(r) })
	req := httptest.NewRequest(http.MethodGet, "http://x/", nil)
	u, err := url.Parse(target)
	if err != nil {
		t.Skip("not a URL")
	}
	req.URL = u
	req.RequestURI = ""
	mux.ServeHTTP(httptest.NewRecorder(), req)
	return got
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		pattern, target string
		status          int
		field           string
	}{
		{"GET /rides/{id}", "/rides/01abc", 0, ""},
		{"GET /rides/{id}", "/rides/a%00b", 404, "id"},
		{"GET /rides/{id}", "/rides/a%FFb", 404, "id"},
		{"GET /rides/{id}", "/rides/" + strings.Repeat("a", 65), 404, "id"},
		{"GET /calendar/{file}", "/calendar/abc.ics", 0, ""},
		{"GET /calendar/{file}", "/calendar/a%E2%80%AEb.ics", 404, "file"},
		{"GET /rides", "/rides?q=M%C3%BCnchen&cursor=abc", 0, ""},
		{"GET /rides", "/rides?q=a%07b", 400, "q"},
		{"GET /rides", "/rides?q=" + strings.Repeat("a", paramguard.MaxQueryValue+1), 400, "q"},
		{"GET /rides", "/rides?car_id=a%20b", 400, "car_id"},
		{"GET /rides", "/rides?car_id=", 0, ""},
		{"GET /rides", "/rides?x=%zz", 400, ""},
		{"GET /rides", "/rides?a%00=1", 400, ""},
	} {
		got := route(t, tc.pattern, tc.target)
		switch {
		case tc.status == 0 && got != nil:
			t.Errorf("%s: refused %+v, want it served", tc.target, got)
		case tc.status != 0 && (got == nil || got.Status != tc.status || got.Field != tc.field):
			t.Errorf("%s: got %+v, want %d about %q", tc.target, got, tc.status, tc.field)
		}
	}
}

// FuzzQueryGuard: whatever query string comes in, a request the guard lets through holds
// only query values that are valid UTF-8 without control or bidi characters and bounded.
func FuzzQueryGuard(f *testing.F) {
	for _, s := range []string{"q=abc", "q=a%00b", "cursor=%ff", "a=1&a=2", "x=%zz", "q=%E2%80%AE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.ContainsAny(raw, "#") {
			return
		}
		got := route(t, "GET /list", "/list?"+raw)
		if got != nil {
			return
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatalf("served a query the URL parser refuses: %q", raw)
		}
		for k, vs := range q {
			for _, v := range append(vs, k) {
				if !utf8.ValidString(v) || len(v) > paramguard.MaxQueryValue {
					t.Fatalf("served %q", v)
				}
				for _, r := range v {
					if unicode.IsControl(r) || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
						t.Fatalf("served %q", v)
					}
				}
			}
		}
	})
}
