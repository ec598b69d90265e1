package httpapi_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestReservations(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	ann := e.member(t, "Ann Holder", carpool.RoleMember)
	bob := e.member(t, "Bob Other", carpool.RoleMember)
	car := e.poolCar(t, fm, str(e.site(t, fm)["id"]), 5)
	carPath := "/api/v1/cars/" + str(car["id"]) + "/reservations"
	start, end := future(24*time.Hour), future(27*time.Hour)

	res := e.do(t, call{method: "POST", path: carPath, token: ann.token,
		body: map[string]any{"start": rfc3339(start), "end": rfc3339(end)}}).want(t, 201)
	mine := res.object(t)
	id := str(mine["id"])
	if res.header.Get("Location") != "/api/v1/reservations/"+id {
		t.Errorf("Location: got %q", res.header.Get("Location"))
	}
	if mine["member_id"] != ann.ID || mine["kind"] != "trip" || mine["status"] != "active" ||
		mine["start"] != rfc3339(start) || mine["end"] != rfc3339(end) {
		t.Errorf("reservation: got %v", mine)
	}

	cases := []struct {
		name   string
		who    member
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"overlapping", bob, map[string]any{"start": rfc3339(start.Add(time.Hour)), "end": rfc3339(end.Add(time.Hour))}, 409, carpool.ECONFLICT, "start"},
		{"end before start", bob, map[string]any{"start": rfc3339(end.Add(5 * time.Hour)), "end": rfc3339(end.Add(4 * time.Hour))}, 422, carpool.EINVALID, "end"},
		{"longer than 14 days", bob, map[string]any{"start": rfc3339(end.Add(time.Hour)), "end": rfc3339(end.Add(15 * 24 * time.Hour))}, 422, carpool.EINVALID, "end"},
		{"not a time", bob, map[string]any{"start": "tomorrow", "end": rfc3339(end.Add(4 * time.Hour))}, 422, carpool.EINVALID, "start"},
		{"maintenance by a member", bob, map[string]any{"start": rfc3339(end.Add(time.Hour)), "end": rfc3339(end.Add(2 * time.Hour)), "kind": "maintenance"}, 403, carpool.EFORBIDDEN, ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			e.do(t, call{method: "POST", path: carPath, token: tt.who.token, body: tt.body, invalid: tt.status == 422}).
				problem(t, tt.status, tt.code, tt.field)
		})
	}
	// Touching windows do not overlap; fleet managers block for maintenance.
	e.do(t, call{method: "POST", path: carPath, token: bob.token,
		body: map[string]any{"start": rfc3339(end), "end": rfc3339(end.Add(time.Hour))}}).want(t, 201)
	e.do(t, call{method: "POST", path: carPath, token: fm.token,
		body: map[string]any{"start": rfc3339(end.Add(2 * time.Hour)), "end": rfc3339(end.Add(3 * time.Hour)), "kind": "maintenance"}}).want(t, 201)

	// Others see when the car is taken, not by whom.
	type resList struct{ Items []map[string]any }
	var seenByBob, seenByFM resList
	e.do(t, call{method: "GET", path: carPath, token: bob.token}).want(t, 200).decode(t, &seenByBob)
	e.do(t, call{method: "GET", path: carPath, token: fm.token}).want(t, 200).decode(t, &seenByFM)
	if len(seenByBob.Items) != 3 || len(seenByFM.Items) != 3 {
		t.Fatalf("car reservations: bob sees %d, fleet manager %d, want 3", len(seenByBob.Items), len(seenByFM.Items))
	}
	for i, r := range seenByBob.Items {
		own := r["id"] != id && r["kind"] == "trip"
		if _, has := r["member_id"]; has != own {
			t.Errorf("bob's view of %v: member_id shown %v, want %v", r, has, own)
		}
		if seenByFM.Items[i]["member_id"] == nil {
			t.Errorf("fleet manager's view lacks member_id: %v", seenByFM.Items[i])
		}
	}
	var window resList
	e.do(t, call{method: "GET", path: carPath + "?start=" + rfc3339(end) + "&end=" + rfc3339(end.Add(90*time.Minute)), token: bob.token}).
		want(t, 200).decode(t, &window)
	if len(window.Items) != 1 {
		t.Errorf("reservations overlapping a window: got %d, want 1", len(window.Items))
	}

	// Only the holder and fleet managers see or cancel a reservation.
	e.do(t, call{method: "GET", path: "/api/v1/reservations/" + id, token: bob.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "POST", path: "/api/v1/reservations/" + id + "/cancel", token: bob.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "GET", path: "/api/v1/reservations/" + id, token: fm.token}).want(t, 200)
	var annList resList
	e.do(t, call{method: "GET", path: "/api/v1/reservations", token: ann.token}).want(t, 200).decode(t, &annList)
	if len(annList.Items) != 1 || annList.Items[0]["id"] != id {
		t.Errorf("ann's reservations: got %v", annList.Items)
	}
	cancelled := e.do(t, call{method: "POST", path: "/api/v1/reservations/" + id + "/cancel", token: ann.token}).want(t, 200).object(t)
	if cancelled["status"] != "cancelled" || cancelled["cancelled_by"] != ann.ID {
		t.Errorf("cancelled: got %v", cancelled)
	}
	e.do(t, call{method: "POST", path: "/api/v1/reservations/" + id + "/cancel", token: ann.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "GET", path: "/api/v1/reservations", token: ann.token}).want(t, 200).decode(t, &annList)
	if len(annList.Items) != 0 {
		t.Errorf("active reservations after cancel: %v", annList.Items)
	}
	e.do(t, call{method: "GET", path: "/api/v1/reservations?include_cancelled=true", token: ann.token}).want(t, 200).decode(t, &annList)
	if len(annList.Items) != 1 {
		t.Errorf("include_cancelled: got %d, want 1", len(annList.Items))
	}
	// The freed window can be reserved again.
	e.do(t, call{method: "POST", path: carPath, token: bob.token,
		body: map[string]any{"start": rfc3339(start), "end": rfc3339(start.Add(time.Hour))}}).want(t, 201)
	// A private car cannot be reserved.
	own := e.privateCar(t, ann, 5)
	e.do(t, call{method: "POST", path: "/api/v1/cars/" + str(own["id"]) + "/reservations", token: ann.token,
		body: map[string]any{"start": rfc3339(start), "end": rfc3339(end)}}).problem(t, 422, carpool.EINVALID, "car_id")
	e.do(t, call{method: "GET", path: "/api/v1/reservations?start=yesterday", token: ann.token, invalid: true}).problem(t, 422, carpool.EINVALID, "start")
}

