package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// securityReach names the operations site security reaches and its answer to each;
// every other operation answers site security as it answers a caller without
// credentials (the role matrix's "anonymous" column).
var securityReach = map[string]int{
	"GET /api/v1/sites/{id}/parking": 200,
	"DELETE /api/v1/tokens/current":  204,
}

// securityAnswer is the status row answers site security with.
func securityAnswer(row matrixRow) int {
	if want, ok := securityReach[row.method+" "+row.path]; ok {
		return want
	}
	return row.want[0]
}

// TestSiteSecurityReadsOnlyTheParkingList: an admin makes a member site security; from
// then on the same token reads the day's parking list of a site, as JSON and as CSV, and
// is refused everything else as a stranger is, on both engines.
func TestSiteSecurityReadsOnlyTheParkingList(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			admin := e.member(t, "Ada Admin", carpool.RoleAdmin)
			fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
			guard := e.quickMember(t, "Gus Guard")
			// The site is the rides' destination (rideBody goes to the airport).
			site := str(e.do(t, call{method: "POST", path: "/api/v1/sites", token: fleet.token,
				body: map[string]any{"name": "Airport office", "address": "Terminal 2", "lat": 48.3537, "lon": 11.7862}}).want(t, 201).object(t)["id"])
			e.do(t, call{method: "POST", path: "/api/v1/sites/" + site + "/parking-spaces", token: fleet.token,
				body: map[string]any{"label": "P7"}}).want(t, 201)
			at := time.Now().UTC().AddDate(0, 0, 2)
			depart := time.Date(at.Year(), at.Month(), at.Day(), 8, 0, 0, 0, time.UTC)
			driver := e.quickMember(t, "Dora Driver")
			car := e.privateCar(t, driver, 4)
			ride := e.do(t, call{method: "POST", path: "/api/v1/rides", token: driver.token,
				body: rideBody(str(car["id"]), depart, 3, "instant")}).want(t, 201).object(t)
			e.book(t, e.quickMember(t, "Pia Passenger"), str(ride["id"]), 1, false).want(t, 201)
			list := "/api/v1/sites/" + site + "/parking?date=" + depart.Format("2006-01-02")

			// A member reads neither the list nor, yet, is refused anything else.
			e.do(t, call{method: "GET", path: list, token: guard.token}).problem(t, 403, carpool.EFORBIDDEN, "")
			e.do(t, call{method: "GET", path: "/api/v1/me", token: guard.token}).want(t, 200)

			var changed map[string]any
			e.do(t, call{method: "POST", path: "/api/v1/members/" + guard.ID + "/role", token: admin.token,
				body: map[string]any{"role": "site_security"}}).want(t, 200).decode(t, &changed)
			if changed["role"] != "site_security" {
				t.Fatalf("role after the change: got %v, want site_security", changed["role"])
			}

			var got struct {
				Items []struct {
					Space, Plate string
					DriverName   string `json:"driver_name"`
				} `json:"items"`
			}
			e.do(t, call{method: "GET", path: list, token: guard.token}).want(t, 200).decode(t, &got)
			if len(got.Items) != 1 || got.Items[0].Space != "P7" || got.Items[0].Plate != str(car["plate"]) || got.Items[0].DriverName != "Dora Driver" {
				t.Errorf("the guard's list: got %+v, want P7 for Dora Driver's %v", got.Items, car["plate"])
			}
			res := e.do(t, call{method: "GET", path: list + "&format=csv", token: guard.token}).want(t, 200)
			rows, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
			if err != nil || len(rows) != 2 || !slices.Equal(rows[1][:3], []string{"P7", str(car["plate"]), "Dora Driver"}) {
				t.Errorf("the guard's CSV: got %q, %v", res.body, err)
			}
			e.do(t, call{method: "GET", path: "/api/v1/sites/" + site + "/parking", token: guard.token, invalid: true}).
				problem(t, 422, carpool.EINVALID, "date")

			// Everything else, reads of the site and the guard's own account included,
			// answers as to a stranger.
			for _, c := range []call{
				{method: "GET", path: "/api/v1/me"},
				{method: "GET", path: "/api/v1/sites"},
				{method: "GET", path: "/api/v1/sites/" + site},
				{method: "GET", path: "/api/v1/sites/" + site + "/parking-spaces"},
				{method: "GET", path: "/api/v1/rides/" + str(ride["id"])},
				{method: "GET", path: "/api/v1/sites/" + site + "/check-in-code"},
				{method: "POST", path: "/api/v1/sites/" + site + "/parking-spaces", body: map[string]any{"label": "P8"}},
			} {
				c.token = guard.token
				p := e.do(t, c).problem(t, 401, carpool.EUNAUTHORIZED, "")
				if p.Detail != "this account may only read the parking lists of sites" {
					t.Errorf("%s %s: detail %q", c.method, c.path, p.Detail)
				}
			}

			// Signing out works, and ends the token for the list too.
			e.do(t, call{method: "DELETE", path: "/api/v1/tokens/current", token: guard.token}).want(t, 204)
			e.do(t, call{method: "GET", path: list, token: guard.token}).problem(t, 401, carpool.EUNAUTHORIZED, "")
		})
	}
}
