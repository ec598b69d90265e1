package httpapi_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestReportParkingAndProofs: the fleet report counts the carpool spaces used at each
// site and day, the carpools that found none, and the proof records by class; one
// site's report has its own days and no proof classes; on both engines.
func TestReportParkingAndProofs(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
			// The site is the rides' destination (rideBody goes to the airport); another
			// site far away has no carpools.
			site := str(e.do(t, call{method: "POST", path: "/api/v1/sites", token: fleet.token,
				body: map[string]any{"name": "Airport office", "address": "Terminal 2", "lat": 48.3537, "lon": 11.7862}}).want(t, 201).object(t)["id"])
			other := str(e.do(t, call{method: "POST", path: "/api/v1/sites", token: fleet.token,
				body: map[string]any{"name": "Harbour office", "address": "Kai 1", "lat": 53.54, "lon": 9.98}}).want(t, 201).object(t)["id"])
			e.do(t, call{method: "POST", path: "/api/v1/sites/" + site + "/parking-spaces", token: fleet.token,
				body: map[string]any{"label": "P1"}}).want(t, 201)

			carpoolAt := func(depart time.Time) (string, member) {
				driver := e.quickMember(t, "Dora Driver "+plate())
				ride := str(e.do(t, call{method: "POST", path: "/api/v1/rides", token: driver.token,
					body: rideBody(str(e.privateCar(t, driver, 4)["id"]), depart, 3, "instant")}).want(t, 201).object(t)["id"])
				e.book(t, e.quickMember(t, "Pia Passenger "+plate()), ride, 1, false).want(t, 201)
				return ride, driver
			}
			// Two carpools at 08:00 UTC in three days: one holds P1, one finds none.
			at := time.Now().UTC().AddDate(0, 0, 3)
			later := time.Date(at.Year(), at.Month(), at.Day(), 8, 0, 0, 0, time.UTC)
			carpoolAt(later)
			carpoolAt(later.Add(5 * time.Minute))
			// A carpool leaving in ten minutes: its driver checks in at the start, so its
			// passenger's record is class B. It holds P1 on its own day.
			soon, driver := carpoolAt(future(10 * time.Minute))
			e.do(t, call{method: "POST", path: "/api/v1/rides/" + soon + "/check-ins", token: driver.token,
				body: map[string]any{"lat": 48.1372, "lon": 11.5756}}).want(t, 201)

			from, to := future(-24*time.Hour), future(5*24*time.Hour)
			var rep struct {
				Parking struct {
					FromDate             string `json:"from_date"`
					ToDate               string `json:"to_date"`
					SpacesUsed           int    `json:"spaces_used"`
					CarpoolsWithoutSpace int    `json:"carpools_without_space"`
					Days                 []struct {
						SiteID               string `json:"site_id"`
						Site, Date           string
						SpacesUsed           int `json:"spaces_used"`
						CarpoolsWithoutSpace int `json:"carpools_without_space"`
					}
					ProofClasses *struct {
						A, B, C int
						NoShow  int `json:"no_show"`
					} `json:"proof_classes"`
				}
			}
			q := "/api/v1/reports?from=" + rfc3339(from) + "&to=" + rfc3339(to)
			e.do(t, call{method: "GET", path: q, token: fleet.token}).want(t, 200).decode(t, &rep)
			p := rep.Parking
			if p.SpacesUsed != 2 || p.CarpoolsWithoutSpace != 1 {
				t.Errorf("totals: got %d used, %d without, want 2 and 1", p.SpacesUsed, p.CarpoolsWithoutSpace)
			}
			if p.FromDate != from.UTC().Format("2006-01-02") || p.ToDate != to.Add(-time.Nanosecond).UTC().Format("2006-01-02") {
				t.Errorf("days: got %s to %s for %s to %s", p.FromDate, p.ToDate, rfc3339(from), rfc3339(to))
			}
			day := later.Format("2006-01-02")
			found := false
			for _, d := range p.Days {
				if d.SiteID == other {
					t.Errorf("a day of the site without carpools: %+v", d)
				}
				if d.Date == day {
					found = true
					if d.SiteID != site || d.Site != "Airport office" || d.SpacesUsed != 1 || d.CarpoolsWithoutSpace != 1 {
						t.Errorf("%s: got %+v, want Airport office with 1 used, 1 without", day, d)
					}
				}
			}
			if !found || len(p.Days) != 2 {
				t.Errorf("days: got %+v, want two, %s among them", p.Days, day)
			}
			if c := p.ProofClasses; c == nil || c.A != 0 || c.B != 1 || c.C != 0 || c.NoShow != 0 {
				t.Errorf("proof classes: got %+v, want one B", c)
			}

			// The other site's report has no days, and no proof classes.
			rep.Parking.ProofClasses, rep.Parking.Days = nil, nil
			e.do(t, call{method: "GET", path: q + "&site_id=" + other, token: fleet.token}).want(t, 200).decode(t, &rep)
			if p := rep.Parking; len(p.Days) != 0 || p.SpacesUsed != 0 || p.ProofClasses != nil {
				t.Errorf("the harbour's report: got %+v, want nothing", p)
			}
		})
	}
}