func TestRideInReservedPoolCar(t *testing.T) {
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	ann := e.member(t, "Ann Driver", carpool.RoleMember)
	car := e.poolCar(t, fm, str(e.site(t, fm)["id"]), 5)
	carID := str(car["id"])
	depart := future(30 * time.Hour)

	e.do(t, call{method: "POST", path: "/api/v1/rides", token: ann.token, body: rideBody(carID, depart, 3, "instant")}).
		problem(t, 409, carpool.ECONFLICT, "reservation_id")
	res := e.do(t, call{method: "POST", path: "/api/v1/cars/" + carID + "/reservations", token: ann.token,
		body: map[string]any{"start": rfc3339(depart.Add(-time.Hour)), "end": rfc3339(depart.Add(5 * time.Hour))}}).want(t, 201).object(t)
	ride := e.do(t, call{method: "POST", path: "/api/v1/rides", token: ann.token, body: rideBody(carID, depart, 3, "instant")}).want(t, 201).object(t)
	if ride["reservation_id"] != res["id"] || ride["car_id"] != carID {
		t.Errorf("ride: got %v", ride)
	}
	e.do(t, call{method: "POST", path: "/api/v1/rides", token: ann.token, body: rideBody(carID, depart.Add(6*time.Hour), 3, "instant")}).
		problem(t, 409, carpool.ECONFLICT, "reservation_id")
	e.do(t, call{method: "POST", path: "/api/v1/rides", token: ann.token, body: rideBody(carID, depart, 5, "instant")}).
		problem(t, 422, carpool.EINVALID, "seats")
}
