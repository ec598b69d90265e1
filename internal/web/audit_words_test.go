package web_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
	"carpool/internal/storetest"
	"carpool/internal/web/webtest"
)

// TestEveryAuditActionIsTranslated: each audit action the domain declares has its words
// in every catalogue, so the audit page never shows a code like "ride_home.requested".
func TestEveryAuditActionIsTranslated(t *testing.T) {
	files, err := filepath.Glob("../carpool/*.go")
	mustDo(t, err)
	var actions []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		mustDo(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range spec.Names {
				if !strings.HasPrefix(id.Name, "Audit") || i >= len(spec.Values) {
					continue
				}
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, err := strconv.Unquote(lit.Value)
					mustDo(t, err)
					actions = append(actions, v)
				}
			}
			return true
		})
	}
	if len(actions) < 20 {
		t.Fatalf("found only %d audit actions in internal/carpool: %v", len(actions), actions)
	}
	for _, tag := range locale.Supported {
		p := locale.For(tag)
		for _, a := range actions {
			if !p.Has("audit.action." + a) {
				t.Errorf("%s: audit action %q has no text audit.action.%s", tag, a, a)
			}
		}
	}
}

// TestAuditLogReadsInGerman: a German admin reads the audit log in German, its details
// being data, not English sentences: the driver of a ride the admin cancelled by name,
// a changed site by its name.
func TestAuditLogReadsInGerman(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	mustDo(t, err)
	a := webtest.Start(t, webtest.Options{Location: berlin})
	ctx := context.Background()
	admin := a.AddMember(t, "adelheid@example.com", "Adelheid Verwalterin", "", carpool.RoleAdmin)
	admin, err = storetest.NewFlows(a.Store).ChangeMember(ctx, admin.ID, func(m *carpool.Member) error { m.Language = "de"; return nil })
	mustDo(t, err)
	dora := a.AddMember(t, "dora@example.com", "Dora Fahrerin", "", carpool.RoleMember)
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B DF 1", Make: "VW", Model: "Golf", Seats: 4, OwnerID: dora.ID,
		Status: carpool.CarActive, Version: 1}
	mustDo(t, a.Store.CreateCar(ctx, car))
	ride, err := storetest.NewFlows(a.Store).CreateRide(ctx, carpool.RideInput{CarID: car.ID, DepartAt: time.Now().Add(48 * time.Hour), Seats: 3,
		From: carpool.Place{Label: "Berlin", Lat: 52.52, Lon: 13.40}, To: carpool.Place{Label: "Potsdam", Lat: 52.39, Lon: 13.06}}, dora)
	mustDo(t, err)

	b := newBrowser(t, a)
	b.signInAs(admin)
	if res, body := b.post("/rides/"+ride.ID+"/cancel", url.Values{"csrf": {b.csrf("/rides/" + ride.ID)}, "confirmed": {"yes"}}, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the admin cancels Dora's ride: got %d:\n%s", res.StatusCode, body)
	}
	site := map[string][]string{"name": {"Zentrale"}, "address": {"Bahnhofstraße 1"}, "location": {"at:52.391,13.066|Bahnhofstraße"}, "time_zone": {"Europe/Berlin"}}
	form := url.Values(site)
	form.Set("csrf", b.csrf("/fleet"))
	if res, body := b.post("/fleet/sites", form, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("site: got %d:\n%s", res.StatusCode, body)
	}
	sites, _, err := a.Store.Sites(ctx, carpool.Page{})
	mustDo(t, err)
	form.Set("name", "Zentrale Potsdam")
	form.Set("version", "1")
	form.Set("csrf", b.csrf("/fleet/sites/"+sites[0].ID))
	if res, body := b.post("/fleet/sites/"+sites[0].ID, form, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("site change: got %d:\n%s", res.StatusCode, body)
	}

	purged := carpool.PurgeDetail{Purged: carpool.Purged{Notifications: 12, Audit: 3}, Before: time.Date(2025, 12, 7, 3, 0, 0, 0, time.UTC)}
	mustDo(t, a.Store.AppendAudit(ctx, carpool.NewAuditEntry(carpool.Member{}, carpool.AuditRetentionPurged, "retention", "", purged.String(), time.Now())))

	_, body := b.get("/admin/audit")
	row := func(action string) string {
		i := strings.Index(body, `data-action="`+action+`"`)
		if i < 0 {
			t.Fatalf("audit page: no %s entry:\n%s", action, body)
		}
		end := strings.Index(body[i:], "</tr>")
		return body[i : i+end]
	}
	for action, want := range map[string][]string{
		carpool.AuditRideCancelled: {"Fahrt von einem Admin abgesagt", "Dora Fahrerin"},
		carpool.AuditSiteChanged:   {"Standort geändert", "Zentrale Potsdam"},
		carpool.AuditSiteCreated:   {"Standort angelegt", "Zentrale"},
		carpool.AuditRetentionPurged: {"12 Benachrichtigungen", "3 Protokolleinträge",
			locale.ForCode("de", locale.Default).When(purged.Before.In(berlin))},
	} {
		r := row(action)
		for _, w := range want {
			if !strings.Contains(r, w) {
				t.Errorf("audit entry %s: want %q in %s", action, w, r)
			}
		}
		for _, english := range []string{"driven by", "version", dora.ID, "deleted", `"before"`} {
			if strings.Contains(r, english) {
				t.Errorf("audit entry %s: says %q: %s", action, english, r)
			}
		}
	}
}
