package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"carpool/internal/carpool"
)

// TestPartnersLifecycle registers, lists and revokes a partner as an admin, on both
// engines: the key is shown once and kept only as its hash, a revocation is written to
// the audit log, and bad input names its field.
func TestPartnersLifecycle(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
			fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)

			created := e.do(t, call{method: "POST", path: "/api/v1/partners", token: admin.token,
				body: map[string]any{"name": "  City journey planner "}}).want(t, 201).object(t)
			id, key := str(created["id"]), str(created["key"])
			if created["name"] != "City journey planner" || !strings.HasPrefix(key, carpool.PartnerKeyPrefix) || len(key) < 40 {
				t.Fatalf("created: %v", created)
			}
			stored, err := e.store.PartnerByKeyHash(context.Background(), carpool.HashToken(key))
			if err != nil || stored.ID != id || stored.KeyHash == key || strings.Contains(stored.KeyHash, key) {
				t.Fatalf("stored partner %+v, %v: want it found by the key's hash, without the key", stored, err)
			}

			list := e.do(t, call{method: "GET", path: "/api/v1/partners", token: admin.token}).want(t, 200)
			if strings.Contains(string(list.body), key) || !strings.Contains(string(list.body), id) {
				t.Fatalf("list shows the key or misses the partner: %s", list.body)
			}

			bad := e.do(t, call{method: "POST", path: "/api/v1/partners", token: admin.token,
				body: map[string]any{"name": " "}, invalid: true}).want(t, 422)
			var p problem
			bad.decode(t, &p)
			if p.Field != "name" {
				t.Errorf("blank name: field %q, want name", p.Field)
			}
			e.do(t, call{method: "POST", path: "/api/v1/partners", token: fleet.token,
				body: map[string]any{"name": "Not mine"}}).want(t, 403)

			revoked := e.do(t, call{method: "POST", path: "/api/v1/partners/" + id + "/revoke", token: admin.token}).want(t, 200).object(t)
			if revoked["active"] != false || str(revoked["revoked_at"]) == "" {
				t.Fatalf("revoked: %v", revoked)
			}
			e.do(t, call{method: "POST", path: "/api/v1/partners/" + id + "/revoke", token: admin.token}).want(t, 409)
			e.do(t, call{method: "POST", path: "/api/v1/partners/" + carpool.NewID() + "/revoke", token: admin.token}).want(t, 404)

			audit, _, err := e.store.AuditLog(context.Background(), carpool.AuditFilter{SubjectID: id}, carpool.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			actions := map[string]string{}
			for _, a := range audit {
				actions[a.Action] = a.ActorID
			}
			if actions[carpool.AuditPartnerCreated] != admin.ID || actions[carpool.AuditPartnerRevoked] != admin.ID {
				t.Errorf("audit of the partner: %+v, want created and revoked by the admin", audit)
			}
		})
	}
}

// TestShareWithPartnersSetting: off for a new member, turned on and off by PATCH /me.
func TestShareWithPartnersSetting(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			m := e.quickMember(t, "Sam Share")
			if got := e.do(t, call{method: "GET", path: "/api/v1/me", token: m.token}).want(t, 200).object(t)["share_with_partners"]; got != false {
				t.Fatalf("share_with_partners of a new member: %v, want false", got)
			}
			for _, want := range []bool{true, false} {
				got := e.do(t, call{method: "PATCH", path: "/api/v1/me", token: m.token,
					body: map[string]any{"share_with_partners": want}}).want(t, 200).object(t)["share_with_partners"]
				stored, err := e.store.Member(context.Background(), m.ID)
				if err != nil || got != want || stored.ShareWithPartners != want {
					t.Fatalf("after PATCH %v: answered %v, stored %v (%v)", want, got, stored.ShareWithPartners, err)
				}
			}
		})
	}
}
