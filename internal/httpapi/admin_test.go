package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestAdministration walks what an admin does on Monday morning: find a member, promote
// a colleague, deactivate someone who left (their future rides, bookings and
// reservations released, their sessions ended), reactivate them, read the audit log;
// and what nobody else may do.
func TestAdministration(t *testing.T) {
	e := newEnv(t, envOptions{})
	ada := e.member(t, "Ada Admin", carpool.RoleAdmin)
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	leaver := e.member(t, "Leo Leaver", carpool.RoleMember)
	pat := e.member(t, "Pat Passenger", carpool.RoleMember)
	dan := e.member(t, "Dan Driver", carpool.RoleMember)

	// Members may not administer.
	e.do(t, call{method: "GET", path: "/api/v1/members", token: pat.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: "/api/v1/audit", token: fm.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: "/api/v1/members/" + dan.ID + "/role", token: fm.token,
		body: map[string]any{"role": "admin"}}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: "/api/v1/members/" + dan.ID + "/deactivate", token: pat.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: "/api/v1/members/" + dan.ID + "/reactivate", token: pat.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: "/api/v1/members/" + dan.ID, token: pat.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "GET", path: "/api/v1/members/" + pat.ID, token: pat.token}).want(t, 200)

	// Search, and bad parameters.
	var list struct {
		Items []struct{ ID, Name string } `json:"items"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/members?q=LEAV", token: ada.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != leaver.ID {
		t.Errorf("search q=LEAV: got %+v, want Leo only", list.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/members?role=pilot", token: ada.token, invalid: true}).problem(t, 422, carpool.EINVALID, "role")
	e.do(t, call{method: "GET", path: "/api/v1/members?include_inactive=maybe", token: ada.token, invalid: true}).problem(t, 400, "malformed", "include_inactive")

	// Roles: promote, refuse nonsense, never demote the last admin.
	e.do(t, call{method: "POST", path: "/api/v1/members/" + dan.ID + "/role", token: ada.token,
		body: map[string]any{"role": "fleet_manager"}}).want(t, 200)
	e.do(t, call{method: "POST", path: "/api/v1/members/" + dan.ID + "/role", token: ada.token,
		body: map[string]any{"role": "pilot"}, invalid: true}).problem(t, 422, carpool.EINVALID, "role")
	e.do(t, call{method: "POST", path: "/api/v1/members/" + dan.ID + "/role", token: ada.token,
		raw: []byte(`{"role": `), invalid: true}).problem(t, 400, "malformed", "")
	e.do(t, call{method: "POST", path: "/api/v1/members/" + ada.ID + "/role", token: ada.token,
		body: map[string]any{"role": "member"}}).problem(t, 409, carpool.ECONFLICT, "role")
	e.do(t, call{method: "POST", path: "/api/v1/members/" + ada.ID + "/deactivate", token: ada.token}).problem(t, 409, carpool.ECONFLICT, "")

	// The leaver drives a ride Pat booked, books Dan's ride, and holds a pool car.
	leaverRide := e.ride(t, leaver, 2, "instant")
	e.book(t, pat, str(leaverRide["id"]), 1, false).want(t, 201)
	danRide := e.ride(t, dan, 1, "instant")
	e.book(t, leaver, str(danRide["id"]), 1, false).want(t, 201)
	e.book(t, pat, str(danRide["id"]), 1, true).want(t, 201) // waitlisted behind the leaver
	site := e.site(t, fm)
	car := e.poolCar(t, fm, str(site["id"]), 5)
	start := future(72 * time.Hour)
	e.do(t, call{method: "POST", path: "/api/v1/cars/" + str(car["id"]) + "/reservations", token: leaver.token,
		body: map[string]any{"start": rfc3339(start), "end": rfc3339(start.Add(2 * time.Hour))}}).want(t, 201)

	var d struct {
		Member       struct{ Active bool } `json:"member"`
		Rides        int                   `json:"rides_cancelled"`
		Bookings     int                   `json:"bookings_cancelled"`
		Reservations int                   `json:"reservations_cancelled"`
		Sessions     int                   `json:"sessions_ended"`
	}
	e.do(t, call{method: "POST", path: "/api/v1/members/" + leaver.ID + "/deactivate", token: ada.token}).want(t, 200).decode(t, &d)
	if d.Member.Active || d.Rides != 1 || d.Bookings != 1 || d.Reservations != 1 || d.Sessions < 1 {
		t.Errorf("deactivation: got %+v, want inactive with 1 ride, 1 booking, 1 reservation and the sessions released", d)
	}
	e.do(t, call{method: "POST", path: "/api/v1/members/" + leaver.ID + "/deactivate", token: ada.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "GET", path: "/api/v1/me", token: leaver.token}).problem(t, 401, carpool.EUNAUTHORIZED, "")
	e.do(t, call{method: "POST", path: "/api/v1/tokens",
		body: map[string]string{"email": leaver.Email, "password": testPassword}}).problem(t, 401, carpool.EUNAUTHORIZED, "")

	// Everyone concerned is told, and the waitlist moved up: Pat now rides with Dan.
	ctx := context.Background()
	bookings, _, err := e.store.Bookings(ctx, carpool.BookingFilter{PassengerID: pat.ID}, carpool.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]carpool.BookingStatus{}
	for _, b := range bookings {
		status[b.RideID] = b.Status
	}
	if status[str(leaverRide["id"])] != carpool.BookingCancelled || status[str(danRide["id"])] != carpool.BookingConfirmed {
		t.Errorf("Pat's bookings after the deactivation: got %v, want cancelled on the leaver's ride and confirmed on Dan's", status)
	}
	events, err := e.store.Events(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	told := map[string]int{}
	for _, ev := range events {
		told[ev.Type+" -> "+ev.RecipientID]++
	}
	for _, want := range []string{
		carpool.EventRideCancelled + " -> " + leaver.ID, carpool.EventBookingCancelled + " -> " + pat.ID,
		carpool.EventBookingCancelled + " -> " + dan.ID, carpool.EventBookingConfirmed + " -> " + pat.ID,
		carpool.EventReservationCancelled + " -> " + leaver.ID,
	} {
		if told[want] == 0 {
			t.Errorf("no outbox event %s after the deactivation; events: %v", want, told)
		}
	}

	// Inactive members are listed only on request; reactivation works once.
	e.do(t, call{method: "GET", path: "/api/v1/members?q=leo", token: ada.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("inactive member listed without include_inactive: %+v", list.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/members?q=leo&include_inactive=true", token: ada.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 {
		t.Errorf("include_inactive: got %+v, want Leo", list.Items)
	}
	e.do(t, call{method: "POST", path: "/api/v1/members/" + leaver.ID + "/reactivate", token: ada.token}).want(t, 200)
	e.do(t, call{method: "POST", path: "/api/v1/members/" + leaver.ID + "/reactivate", token: ada.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "POST", path: "/api/v1/tokens",
		body: map[string]string{"email": leaver.Email, "password": testPassword}}).want(t, 201)

	// The audit log names who did what.
	var audit struct {
		Items []struct {
			ActorID   string `json:"actor_id"`
			Action    string `json:"action"`
			SubjectID string `json:"subject_id"`
		} `json:"items"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/audit?action=member.&limit=50", token: ada.token}).want(t, 200).decode(t, &audit)
	var actions []string
	for _, a := range audit.Items {
		actions = append(actions, a.Action)
	}
	want := []string{carpool.AuditRoleChanged, carpool.AuditMemberDeactivated, carpool.AuditMemberReactivated}
	if len(actions) != len(want) {
		t.Fatalf("audit member.*: got %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Errorf("audit entry %d: got %s, want %s", i, actions[i], want[i])
		}
	}
	e.do(t, call{method: "GET", path: "/api/v1/audit?action=site.", token: ada.token}).want(t, 200).decode(t, &audit)
	if len(audit.Items) != 1 || audit.Items[0].ActorID != fm.ID {
		t.Errorf("audit site.*: got %+v, want the site Fiona created", audit.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/audit?since=yesterday", token: ada.token, invalid: true}).problem(t, 422, carpool.EINVALID, "since")
	e.do(t, call{method: "GET", path: "/api/v1/audit?limit=x", token: ada.token, invalid: true}).problem(t, 400, "malformed", "limit")
}

// TestProfile: a member changes their name and phone, sees their sessions, changes their
// password (which ends the others) and revokes a session.
func TestProfile(t *testing.T) {
	e := newEnv(t, envOptions{})
	pat := e.member(t, "Pat", carpool.RoleMember)
	other := e.do(t, call{method: "POST", path: "/api/v1/tokens",
		body: map[string]string{"email": pat.Email, "password": testPassword}}).want(t, 201).object(t)

	var me struct{ Name, Phone string }
	e.do(t, call{method: "PATCH", path: "/api/v1/me", token: pat.token,
		body: map[string]any{"name": "  Pat Passenger ", "phone": "+49 170 1234567"}}).want(t, 200).decode(t, &me)
	if me.Name != "Pat Passenger" || me.Phone != "+49 170 1234567" {
		t.Errorf("profile: got %+v", me)
	}
	e.do(t, call{method: "PATCH", path: "/api/v1/me", token: pat.token, body: map[string]any{"phone": "call me"}}).
		problem(t, 422, carpool.EINVALID, "phone")

	var sessions struct {
		Items []struct {
			ID      string
			Current bool
		} `json:"items"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/me/sessions", token: pat.token}).want(t, 200).decode(t, &sessions)
	if len(sessions.Items) != 2 {
		t.Fatalf("sessions: got %d, want 2", len(sessions.Items))
	}

	e.do(t, call{method: "POST", path: "/api/v1/me/password", token: pat.token,
		body: map[string]any{"current_password": "wrong wrong wrong", "new_password": "a brand new secret"}}).
		problem(t, 422, carpool.EINVALID, "current_password")
	e.do(t, call{method: "POST", path: "/api/v1/me/password", token: pat.token,
		body: map[string]any{"current_password": testPassword, "new_password": "short"}}).
		problem(t, 422, carpool.EINVALID, "password")
	e.do(t, call{method: "POST", path: "/api/v1/me/password", token: pat.token,
		body: map[string]any{"current_password": testPassword, "new_password": "a brand new secret"}}).want(t, 204)
	e.do(t, call{method: "GET", path: "/api/v1/me", token: str(other["token"])}).problem(t, 401, carpool.EUNAUTHORIZED, "")
	e.do(t, call{method: "GET", path: "/api/v1/me", token: pat.token}).want(t, 200)

	e.do(t, call{method: "GET", path: "/api/v1/me/sessions", token: pat.token}).want(t, 200).decode(t, &sessions)
	if len(sessions.Items) != 1 || !sessions.Items[0].Current {
		t.Fatalf("sessions after the password change: got %+v, want only the current one", sessions.Items)
	}
	e.do(t, call{method: "DELETE", path: "/api/v1/me/sessions/" + sessions.Items[0].ID, token: pat.token}).want(t, 204)
	e.do(t, call{method: "GET", path: "/api/v1/me", token: pat.token}).problem(t, 401, carpool.EUNAUTHORIZED, "")
}

// TestPersonalData: a member downloads everything held about them, then erases their
// account; an admin erases another; the last admin cannot erase themselves.
func TestPersonalData(t *testing.T) {
	e := newEnv(t, envOptions{})
	ada := e.member(t, "Ada Admin", carpool.RoleAdmin)
	pat := e.member(t, "Pat Passenger", carpool.RoleMember)
	sam := e.member(t, "Sam Someone", carpool.RoleMember)
	ride := e.ride(t, pat, 2, "instant")

	var x struct {
		Member struct {
			Email string `json:"email"`
		} `json:"member"`
		Rides    []map[string]any `json:"rides_driven"`
		Sessions []map[string]any `json:"sessions"`
	}
	res := e.do(t, call{method: "GET", path: "/api/v1/me/export", token: pat.token}).want(t, 200)
	res.decode(t, &x)
	if x.Member.Email != pat.Email || len(x.Rides) != 1 || len(x.Sessions) != 1 {
		t.Errorf("export: got %+v, want Pat's address, one ride and one session", x)
	}
	if got := res.header.Get("Content-Disposition"); !strings.Contains(got, "attachment") {
		t.Errorf("export Content-Disposition: got %q, want a download", got)
	}

	e.do(t, call{method: "POST", path: "/api/v1/me/erase", token: pat.token, body: map[string]any{"password": "not my password"}}).
		problem(t, 422, carpool.EINVALID, "password")
	e.do(t, call{method: "POST", path: "/api/v1/me/erase", token: pat.token, body: map[string]any{"password": testPassword}}).want(t, 204)
	e.do(t, call{method: "GET", path: "/api/v1/me", token: pat.token}).problem(t, 401, carpool.EUNAUTHORIZED, "")
	var r struct {
		Status string `json:"status"`
		Driver struct {
			Name string `json:"name"`
		} `json:"driver"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/rides/" + str(ride["id"]), token: sam.token}).want(t, 200).decode(t, &r)
	if r.Status != "cancelled" || r.Driver.Name != carpool.ErasedName {
		t.Errorf("the erased driver's future ride: got %+v, want cancelled by %q", r, carpool.ErasedName)
	}

	e.do(t, call{method: "POST", path: "/api/v1/members/" + sam.ID + "/erase", token: sam.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: "/api/v1/members/" + sam.ID + "/erase", token: ada.token}).want(t, 204)
	e.do(t, call{method: "POST", path: "/api/v1/members/" + ada.ID + "/erase", token: ada.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "POST", path: "/api/v1/me/erase", token: ada.token, body: map[string]any{"password": testPassword}}).
		problem(t, 409, carpool.ECONFLICT, "")
}

// TestReportAPI: fleet managers get the report; members do not; a bad period or zone is
// a field error.
func TestReportAPI(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	pat := e.member(t, "Pat", carpool.RoleMember)
	site := e.site(t, fm)
	e.poolCar(t, fm, str(site["id"]), 5)
	from, to := rfc3339(future(-7*24*time.Hour)), rfc3339(future(0))
	var rep struct {
		Weeks []map[string]any `json:"weeks"`
		Cars  []map[string]any `json:"cars"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/reports?from=" + from + "&to=" + to + "&tz=Europe/Berlin", token: fm.token}).want(t, 200).decode(t, &rep)
	if len(rep.Weeks) < 1 || len(rep.Cars) != 1 {
		t.Errorf("report: got %d weeks and %d cars, want at least one week and the one car", len(rep.Weeks), len(rep.Cars))
	}
	e.do(t, call{method: "GET", path: "/api/v1/reports?from=" + from + "&to=" + to, token: pat.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "GET", path: "/api/v1/reports?from=" + to + "&to=" + from, token: fm.token}).problem(t, 422, carpool.EINVALID, "to")
	e.do(t, call{method: "GET", path: "/api/v1/reports?from=" + from + "&to=" + to + "&tz=Mars/Base", token: fm.token}).problem(t, 422, carpool.EINVALID, "tz")

	// One site's report holds that site and its cars only.
	other := e.site(t, fm)
	e.poolCar(t, fm, str(other["id"]), 5)
	e.poolCar(t, fm, str(other["id"]), 5)
	var one struct {
		Weeks []map[string]any `json:"weeks"`
		Sites []map[string]any `json:"sites"`
		Cars  []map[string]any `json:"cars"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/reports?from=" + from + "&to=" + to + "&site_id=" + str(other["id"]), token: fm.token}).want(t, 200).decode(t, &one)
	if len(one.Weeks) < 1 || len(one.Cars) != 2 || len(one.Sites) != 1 || one.Sites[0]["site_id"] != other["id"] {
		t.Errorf("one site's report: got %d weeks, %d cars, sites %v; want the site's two cars and the site alone", len(one.Weeks), len(one.Cars), one.Sites)
	}
	e.do(t, call{method: "GET", path: "/api/v1/reports?from=" + from + "&to=" + to + "&site_id=nosuchsite", token: fm.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "GET", path: "/api/v1/reports?from=" + from + "&to=" + to + "&site_id=" + str(other["id"]), token: pat.token}).problem(t, 403, carpool.EFORBIDDEN, "")
}

// TestReservationHolders: fleet managers see who holds a pool car, with contact details;
// other members see only that it is taken.
func TestReservationHolders(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	hal := e.member(t, "Hal Holder", carpool.RoleMember)
	otto := e.member(t, "Otto Other", carpool.RoleMember)
	car := e.poolCar(t, fm, str(e.site(t, fm)["id"]), 5)
	start := future(48 * time.Hour)
	e.do(t, call{method: "POST", path: "/api/v1/cars/" + str(car["id"]) + "/reservations", token: hal.token,
		body: map[string]any{"start": rfc3339(start), "end": rfc3339(start.Add(time.Hour))}}).want(t, 201)
	var list struct {
		Items []struct {
			Holder *struct{ Name, Phone string } `json:"holder"`
		} `json:"items"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + str(car["id"]) + "/reservations", token: fm.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Holder == nil || list.Items[0].Holder.Name != "Hal Holder" || list.Items[0].Holder.Phone != hal.Phone {
		t.Errorf("fleet manager: got %+v, want Hal with his phone", list.Items)
	}
	list.Items = nil
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + str(car["id"]) + "/reservations", token: otto.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Holder != nil {
		t.Errorf("another member: got %+v, want the slot without its holder", list.Items)
	}
}
