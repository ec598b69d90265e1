package httpapi_test

import (
	"testing"

	"carpool/internal/carpool"
)

// TestSiteTimeZone: a site carries the zone of its clocks on GET, POST and PATCH; a zone
// that is none is refused with every other wrong field; no zone means the installation's;
// a site's report counts its weeks from Monday 00:00 on the site's clock. Both engines.
func TestSiteTimeZone(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			e := engine.env(t, envOptions{})
			fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
			body := func(zone string) map[string]any {
				b := map[string]any{"name": "Potsdam " + carpool.NewID()[:6], "address": "Am Kanal 1", "lat": 52.39, "lon": 13.06}
				if zone != "-" {
					b["time_zone"] = zone
				}
				return b
			}
			berlin := e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token, body: body("Europe/Berlin")}).want(t, 201).object(t)
			if berlin["time_zone"] != "Europe/Berlin" {
				t.Fatalf("created: got %v, want Europe/Berlin", berlin["time_zone"])
			}
			id := str(berlin["id"])
			got := e.do(t, call{method: "GET", path: "/api/v1/sites/" + id, token: fm.token}).want(t, 200).object(t)
			if got["time_zone"] != "Europe/Berlin" {
				t.Fatalf("read back: got %v", got["time_zone"])
			}
			var list struct{ Items []map[string]any }
			e.do(t, call{method: "GET", path: "/api/v1/sites", token: fm.token}).want(t, 200).decode(t, &list)
			if len(list.Items) != 1 || list.Items[0]["time_zone"] != "Europe/Berlin" {
				t.Fatalf("list: got %v", list.Items)
			}
			if plain := e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token, body: body("-")}).want(t, 201).object(t); plain["time_zone"] != nil {
				t.Fatalf("a site without a zone: got %v, want none (the installation's)", plain["time_zone"])
			}

			p := e.do(t, call{method: "POST", path: "/api/v1/sites", token: fm.token, invalid: true,
				body: map[string]any{"name": "", "address": "x", "lat": 1, "lon": 1, "time_zone": "Mars/Olympus"}}).problem(t, 422, carpool.EINVALID, "name")
			fields := map[string]bool{}
			for _, fe := range p.Errors {
				fields[fe.Field] = true
			}
			if !fields["name"] || !fields["time_zone"] {
				t.Fatalf("bad name and zone: got %+v, want both named", p.Errors)
			}

			patched := e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: fm.token, header: map[string]string{"If-Match": `"v1"`},
				body: map[string]any{"time_zone": "America/New_York"}}).want(t, 200).object(t)
			if patched["time_zone"] != "America/New_York" || patched["name"] != berlin["name"] {
				t.Fatalf("patched: got %v", patched)
			}
			e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: fm.token, invalid: true,
				body: map[string]any{"time_zone": "Local"}}).problem(t, 422, carpool.EINVALID, "time_zone")
			e.do(t, call{method: "PATCH", path: "/api/v1/sites/" + id, token: fm.token,
				body: map[string]any{"time_zone": "Europe/Berlin"}}).want(t, 200)

			var rep struct {
				Weeks []struct{ Start string }
			}
			period := "from=2026-11-02T00:00:00Z&to=2026-11-16T00:00:00Z"
			e.do(t, call{method: "GET", path: "/api/v1/reports?site_id=" + id + "&" + period, token: fm.token}).want(t, 200).decode(t, &rep)
			if len(rep.Weeks) < 2 || rep.Weeks[1].Start != "2026-11-08T23:00:00Z" {
				t.Fatalf("site report weeks: got %+v, want the second from Monday 00:00 in Berlin (23:00 UTC)", rep.Weeks)
			}
			e.do(t, call{method: "GET", path: "/api/v1/reports?" + period, token: fm.token}).want(t, 200).decode(t, &rep)
			if len(rep.Weeks) < 2 || rep.Weeks[1].Start != "2026-11-09T00:00:00Z" {
				t.Fatalf("fleet report weeks: got %+v, want UTC weeks", rep.Weeks)
			}
		})
	}
}
