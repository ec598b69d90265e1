package httpapi_test

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// ownerRideSoon is a ride of the owner departing in ten minutes: check-in is open.
func (w *world) ownerRideSoon(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/rides", token: w.owner.token,
		body: rideBody(w.ownerCar(t), future(10*time.Minute), 3, "instant")}).want(t, 201).object(t)["id"])
}

// departedBookingOnOwnersRide is a colleague's confirmed booking on a ride of the
// owner that departed five minutes ago.
func (w *world) departedBookingOnOwnersRide(t *testing.T) string {
	ride := w.ownerRideSoon(t)
	b := str(w.e.book(t, w.e.quickMember(t, "Nora Noshow "+plate()), ride, 1, false).want(t, 201).object(t)["id"])
	w.e.moveRide(t, ride, time.Now().Add(-5*time.Minute))
	return b
}

// moveRide sets a ride's departure straight in the database: the API never moves a
// ride into the past.
func (e *env) moveRide(t *testing.T, rideID string, at time.Time) {
	t.Helper()
	db, ok := e.store.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatal("the test store exposes no database")
	}
	if _, err := db.DB().ExecContext(t.Context(), `UPDATE rides SET depart_at = $1 WHERE id = $2`, at.UTC(), rideID); err != nil {
		t.Fatalf("move ride: %v", err)
	}
}

