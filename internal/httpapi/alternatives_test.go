package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
)

// offerAt offers driver's ride Munich centre → airport departing at depart.
func (e *env) offerAt(t *testing.T, driver member, depart time.Time, mode string) string {
	t.Helper()
	car := e.privateCar(t, driver, 5)
	return str(e.do(t, call{method: "POST", path: "/api/v1/rides", token: driver.token,
		body: rideBody(str(car["id"]), depart, 3, mode)}).want(t, 201).object(t)["id"])
}

// TestAlternativesAfterACancelledRide: a driver cancels a ride; each passenger's
// notification names the rides that can take them instead (along their way, near their
// time, not their own) and leads to the best with their pickup; the alternatives answer
// lists the same, and booking one with what it gives keeps the pickup. On both engines.
func TestAlternativesAfterACancelledRide(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			dep := future(48 * time.Hour)
			driver := e.quickMember(t, "Dieter Driver")
			pia, paul := e.quickMember(t, "Pia Pickup"), e.quickMember(t, "Paul Plain")
			lost := e.offerAt(t, driver, dep, "instant")
			pickup := map[string]any{"label": "Freimann", "lat": 48.1900, "lon": 11.6150}
			dropoff := map[string]any{"label": "Garching", "lat": 48.2490, "lon": 11.6510}
			piasBooking := str(e.do(t, call{method: "POST", path: "/api/v1/rides/" + lost + "/bookings", token: pia.token,
				body: map[string]any{"seats": 1, "pickup": pickup, "dropoff": dropoff}}).want(t, 201).object(t)["id"])
			paulsBooking := str(e.book(t, paul, lost, 1, false).want(t, 201).object(t)["id"])

			// What else there is: a colleague 30 minutes later, another an hour earlier, one
			// in five hours (too late), and Pia's own ride ten minutes later.
			later := e.offerAt(t, e.quickMember(t, "Lena Later"), dep.Add(30*time.Minute), "approval")
			earlier := e.offerAt(t, e.quickMember(t, "Erik Earlier"), dep.Add(-time.Hour), "instant")
			e.offerAt(t, e.quickMember(t, "Toni Toolate"), dep.Add(5*time.Hour), "instant")
			piasOwn := e.offerAt(t, pia, dep.Add(10*time.Minute), "instant") // an alternative for Paul alone

			e.do(t, call{method: "GET", path: "/api/v1/bookings/" + piasBooking + "/alternatives", token: pia.token}).
				problem(t, 409, carpool.ECONFLICT, "")
			e.do(t, call{method: "POST", path: "/api/v1/rides/" + lost + "/cancel", token: driver.token}).want(t, 200)
			if _, err := notify.New(e.store, notify.Options{}).FanOut(context.Background()); err != nil {
				t.Fatal(err)
			}

			for _, c := range []struct {
				who     member
				booking string
				link    string
				want    []string
			}{
				{pia, piasBooking, "/rides/" + later + "?" + url.Values{"pickup": {"at:48.19,11.615|Freimann"}, "dropoff": {"at:48.249,11.651|Garching"}}.Encode(),
					[]string{later, earlier}},
				{paul, paulsBooking, "/rides/" + piasOwn, []string{piasOwn, later, earlier}},
			} {
				var inbox struct {
					Items []struct{ Kind, Body, Link string }
				}
				e.do(t, call{method: "GET", path: "/api/v1/notifications", token: c.who.token}).want(t, 200).decode(t, &inbox)
				var cancellations []int
				for i, it := range inbox.Items {
					if it.Kind == carpool.EventBookingCancelled {
						cancellations = append(cancellations, i)
					}
				}
				if len(cancellations) != 1 {
					t.Fatalf("%s's inbox: got %+v, want one cancellation", c.who.Name, inbox.Items)
				}
				n := inbox.Items[cancellations[0]]
				if !strings.Contains(n.Body, "Rides that can take you instead") || strings.Count(n.Body, "Marienplatz → Airport") != 1+len(c.want) {
					t.Errorf("%s's notification names not the %d alternatives: %q", c.who.Name, len(c.want), n.Body)
				}
				if n.Link != c.link {
					t.Errorf("%s's notification link: got %q, want %q", c.who.Name, n.Link, c.link)
				}

				var alt struct {
					Seats   int
					Pickup  map[string]any
					Dropoff map[string]any
					Items   []struct{ ID string }
				}
				e.do(t, call{method: "GET", path: "/api/v1/bookings/" + c.booking + "/alternatives", token: c.who.token}).want(t, 200).decode(t, &alt)
				var ids []string
				for _, it := range alt.Items {
					ids = append(ids, it.ID)
				}
				if strings.Join(ids, ",") != strings.Join(c.want, ",") {
					t.Errorf("%s's alternatives: got %v, want %v (nearest in time first)", c.who.Name, ids, c.want)
				}
				for _, other := range []member{driver, paul, pia} {
					if other.ID != c.who.ID {
						e.do(t, call{method: "GET", path: "/api/v1/bookings/" + c.booking + "/alternatives", token: other.token}).
							problem(t, 404, carpool.ENOTFOUND, "")
					}
				}
				if c.who.ID == pia.ID {
					if alt.Pickup["label"] != "Freimann" || alt.Dropoff["label"] != "Garching" || alt.Seats != 1 {
						t.Fatalf("Pia's alternatives keep not her points: %+v", alt)
					}
					// One tap: book the best with what the answer gives.
					b := e.do(t, call{method: "POST", path: "/api/v1/rides/" + later + "/bookings", token: pia.token,
						body: map[string]any{"seats": alt.Seats, "pickup": alt.Pickup, "dropoff": alt.Dropoff}}).want(t, 201).object(t)
					got := e.do(t, call{method: "GET", path: "/api/v1/bookings/" + str(b["id"]), token: pia.token}).want(t, 200).object(t)
					if p, _ := got["pickup"].(map[string]any); p["label"] != "Freimann" {
						t.Errorf("the new booking's pickup: got %v, want Freimann", got["pickup"])
					}
				}
			}
		})
	}
}

