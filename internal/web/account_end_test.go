package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// api calls the REST API of a with a bearer token and returns the status and body.
func api(t *testing.T, a *webtest.App, method, path, token string, body any) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := a.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// signIn returns an API token of the member with address email.
func signIn(t *testing.T, a *webtest.App, email string) string {
	t.Helper()
	status, body := api(t, a, "POST", "/api/v1/tokens", "", map[string]string{"email": email, "password": webtest.Password})
	var tok struct{ Token string }
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &tok) != nil {
		t.Fatalf("sign in %s: %d %s", email, status, body)
	}
	return tok.Token
}

// TestFeedsEndWithTheAccountAndErasureIsFinal, on both engines: a member's calendar
// feed stops answering when their password changes, when they are deactivated (also a
// feed token written before deactivation revoked feeds) and when they are erased; an
// erased member cannot be reactivated (409 saying why) and the members page offers no
// such action for them.
func TestFeedsEndWithTheAccountAndErasureIsFinal(t *testing.T) {
	for _, engine := range []struct {
		name     string
		postgres bool
	}{{"sqlite", false}, {"postgres", true}} {
		t.Run(engine.name, func(t *testing.T) {
			a := webtest.Start(t, webtest.Options{Postgres: engine.postgres})
			ctx := context.Background()
			admin := a.AddMember(t, "ada@example.com", "Ada Admin", "", carpool.RoleAdmin)
			adminToken := signIn(t, a, admin.Email)
			feed := func(m carpool.Member) string {
				t.Helper()
				token := (carpool.NewID() + carpool.NewID())[16:64] // unique, as long as a real feed token
				sum := sha256.Sum256([]byte(token))
				if err := a.Store.SetCalendarToken(ctx, m.ID, hex.EncodeToString(sum[:]), time.Now()); err != nil {
					t.Fatal(err)
				}
				return "/calendar/" + token + ".ics"
			}
			status := func(path string) int {
				t.Helper()
				res, err := a.Server.Client().Get(a.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}

			ann := a.AddMember(t, "ann@example.com", "Ann", "", carpool.RoleMember)
			annFeed := feed(ann)
			if got := status(annFeed); got != http.StatusOK {
				t.Fatalf("a live feed: got %d, want 200", got)
			}
			if got, body := api(t, a, "POST", "/api/v1/me/password", signIn(t, a, ann.Email),
				map[string]string{"current_password": webtest.Password, "new_password": "another horse battery staple"}); got != http.StatusNoContent {
				t.Fatalf("change password: %d %s", got, body)
			}
			if got := status(annFeed); got != http.StatusNotFound {
				t.Errorf("the feed after a password change: got %d, want 404", got)
			}

			bob := a.AddMember(t, "bob@example.com", "Bob", "", carpool.RoleMember)
			bobFeed := feed(bob)
			if got, body := api(t, a, "POST", "/api/v1/members/"+bob.ID+"/deactivate", adminToken, nil); got != http.StatusOK {
				t.Fatalf("deactivate: %d %s", got, body)
			}
			if got := status(bobFeed); got != http.StatusNotFound {
				t.Errorf("the feed after deactivation: got %d, want 404", got)
			}
			if got := status(feed(bob)); got != http.StatusNotFound {
				t.Errorf("a feed token a deactivated member still holds: got %d, want 404", got)
			}

			cy := a.AddMember(t, "cy@example.com", "Cy", "", carpool.RoleMember)
			cyFeed := feed(cy)
			if got, body := api(t, a, "POST", "/api/v1/members/"+cy.ID+"/erase", adminToken, nil); got != http.StatusNoContent {
				t.Fatalf("erase: %d %s", got, body)
			}
			if got := status(cyFeed); got != http.StatusNotFound {
				t.Errorf("the feed after erasure: got %d, want 404", got)
			}
			got, body := api(t, a, "POST", "/api/v1/members/"+cy.ID+"/reactivate", adminToken, nil)
			if got != http.StatusConflict || !strings.Contains(body, "erased, which is final") {
				t.Errorf("reactivate an erased member: got %d %s, want 409 saying erasure is final", got, body)
			}
			if m, err := a.Store.Member(ctx, cy.ID); err != nil || m.Active() {
				t.Errorf("the erased member after the refused reactivation: active=%v (%v)", m.Active(), err)
			}

			b := newBrowser(t, a)
			b.signInAs(admin)
			_, page := b.get("/admin/members?all=1")
			if !strings.Contains(page, "/admin/members/"+bob.ID+"/reactivate") {
				t.Errorf("the members page offers no reactivation of the deactivated Bob")
			}
			if strings.Contains(page, "/admin/members/"+cy.ID+"/reactivate") {
				t.Errorf("the members page offers to reactivate the erased member")
			}
		})
	}
}
