package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// securityReach names the routes site security reaches and its answer to each; every
// other route answers site security as it answers a visitor who is not signed in (the
// web role matrix's "anonymous" column).
var securityReach = map[string]int{
	"GET /parking":                      200,
	"GET /fleet/sites/{id}/parking":     200,
	"GET /fleet/sites/{id}/parking.csv": 200,
	"POST /signout":                     303,
}

// securityVisit is the status row answers site security with.
func securityVisit(row webRow) int {
	if want, ok := securityReach[row.route]; ok {
		return want
	}
	return row.want[0]
}

// TestSiteSecurityPages: a guard lands on the parking lists after signing in, follows
// a site's link to its printable list of today and its CSV, and every other page sends
// them back to the lists; the page offers no link they could not follow.
func TestSiteSecurityPages(t *testing.T) {
	s := newSite(t)
	b := newBrowser(t, s.app)
	res, _ := b.post("/signin", url.Values{"csrf": {b.csrf("/signin")}, "email": {s.guard.Email}, "password": {webtest.Password}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: got %d, want 303", res.StatusCode)
	}
	for _, path := range []string{"/", "/rides", "/profile", "/fleet", "/fleet/sites/" + s.hq.ID, "/notifications"} {
		res, _ := b.get(path)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/parking" {
			t.Errorf("%s: got %d to %q, want 303 to /parking", path, res.StatusCode, loc)
		}
	}
	res, page := b.get("/parking")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, s.hq.Name) {
		t.Fatalf("/parking: got %d without %q:\n%s", res.StatusCode, s.hq.Name, page)
	}
	link := "/fleet/sites/" + s.hq.ID + "/parking?date="
	if !strings.Contains(page, link) {
		t.Fatalf("/parking has no link to the HQ's list %s", link)
	}
	for _, banned := range []string{`href="/rides"`, `href="/profile"`, `href="/notifications"`, `href="/fleet"`} {
		if strings.Contains(page, banned) {
			t.Errorf("/parking links %s, which site security cannot open", banned)
		}
	}
	res, page = b.get("/fleet/sites/" + s.hq.ID + "/parking")
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `id="parking-csv"`) || strings.Contains(page, `href="/fleet/sites/`+s.hq.ID+`#parking"`) {
		t.Errorf("the day's list: got %d, want 200 with the CSV link and no link to the site page:\n%s", res.StatusCode, page)
	}
	res, csvBody := b.get("/fleet/sites/" + s.hq.ID + "/parking.csv")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(csvBody, "space,plate,driver,arrival") {
		t.Errorf("the day's CSV: got %d %q", res.StatusCode, csvBody)
	}
	// A member is refused the lists, as before.
	_, mb := s.who("member")
	if res, _ := mb.get("/parking"); res.StatusCode != http.StatusForbidden {
		t.Errorf("a member's /parking: got %d, want 403", res.StatusCode)
	}
	if s.guard.Role != carpool.RoleSiteSecurity {
		t.Fatalf("the guard's role: got %q", s.guard.Role)
	}
}