// TestAlternativesAfterARejection: a rejected request is told its alternatives too; a
// passenger who cancelled themselves is not, and their booking has none to ask for.
func TestAlternativesAfterARejection(t *testing.T) {
	e := newEnv(t, envOptions{})
	dep := future(30 * time.Hour)
	driver, rita, carl := e.quickMember(t, "Dana Driver"), e.quickMember(t, "Rita Rejected"), e.quickMember(t, "Carl Cancels")
	ride := e.offerAt(t, driver, dep, "approval")
	rejected := str(e.book(t, rita, ride, 1, false).want(t, 201).object(t)["id"])
	cancelled := str(e.book(t, carl, ride, 1, false).want(t, 201).object(t)["id"])
	other := e.offerAt(t, e.quickMember(t, "Olaf Other"), dep.Add(20*time.Minute), "instant")
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + rejected + "/reject", token: driver.token}).want(t, 200)
	e.do(t, call{method: "POST", path: "/api/v1/bookings/" + cancelled + "/cancel", token: carl.token}).want(t, 200)
	if _, err := notify.New(e.store, notify.Options{}).FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	var inbox struct {
		Items []struct{ Kind, Body, Link string }
	}
	e.do(t, call{method: "GET", path: "/api/v1/notifications", token: rita.token}).want(t, 200).decode(t, &inbox)
	if len(inbox.Items) != 1 || !strings.Contains(inbox.Items[0].Body, "A ride that can take you instead") || inbox.Items[0].Link != "/rides/"+other {
		t.Errorf("Rita's rejection: got %+v", inbox.Items)
	}
	var alt struct{ Items []struct{ ID string } }
	e.do(t, call{method: "GET", path: "/api/v1/bookings/" + rejected + "/alternatives", token: rita.token}).want(t, 200).decode(t, &alt)
	if len(alt.Items) != 1 || alt.Items[0].ID != other {
		t.Errorf("Rita's alternatives: got %+v, want %s", alt.Items, other)
	}
	e.do(t, call{method: "GET", path: "/api/v1/bookings/" + cancelled + "/alternatives", token: carl.token}).problem(t, 409, carpool.ECONFLICT, "")
}