// TestCheckInAPI: a position or a site's code checks the driver and a passenger in, the
// records become class C, the driver marks another passenger as not there, and the
// fleet's list and file say so; bad input names every field at fault.
func TestCheckInAPI(t *testing.T) {
	e := newEnv(t, envOptions{})
	fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	dora, pia, paul := e.quickMember(t, "Dora Driver"), e.quickMember(t, "Pia Passenger"), e.quickMember(t, "Paul Absent")
	// The site lies at the ride's start, Marienplatz.
	site := str(e.do(t, call{method: "POST", path: "/api/v1/sites", token: fleet.token,
		body: map[string]any{"name": "Marienplatz office", "address": "Marienplatz 1", "lat": 48.1372, "lon": 11.5756}}).want(t, 201).object(t)["id"])
	car := str(e.privateCar(t, dora, 4)["id"])
	ride := str(e.do(t, call{method: "POST", path: "/api/v1/rides", token: dora.token,
		body: rideBody(car, future(20*time.Minute), 3, "instant")}).want(t, 201).object(t)["id"])
	e.book(t, pia, ride, 1, false).want(t, 201)
	paulBooking := str(e.book(t, paul, ride, 1, false).want(t, 201).object(t)["id"])
	checkIns := "/api/v1/rides/" + ride + "/check-ins"

	t.Run("bad input names every field", func(t *testing.T) {
		p := e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{}}).problem(t, 422, carpool.EINVALID, "lat")
		if len(p.Errors) != 2 || p.Errors[1].Field != "lon" {
			t.Errorf("errors: got %+v, want lat and lon", p.Errors)
		}
		p = e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"lat": 95, "lon": 200}, invalid: true}).problem(t, 422, carpool.EINVALID, "lat")
		if len(p.Errors) != 2 {
			t.Errorf("errors: got %+v, want lat and lon", p.Errors)
		}
		e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"lat": 48.1, "lon": 11.5, "code": "x"}}).
			problem(t, 422, carpool.EINVALID, "code")
		e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"code": "not-a-code"}}).
			problem(t, 422, carpool.EINVALID, "code")
		// Ten kilometres from the route.
		e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"lat": 48.05, "lon": 11.4}}).
			problem(t, 422, carpool.EINVALID, "lat")
	})

	t.Run("a code of another site is refused", func(t *testing.T) {
		other := str(e.do(t, call{method: "POST", path: "/api/v1/sites", token: fleet.token,
			body: map[string]any{"name": "Far office", "address": "Far 1", "lat": 52.5, "lon": 13.4}}).want(t, 201).object(t)["id"])
		code := str(e.do(t, call{method: "GET", path: "/api/v1/sites/" + other + "/check-in-code", token: fleet.token}).want(t, 200).object(t)["code"])
		e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"code": code}}).
			problem(t, 422, carpool.EINVALID, "lat")
		forged := strings.Replace(code, other, site, 1)
		e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"code": forged}}).
			problem(t, 422, carpool.EINVALID, "code")
	})

	var code map[string]any
	e.do(t, call{method: "GET", path: "/api/v1/sites/" + site + "/check-in-code", token: fleet.token}).want(t, 200).decode(t, &code)
	if !strings.HasPrefix(str(code["url"]), "/check-in?code=") || str(code["date"]) == "" {
		t.Fatalf("site code: got %v", code)
	}
	e.do(t, call{method: "GET", path: "/api/v1/sites/" + site + "/check-in-code", token: pia.token}).problem(t, 403, carpool.EFORBIDDEN, "")

	var ci map[string]any
	e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"code": code["code"]}}).want(t, 201).decode(t, &ci)
	if ci["method"] != "qr" || ci["site_id"] != site || ci["member_id"] != pia.ID {
		t.Errorf("check-in by code: got %v", ci)
	}
	e.do(t, call{method: "POST", path: checkIns, token: pia.token, body: map[string]any{"code": code["code"]}}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "POST", path: checkIns, token: dora.token, body: map[string]any{"lat": 48.1380, "lon": 11.5760}}).want(t, 201)

	// Paul's booking: not before departure, then the driver marks him.
	noShow := "/api/v1/bookings/" + paulBooking + "/no-show"
	e.do(t, call{method: "POST", path: noShow, token: dora.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.moveRide(t, ride, time.Now().Add(-time.Minute))
	e.do(t, call{method: "POST", path: noShow, token: paul.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	var marked map[string]any
	e.do(t, call{method: "POST", path: noShow, token: dora.token}).want(t, 200).decode(t, &marked)
	if marked["class"] != "none" || marked["passenger_id"] != paul.ID {
		t.Errorf("no-show: got %v", marked)
	}

	span := "?from=" + rfc3339(time.Now().Add(-time.Hour)) + "&to=" + rfc3339(time.Now().Add(time.Hour))
	var proofs struct {
		Items []map[string]any `json:"items"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/proofs" + span, token: fleet.token}).want(t, 200).decode(t, &proofs)
	classes := map[string]string{}
	for _, p := range proofs.Items {
		if p["ride_id"] == ride {
			classes[str(p["passenger_id"])] = str(p["class"])
		}
	}
	if classes[pia.ID] != "C" || classes[paul.ID] != "none" || len(classes) != 2 {
		t.Errorf("classes: got %v, want C for pia and none for paul", classes)
	}

	res := e.do(t, call{method: "GET", path: "/api/v1/proofs/export" + span, token: fleet.token}).want(t, 200)
	if cd := res.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=\"carpool-journeys-") {
		t.Errorf("Content-Disposition: got %q", cd)
	}
	var file struct {
		Journeys []map[string]any `json:"journeys"`
	}
	if err := json.Unmarshal(res.body, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Journeys) != 1 || file.Journeys[0]["operator_class"] != "C" {
		t.Errorf("journeys: got %v, want pia's class C alone", file.Journeys)
	}

	t.Run("a period is required, ordered and at most a year", func(t *testing.T) {
		p := e.do(t, call{method: "GET", path: "/api/v1/proofs", token: fleet.token, invalid: true}).problem(t, 422, carpool.EINVALID, "from")
		if len(p.Errors) != 2 {
			t.Errorf("errors: got %+v, want from and to", p.Errors)
		}
		p = e.do(t, call{method: "GET", path: "/api/v1/proofs/export?from=yesterday&to=soon", token: fleet.token, invalid: true}).problem(t, 422, carpool.EINVALID, "from")
		if len(p.Errors) != 2 {
			t.Errorf("errors: got %+v, want from and to", p.Errors)
		}
		e.do(t, call{method: "GET", path: "/api/v1/proofs?from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z", token: fleet.token}).
			problem(t, 422, carpool.EINVALID, "to")
		e.do(t, call{method: "GET", path: "/api/v1/proofs?from=2030-01-01T00:00:00Z&to=2031-01-03T00:00:00Z", token: fleet.token}).
			problem(t, 422, carpool.EINVALID, "to")
	})
}
