package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestParkingSpacesAndDayList: a fleet manager keeps a site's spaces; carpools arriving
// there hold them first confirmed first served; the day's list answers as JSON and CSV,
// on both engines.
func TestParkingSpacesAndDayList(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
			// The site is the rides' destination (rideBody goes to the airport).
			site := str(e.do(t, call{method: "POST", path: "/api/v1/sites", token: fleet.token,
				body: map[string]any{"name": "Airport office", "address": "Terminal 2", "lat": 48.3537, "lon": 11.7862}}).want(t, 201).object(t)["id"])
			spaces := "/api/v1/sites/" + site + "/parking-spaces"
			p10 := e.do(t, call{method: "POST", path: spaces, token: fleet.token, body: map[string]any{"label": "P10"}}).want(t, 201)
			if loc := p10.header.Get("Location"); loc != "/api/v1/parking-spaces/"+str(p10.object(t)["id"]) {
				t.Errorf("Location: got %q", loc)
			}
			p2 := e.do(t, call{method: "POST", path: spaces, token: fleet.token, body: map[string]any{"label": "P3"}}).want(t, 201).object(t)
			e.do(t, call{method: "POST", path: spaces, token: fleet.token, body: map[string]any{"label": "p10"}}).problem(t, 409, carpool.ECONFLICT, "label")
			e.do(t, call{method: "POST", path: spaces, token: fleet.token, body: map[string]any{"label": " "}, invalid: true}).problem(t, 422, carpool.EINVALID, "label")
			e.do(t, call{method: "POST", path: spaces, token: fleet.token, body: map[string]any{}, invalid: true}).problem(t, 422, carpool.EINVALID, "label")
			e.do(t, call{method: "POST", path: "/api/v1/sites/0000nope/parking-spaces", token: fleet.token, body: map[string]any{"label": "P1"}}).
				problem(t, 404, carpool.ENOTFOUND, "")

			one := "/api/v1/parking-spaces/" + str(p2["id"])
			renamed := e.do(t, call{method: "PATCH", path: one, token: fleet.token, header: map[string]string{"If-Match": `"v1"`},
				body: map[string]any{"label": "P2"}}).want(t, 200)
			if got := renamed.object(t); got["label"] != "P2" || renamed.header.Get("ETag") != `"v2"` {
				t.Errorf("renamed: got %v, ETag %q", got, renamed.header.Get("ETag"))
			}
			e.do(t, call{method: "PATCH", path: one, token: fleet.token, header: map[string]string{"If-Match": `"v1"`},
				body: map[string]any{"label": "P4"}}).problem(t, 409, carpool.ECONFLICT, "if_match")
			e.do(t, call{method: "PATCH", path: one, token: fleet.token, body: map[string]any{"label": "P10"}}).problem(t, 409, carpool.ECONFLICT, "label")
			e.do(t, call{method: "PATCH", path: one, token: fleet.token, body: map[string]any{"label": ""}, invalid: true}).problem(t, 422, carpool.EINVALID, "label")

			// Three carpools arrive at the site, each confirmed in turn; a solo ride too.
			type driver struct {
				m     member
				plate string
				ride  string
			}
			// At 08:00 UTC the day after tomorrow, so every arrival falls on one day.
			at := time.Now().UTC().AddDate(0, 0, 2)
			depart := time.Date(at.Year(), at.Month(), at.Day(), 8, 0, 0, 0, time.UTC)
			var drivers []driver
			for i, name := range []string{"=Dora Driver", "Dan Driver", "Dirk Driver"} {
				d := e.quickMember(t, name)
				car := e.privateCar(t, d, 4)
				ride := e.do(t, call{method: "POST", path: "/api/v1/rides", token: d.token,
					body: rideBody(str(car["id"]), depart.Add(time.Duration(i)*time.Minute), 3, "instant")}).want(t, 201).object(t)
				e.book(t, e.quickMember(t, "Pia Passenger "+plate()), str(ride["id"]), 1, false).want(t, 201)
				drivers = append(drivers, driver{d, str(car["plate"]), str(ride["id"])})
			}
			e.ride(t, e.quickMember(t, "Solo Driver"), 3, "instant")

			day := depart.Format("2006-01-02")
			list := "/api/v1/sites/" + site + "/parking?date=" + day
			var got struct {
				SiteID string `json:"site_id"`
				Date   string `json:"date"`
				Items  []struct {
					Space, Plate, RideID string
					DriverName           string `json:"driver_name"`
					ArrivalAt            string `json:"arrival_at"`
				} `json:"items"`
			}
			e.do(t, call{method: "GET", path: list, token: fleet.token}).want(t, 200).decode(t, &got)
			if got.SiteID != site || got.Date != day || len(got.Items) != 2 {
				t.Fatalf("list: got %+v, want the first two carpools on P2 and P10", got)
			}
			for i, want := range []struct{ space, name, plate string }{{"P2", "=Dora Driver", drivers[0].plate}, {"P10", "Dan Driver", drivers[1].plate}} {
				it := got.Items[i]
				if it.Space != want.space || it.DriverName != want.name || it.Plate != want.plate || it.ArrivalAt == "" {
					t.Errorf("item %d: got %+v, want %+v", i, it, want)
				}
			}
			e.do(t, call{method: "GET", path: list, token: drivers[0].m.token}).problem(t, 403, carpool.EFORBIDDEN, "")
			// The driver reads the space on the ride; nobody else does.
			var held struct {
				ParkingSpace *struct{ Label, Date string } `json:"parking_space"`
			}
			e.do(t, call{method: "GET", path: "/api/v1/rides/" + drivers[0].ride, token: drivers[0].m.token}).want(t, 200).decode(t, &held)
			if held.ParkingSpace == nil || held.ParkingSpace.Label != "P2" || held.ParkingSpace.Date != day {
				t.Errorf("the driver's ride: got parking_space %+v, want P2 on %s", held.ParkingSpace, day)
			}
			held.ParkingSpace = nil
			e.do(t, call{method: "GET", path: "/api/v1/rides/" + drivers[0].ride, token: fleet.token}).want(t, 200).decode(t, &held)
			if held.ParkingSpace != nil {
				t.Errorf("another member's view of the ride tells the space: %+v", held.ParkingSpace)
			}
			e.do(t, call{method: "GET", path: "/api/v1/rides/" + drivers[2].ride, token: drivers[2].m.token}).want(t, 200).decode(t, &held)
			if held.ParkingSpace != nil {
				t.Errorf("a waiting carpool's ride tells a space: %+v", held.ParkingSpace)
			}

			res := e.do(t, call{method: "GET", path: list + "&format=csv", token: fleet.token}).want(t, 200)
			if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type: got %q", ct)
			}
			rows, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
			if err != nil || len(rows) != 3 {
				t.Fatalf("csv: got %q, %v", res.body, err)
			}
			if !slices.Equal(rows[0], []string{"space", "plate", "driver", "arrival"}) ||
				!slices.Equal(rows[1][:3], []string{"P2", drivers[0].plate, "'=Dora Driver"}) || rows[2][0] != "P10" {
				t.Errorf("csv rows: got %q", rows)
			}
			if _, err := time.Parse(time.RFC3339, rows[1][3]); err != nil {
				t.Errorf("csv arrival: %v", err)
			}

			// P2 retired: its holder finds no other space free (P10 is held) and loses it.
			e.do(t, call{method: "DELETE", path: "/api/v1/parking-spaces/" + str(p2["id"]), token: fleet.token}).want(t, 204)
			e.do(t, call{method: "DELETE", path: "/api/v1/parking-spaces/" + str(p2["id"]), token: fleet.token}).problem(t, 409, carpool.ECONFLICT, "")
			e.do(t, call{method: "GET", path: list, token: fleet.token}).want(t, 200).decode(t, &got)
			if len(got.Items) != 1 || got.Items[0].Space != "P10" || got.Items[0].DriverName != "Dan Driver" {
				t.Errorf("after P2 was retired: got %+v", got.Items)
			}
			var left struct{ Items []map[string]any }
			e.do(t, call{method: "GET", path: spaces, token: drivers[2].m.token}).want(t, 200).decode(t, &left)
			if len(left.Items) != 1 || left.Items[0]["label"] != "P10" {
				t.Errorf("spaces in use: got %v", left.Items)
			}
		})
	}
}

// TestParkingListQuery: the day's list names every wrong query value at once.
func TestParkingListQuery(t *testing.T) {
	e := newEnv(t, envOptions{})
	fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	site := str(e.site(t, fleet)["id"])
	base := "/api/v1/sites/" + site + "/parking"
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"date"}},
		{"?date=tomorrow", []string{"date"}},
		{"?date=2031-02-30", []string{"date"}},
		{"?date=2031-03-03&format=pdf", []string{"format"}},
		{"?format=xml", []string{"date", "format"}},
	} {
		res := e.do(t, call{method: "GET", path: base + tc.query, token: fleet.token, invalid: true})
		p := res.problem(t, 422, carpool.EINVALID, tc.want[0])
		var fields []string
		for _, f := range p.Errors {
			fields = append(fields, f.Field)
		}
		if len(tc.want) > 1 && strings.Join(fields, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: got fields %v, want %v", tc.query, fields, tc.want)
		}
	}
	e.do(t, call{method: "GET", path: "/api/v1/sites/0000nope/parking?date=2031-03-03", token: fleet.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "GET", path: "/api/v1/sites/0000nope/parking-spaces", token: fleet.token}).problem(t, 404, carpool.ENOTFOUND, "")
}
