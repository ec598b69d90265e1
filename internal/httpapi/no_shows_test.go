package httpapi_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

// ownerDepartedBooking is the owner's confirmed booking, as a passenger, on a
// colleague's ride that departed five minutes ago.
func (w *world) ownerDepartedBooking(t *testing.T) string {
	ride := str(w.e.ride(t, w.e.quickMember(t, "Gus Gone "+plate()), 3, "instant")["id"])
	b := str(w.e.book(t, w.owner, ride, 1, false).want(t, 201).object(t)["id"])
	w.e.moveRide(t, ride, time.Now().Add(-5*time.Minute))
	return b
}

// TestDriverNoShowAPI: a passenger marks the driver who never came, once, not before
// departure; the driver may not, others do not find the booking; fleet managers count
// it, members may not see the counts, and bad periods name their field.
func TestDriverNoShowAPI(t *testing.T) {
	e := newEnv(t, envOptions{})
	fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	dora, paul, max := e.quickMember(t, "Dora Driver"), e.quickMember(t, "Paul Passenger"), e.quickMember(t, "Max Member")
	ride := str(e.ride(t, dora, 3, "instant")["id"])
	booking := str(e.book(t, paul, ride, 1, false).want(t, 201).object(t)["id"])
	mark := "/api/v1/bookings/" + booking + "/driver-no-show"

	e.do(t, call{method: "POST", path: mark, token: paul.token}).problem(t, 409, carpool.ECONFLICT, "")
	e.moveRide(t, ride, time.Now().Add(-10*time.Minute))
	e.do(t, call{method: "POST", path: mark, token: dora.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	e.do(t, call{method: "POST", path: mark, token: max.token}).problem(t, 404, carpool.ENOTFOUND, "")
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + carpool.NewID() + "/driver-no-show", token: paul.token}).
		problem(t, 404, carpool.ENOTFOUND, "")
	got := e.do(t, call{method: "POST", path: mark, token: paul.token}).want(t, 201).object(t)
	if got["booking_id"] != booking || got["ride_id"] != ride || got["driver_id"] != dora.ID || got["passenger_id"] != paul.ID || str(got["at"]) == "" {
		t.Errorf("mark: got %v", got)
	}
	e.do(t, call{method: "POST", path: mark, token: paul.token}).problem(t, 409, carpool.ECONFLICT, "")

	// Both data exports hold the mark: the driver was marked, the passenger marked.
	for who, role := range map[*member]string{&dora: "driver", &paul: "passenger"} {
		var x struct {
			DriverNoShows []map[string]any `json:"driver_no_shows"`
		}
		e.do(t, call{method: "GET", path: "/api/v1/me/export", token: who.token}).want(t, 200).decode(t, &x)
		if len(x.DriverNoShows) != 1 || x.DriverNoShows[0]["booking_id"] != booking || x.DriverNoShows[0]["role"] != role {
			t.Errorf("%s's export: got %v, want the mark as %s", who.Name, x.DriverNoShows, role)
		}
	}
	var x struct {
		DriverNoShows []map[string]any `json:"driver_no_shows"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/me/export", token: max.token}).want(t, 200).decode(t, &x)
	if len(x.DriverNoShows) != 0 {
		t.Errorf("a colleague's export: got %v, want none", x.DriverNoShows)
	}

	var rep struct {
		Limit   int              `json:"limit"`
		Members []map[string]any `json:"members"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/no-shows", token: fleet.token}).want(t, 200).decode(t, &rep)
	var found map[string]any
	for _, m := range rep.Members {
		if m["member_id"] == dora.ID {
			found = m
		}
		if m["member_id"] == paul.ID {
			t.Errorf("paul is counted: %v", m)
		}
	}
	if found == nil || found["as_driver"] != 1.0 || found["as_passenger"] != 0.0 || found["total"] != 1.0 ||
		found["name"] != "Dora Driver" || found["limited"] != false || rep.Limit != 0 {
		t.Errorf("dora's row: got %v (limit %d), want one no-show as driver, no limit", found, rep.Limit)
	}
	// A period before the mark counts nothing.
	span := "?from=" + rfc3339(time.Now().Add(-72*time.Hour)) + "&to=" + rfc3339(time.Now().Add(-48*time.Hour))
	e.do(t, call{method: "GET", path: "/api/v1/no-shows" + span, token: fleet.token}).want(t, 200).decode(t, &rep)
	for _, m := range rep.Members {
		if m["member_id"] == dora.ID {
			t.Errorf("an earlier period counts dora: %v", m)
		}
	}
	for _, who := range []member{dora, paul, max} {
		e.do(t, call{method: "GET", path: "/api/v1/no-shows", token: who.token}).problem(t, 403, carpool.EFORBIDDEN, "")
	}
	e.do(t, call{method: "GET", path: "/api/v1/no-shows?from=yesterday&to=soon", token: fleet.token, invalid: true}).
		problem(t, 422, carpool.EINVALID, "from")
	backwards := "?from=" + rfc3339(time.Now()) + "&to=" + rfc3339(time.Now().Add(-time.Hour))
	e.do(t, call{method: "GET", path: "/api/v1/no-shows" + backwards, token: fleet.token}).problem(t, 422, carpool.EINVALID, "to")
}

// TestNoShowLimitAPI: with CARPOOL_NOSHOW_LIMIT reached, the member can neither book
// nor offer (409), and the fleet's list says they are limited.
func TestNoShowLimitAPI(t *testing.T) {
	limits := carpool.DefaultLimits()
	limits.MaxNoShows = 1
	e := newEnv(t, envOptions{Limits: &limits})
	fleet := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	dora, paul := e.quickMember(t, "Dora Driver"), e.quickMember(t, "Paul Passenger")
	ride := str(e.ride(t, dora, 3, "instant")["id"])
	booking := str(e.book(t, paul, ride, 1, false).want(t, 201).object(t)["id"])
	e.moveRide(t, ride, time.Now().Add(-10*time.Minute))
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + booking + "/driver-no-show", token: paul.token}).want(t, 201)

	other := str(e.ride(t, paul, 3, "instant")["id"])
	e.book(t, dora, other, 1, false).problem(t, 409, carpool.ECONFLICT, "")
	e.do(t, call{method: "POST", path: "/api/v1/rides", token: dora.token,
		body: rideBody(str(e.privateCar(t, dora, 4)["id"]), future(48*time.Hour), 2, "instant")}).problem(t, 409, carpool.ECONFLICT, "")
	var rep struct {
		Limit   int              `json:"limit"`
		Members []map[string]any `json:"members"`
	}
	e.do(t, call{method: "GET", path: "/api/v1/no-shows", token: fleet.token}).want(t, 200).decode(t, &rep)
	if rep.Limit != 1 || len(rep.Members) != 1 || rep.Members[0]["member_id"] != dora.ID || rep.Members[0]["limited"] != true {
		t.Errorf("got limit %d and %v, want dora limited", rep.Limit, rep.Members)
	}
}
