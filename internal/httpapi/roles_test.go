package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
)

// roles are the columns of the role matrix: who calls.
var roles = []string{"anonymous", "member", "owner", "fleet", "admin", "deactivated"}

// world is one set of people for the role matrix; each row makes its own resources,
// owned by owner, so that one cell's change cannot decide another's answer.
type world struct {
	e                                 *env
	owner, member, fleet, admin, gone member
	guard                             member // site security
	// site and pool are shared by the rows that only read them or add to them.
	site, pool string
	day        atomic.Int64 // for reservation windows that never overlap
}

func newWorld(t *testing.T) *world {
	// No fair-use limits: the owner holds a fixture in every row (rides home included).
	// Anyone may sign up, mail goes out and address search answers, so that those rows
	// are about the caller.
	e := newEnv(t, envOptions{Limits: &carpool.Limits{}, Signup: carpool.SignupPolicy{Domains: []string{"*"}},
		Geocoder: oneAddress{}, Mailer: &mailbox{}})
	w := &world{e: e}
	w.owner = e.quickMember(t, "Olga Owner")
	w.member = e.quickMember(t, "Max Member")
	w.fleet = e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	w.admin = e.member(t, "Ada Admin", carpool.RoleAdmin)
	w.gone = w.deactivated(t, "Dee Parted")
	w.guard = e.member(t, "Gus Guard", carpool.RoleSiteSecurity)
	w.site = str(e.site(t, w.fleet)["id"])
	w.pool = str(e.poolCar(t, w.fleet, w.site, 5)["id"])
	return w
}

// who is the member playing role in every row but those that change their caller.
func (w *world) who(role string) member {
	return map[string]member{"member": w.member, "owner": w.owner, "fleet": w.fleet, "admin": w.admin, "deactivated": w.gone,
		"security": w.guard}[role]
}

// standIn is a new member of role's kind, for rows whose call changes the caller
// (signing out, a new password, erasure) and must leave the world's people as they are.
func (w *world) standIn(t *testing.T, role string) member {
	name := fmt.Sprintf("Stan %s %s", role, plate())
	switch role {
	case "anonymous":
		return member{}
	case "fleet":
		return w.e.tokenFor(t, w.e.storeMember(t, name, carpool.RoleFleetManager))
	case "admin":
		return w.e.tokenFor(t, w.e.storeMember(t, name, carpool.RoleAdmin))
	case "deactivated":
		return w.deactivated(t, name)
	case "security":
		return w.e.tokenFor(t, w.e.storeMember(t, name, carpool.RoleSiteSecurity))
	}
	return w.e.quickMember(t, name)
}

// deactivated is a member an admin has deactivated, holding the token they had before.
func (w *world) deactivated(t *testing.T, name string) member {
	m := w.e.quickMember(t, name)
	by := w.admin.Member
	if by.ID == "" {
		by = w.e.storeMember(t, "Ada Deactivator", carpool.RoleAdmin).Member
	}
	if _, err := storetest.NewFlows(w.e.store).DeactivateMember(context.Background(), m.ID, by); err != nil {
		t.Fatal(err)
	}
	return m
}

// tokenFor mints a token for m straight in the store.
func (e *env) tokenFor(t *testing.T, m member) member {
	tok, secret, err := carpool.NewToken(m.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	m.token = secret
	return m
}

// carOf is a car caller may drive; callers who cannot sign in borrow the owner's, as
// their answer is 401 before any car matters.
func (w *world) carOf(t *testing.T, caller member) string {
	if caller.ID == "" || caller.ID == w.gone.ID || caller.Role == carpool.RoleSiteSecurity {
		caller = w.owner
	}
	return str(w.e.privateCar(t, caller, 4)["id"])
}

// window is a fresh hour for each reservation.
func (w *world) window() map[string]any {
	s := future(time.Duration(24*w.day.Add(1)) * time.Hour)
	return map[string]any{"start": rfc3339(s), "end": rfc3339(s.Add(time.Hour))}
}

// The resources of the rows, each new and belonging to the owner.

func (w *world) ownerRide(t *testing.T) string { return str(w.e.ride(t, w.owner, 3, "approval")["id"]) }

// space is a new parking space of the world's site.
func (w *world) space(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/sites/" + w.site + "/parking-spaces", token: w.fleet.token,
		body: map[string]any{"label": plate()}}).want(t, 201).object(t)["id"])
}

func (w *world) ownerCar(t *testing.T) string { return str(w.e.privateCar(t, w.owner, 4)["id"]) }

func (w *world) ownerReservation(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/cars/" + w.pool + "/reservations", token: w.owner.token,
		body: w.window()}).want(t, 201).object(t)["id"])
}

// ownerBooking is the owner's booking, as a passenger, on a colleague's ride.
func (w *world) ownerBooking(t *testing.T) string {
	ride := w.e.ride(t, w.e.quickMember(t, "Dirk Driver "+plate()), 3, "approval")
	return str(w.e.book(t, w.owner, str(ride["id"]), 1, false).want(t, 201).object(t)["id"])
}

// ownerLostBooking is the owner's request for a seat on a colleague's ride, which the
// colleague rejected: the owner may ask for alternatives.
func (w *world) ownerLostBooking(t *testing.T) string {
	driver := w.e.quickMember(t, "Rolf Rejecter "+plate())
	ride := w.e.ride(t, driver, 3, "approval")
	id := str(w.e.book(t, w.owner, str(ride["id"]), 1, false).want(t, 201).object(t)["id"])
	w.e.do(t, call{method: "POST", path: "/api/v1/bookings/" + id + "/reject", token: driver.token}).want(t, 200)
	return id
}

// requestToOwner is a colleague's pending request for a seat on the owner's ride: the
// owner, as its driver, confirms or rejects it.
func (w *world) requestToOwner(t *testing.T) string {
	return str(w.e.book(t, w.e.quickMember(t, "Paula Passenger "+plate()), w.ownerRide(t), 1, false).want(t, 201).object(t)["id"])
}

func (w *world) ownerSeries(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/commutes", token: w.owner.token,
		body: seriesBody(w.ownerCar(t))}).want(t, 201).object(t)["id"])
}

// ownerSubscription is a colleague's series the owner rides along on every day of.
func (w *world) ownerSubscription(t *testing.T) string {
	driver := w.e.quickMember(t, "Serena Series "+plate())
	id := str(w.e.do(t, call{method: "POST", path: "/api/v1/commutes", token: driver.token,
		body: seriesBody(str(w.e.privateCar(t, driver, 4)["id"]))}).want(t, 201).object(t)["id"])
	w.e.do(t, call{method: "POST", path: "/api/v1/commutes/" + id + "/subscription", token: w.owner.token, body: map[string]any{}}).want(t, 201)
	w.e.materialise(t)
	return id
}

func (w *world) ownerPlace(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/places", token: w.owner.token,
		body: map[string]any{"name": "Home " + plate(), "lat": 48.1, "lon": 11.5}}).want(t, 201).object(t)["id"])
}

// ownerSession is another session of the owner's, not the one the matrix calls with.
func (w *world) ownerSession(t *testing.T) string {
	tok, _, err := carpool.NewToken(w.owner.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.e.store.CreateToken(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

// ownerNotification is the newest notification in the owner's inbox: a colleague asks
// for a seat on the owner's ride.
func (w *world) ownerNotification(t *testing.T) string {
	w.requestToOwner(t)
	if _, err := notify.New(w.e.store, notify.Options{}).FanOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	var page struct{ Items []struct{ ID string } }
	w.e.do(t, call{method: "GET", path: "/api/v1/notifications?limit=1", token: w.owner.token}).want(t, 200).decode(t, &page)
	if len(page.Items) != 1 {
		t.Fatal("the owner has no notification")
	}
	return page.Items[0].ID
}

// partner is a new partner operator, registered by the admin.
// ownerRideHome is the owner's pending request for a ride home after a lost ride from
// the world's site.
func (w *world) ownerRideHome(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/ride-home-requests", token: w.owner.token,
		body: map[string]any{"booking_id": w.e.lostRideFromSite(t, w.owner)}}).want(t, 201).object(t)["id"])
}

func (w *world) partner(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/partners", token: w.admin.token,
		body: map[string]any{"name": "Partner " + plate()}}).want(t, 201).object(t)["id"])
}

func (w *world) webhook(t *testing.T) string {
	return str(w.e.do(t, call{method: "POST", path: "/api/v1/webhooks", token: w.admin.token,
		body: map[string]any{"url": "https://hooks.example.com/" + plate()}}).want(t, 201).object(t)["id"])
}

// deadDelivery is a mail delivery that used its attempts.
func (w *world) deadDelivery(t *testing.T) string {
	ctx := context.Background()
	w.ownerReservation(t) // an event to deliver
	_, err := w.e.store.FanOutEvents(ctx, 1000, func(_ context.Context, ev carpool.Event) (carpool.Fanout, error) {
		return carpool.Fanout{Deliveries: []carpool.Delivery{{ID: carpool.NewID(), EventID: ev.ID, Channel: carpool.ChannelEmail,
			Recipient: w.admin.ID, Payload: []byte(`{}`), EventCreatedAt: ev.CreatedAt}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := w.e.store.ClaimDeliveries(ctx, time.Now(), time.Minute, 1000)
	if err != nil || len(ds) == 0 {
		t.Fatalf("claim: %v %v", ds, err)
	}
	for _, d := range ds {
		if err := w.e.store.FinishDelivery(ctx, d, errors.New("550 mailbox unavailable"), time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	return ds[0].ID
}

// oneAddress is an address search that always finds the same place.
type oneAddress struct{}

func (oneAddress) Search(context.Context, string) ([]carpool.Place, error) {
	return []carpool.Place{{Label: "Oranienplatz, Berlin", Lat: 52.5, Lon: 13.4}}, nil
}

// matrixRow is one operation of openapi.yaml and its answer to each role.
type matrixRow struct {
	method, path string // as openapi.yaml names the operation; {id} is filled in by id
	query        string
	// id makes the resource, owned by the owner; the callers share it until a call
	// that is not a GET succeeds, as a refused call changes nothing.
	id func(t *testing.T) string
	// body is the request body: a value, or func(t, caller) for one made for each call.
	body any
	// self: the call changes its caller, so each role is played by a new stand-in.
	self bool
	want [6]int // anonymous, member, owner, fleet, admin, deactivated
}

// roleMatrix is the expected answer of every API operation to every kind of caller.
// "owner" is the member the resource belongs to (the driver of the ride or series, the
// passenger of the booking or subscription, the holder of the reservation, the owner of
// the car or place, the member themselves); "member" is a colleague who is none of
// these. What a caller may not see is not found (404); what they may see but not do is
// forbidden (403). A deactivated member's token no longer works anywhere; public
// operations answer everyone alike.
func roleMatrix(w *world) []matrixRow {
	type caller = member
	from, to := rfc3339(future(-24*time.Hour)), rfc3339(future(24*time.Hour))
	wed, thu := firstDay(time.Wednesday), firstDay(time.Thursday)
	return []matrixRow{
		{"GET", "/api/openapi.yaml", "", nil, nil, false, [6]int{200, 200, 200, 200, 200, 200}},

		{"POST", "/api/v1/members", "", nil, func(*testing.T, caller) any {
			return map[string]any{"email": "new." + strings.ReplaceAll(plate(), " ", "") + "@example.com", "name": "New", "password": testPassword}
		}, false, [6]int{201, 201, 201, 201, 201, 201}},
		{"POST", "/api/v1/tokens", "", nil, func(_ *testing.T, c caller) any { // each signs in as themselves
			if c.ID == "" {
				c = w.owner
			}
			return map[string]any{"email": c.Email, "password": testPassword}
		}, false, [6]int{201, 201, 201, 201, 201, 401}},
		{"DELETE", "/api/v1/tokens/current", "", nil, nil, true, [6]int{401, 204, 204, 204, 204, 401}},
		{"POST", "/api/v1/password/forgot", "", nil, func(_ *testing.T, c caller) any { // each for themselves: no one learns who has an account
			if c.ID == "" {
				c.Email = "nobody@example.com"
			}
			return map[string]any{"email": c.Email}
		}, false, [6]int{202, 202, 202, 202, 202, 202}},
		{"POST", "/api/v1/password/reset", "", nil, map[string]any{"token": "not-a-reset-token", "password": "another long password"},
			false, [6]int{422, 422, 422, 422, 422, 422}},
		{"POST", "/api/v1/email/confirm", "", nil, map[string]any{"token": "not-a-confirm-token"}, false, [6]int{422, 422, 422, 422, 422, 422}},

		{"GET", "/api/v1/me", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"PATCH", "/api/v1/me", "", nil, map[string]any{"phone": "+49 30 1"}, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/me/password", "", nil, map[string]any{"current_password": testPassword, "new_password": "another long password"},
			true, [6]int{401, 204, 204, 204, 204, 401}},
		{"GET", "/api/v1/me/sessions", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"DELETE", "/api/v1/me/sessions/{id}", "", w.ownerSession, nil, false, [6]int{401, 404, 204, 404, 404, 401}},
		{"GET", "/api/v1/me/export", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/me/erase", "", nil, map[string]any{"password": testPassword}, true, [6]int{401, 204, 204, 204, 204, 401}},

		{"GET", "/api/v1/members", "", nil, nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"GET", "/api/v1/members/{id}", "", func(*testing.T) string { return w.owner.ID }, nil, false, [6]int{401, 404, 200, 404, 200, 401}},
		{"POST", "/api/v1/members/{id}/role", "", func(t *testing.T) string { return w.e.quickMember(t, "Rita Role "+plate()).ID },
			map[string]any{"role": "fleet_manager"}, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/members/{id}/deactivate", "", func(t *testing.T) string { return w.e.quickMember(t, "Dan Deact "+plate()).ID },
			nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/members/{id}/reactivate", "", func(t *testing.T) string { return w.deactivated(t, "Rea Ctivate "+plate()).ID },
			nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/members/{id}/erase", "", func(t *testing.T) string { return w.e.quickMember(t, "Erin Erase "+plate()).ID },
			nil, false, [6]int{401, 403, 403, 403, 204, 401}},
		{"GET", "/api/v1/audit", "", nil, nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"GET", "/api/v1/reports", "?from=" + from + "&to=" + to, nil, nil, false, [6]int{401, 403, 403, 200, 200, 401}},

		{"GET", "/api/v1/sites", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/sites", "", nil, map[string]any{"name": "S", "address": "A", "lat": 1, "lon": 1}, false, [6]int{401, 403, 403, 201, 201, 401}},
		{"GET", "/api/v1/sites/{id}", "", func(*testing.T) string { return w.site }, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"PATCH", "/api/v1/sites/{id}", "", func(*testing.T) string { return w.site }, map[string]any{"address": "B"}, false, [6]int{401, 403, 403, 200, 200, 401}},
		{"GET", "/api/v1/sites/{id}/parking-spaces", "", func(*testing.T) string { return w.site }, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/sites/{id}/parking-spaces", "", func(*testing.T) string { return w.site },
			func(*testing.T, caller) any { return map[string]any{"label": plate()} }, false, [6]int{401, 403, 403, 201, 201, 401}},
		{"PATCH", "/api/v1/parking-spaces/{id}", "", w.space, func(*testing.T, caller) any { return map[string]any{"label": plate()} },
			false, [6]int{401, 403, 403, 200, 200, 401}},
		{"DELETE", "/api/v1/parking-spaces/{id}", "", w.space, nil, false, [6]int{401, 403, 403, 204, 204, 401}},
		{"GET", "/api/v1/sites/{id}/parking", "?date=2030-01-01", func(*testing.T) string { return w.site }, nil, false, [6]int{401, 403, 403, 200, 200, 401}},
		{"GET", "/api/v1/sites/{id}/check-in-code", "", func(*testing.T) string { return w.site }, nil, false, [6]int{401, 403, 403, 200, 200, 401}},
		// Check-in is the ride's occupants' alone: others see the ride but may not.
		{"POST", "/api/v1/rides/{id}/check-ins", "", w.ownerRideSoon, map[string]any{"lat": 48.1372, "lon": 11.5756},
			false, [6]int{401, 403, 201, 403, 403, 401}},
		{"POST", "/api/v1/bookings/{id}/no-show", "", w.departedBookingOnOwnersRide, nil, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"GET", "/api/v1/proofs", "?from=" + from + "&to=" + to, nil, nil, false, [6]int{401, 403, 403, 200, 200, 401}},
		{"POST", "/api/v1/bookings/{id}/driver-no-show", "", w.ownerDepartedBooking, nil, false, [6]int{401, 404, 201, 404, 404, 401}},
		{"GET", "/api/v1/no-shows", "", nil, nil, false, [6]int{401, 403, 403, 200, 200, 401}},
		{"GET", "/api/v1/rides/{id}/pool-cars", "", w.ownerCancelledRide, nil, false, [6]int{401, 403, 200, 403, 403, 401}},
		{"GET", "/api/v1/proofs/export", "?from=" + from + "&to=" + to, nil, nil, false, [6]int{401, 403, 403, 200, 200, 401}},

		{"GET", "/api/v1/cars", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/cars", "", nil, func(*testing.T, caller) any {
			return map[string]any{"kind": "private", "plate": plate(), "make": "M", "model": "M", "seats": 4}
		}, false, [6]int{401, 201, 201, 201, 201, 401}},
		{"GET", "/api/v1/cars/{id}", "", w.ownerCar, nil, false, [6]int{401, 404, 200, 404, 200, 401}},
		{"PATCH", "/api/v1/cars/{id}", "", w.ownerCar, map[string]any{"model": "X"}, false, [6]int{401, 404, 200, 404, 403, 401}},
		{"DELETE", "/api/v1/cars/{id}", "", w.ownerCar, nil, false, [6]int{401, 404, 204, 404, 403, 401}},
		{"GET", "/api/v1/cars/{id}/reservations", "", func(*testing.T) string { return w.pool }, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/cars/{id}/reservations", "", func(*testing.T) string { return w.pool }, func(*testing.T, caller) any { return w.window() },
			false, [6]int{401, 201, 201, 201, 201, 401}},
		{"GET", "/api/v1/reservations", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/reservations/{id}", "", w.ownerReservation, nil, false, [6]int{401, 404, 200, 200, 200, 401}},
		{"POST", "/api/v1/reservations/{id}/cancel", "", w.ownerReservation, nil, false, [6]int{401, 404, 200, 200, 200, 401}},

		{"GET", "/api/v1/rides", "?seats=1", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/rides", "", nil, func(t *testing.T, c caller) any {
			return rideBody(w.carOf(t, c), future(48*time.Hour), 1, "instant")
		}, false, [6]int{401, 201, 201, 201, 201, 401}},
		{"GET", "/api/v1/rides/{id}", "", w.ownerRide, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"PATCH", "/api/v1/rides/{id}", "", w.ownerRide, map[string]any{"notes": "n"}, false, [6]int{401, 403, 200, 403, 403, 401}},
		{"POST", "/api/v1/rides/{id}/cancel", "", w.ownerRide, nil, false, [6]int{401, 403, 200, 403, 200, 401}},
		{"POST", "/api/v1/rides/{id}/bookings", "", w.ownerRide, map[string]any{"seats": 1}, false, [6]int{401, 201, 403, 201, 201, 401}},
		// A ride's thread is its driver's and matched passengers' alone (TestMessageAccess
		// has every kind of passenger): others see the ride but not its messages.
		{"GET", "/api/v1/rides/{id}/messages", "", w.ownerRide, nil, false, [6]int{401, 403, 200, 403, 403, 401}},
		{"POST", "/api/v1/rides/{id}/messages", "", w.ownerRide, map[string]any{"body": "I'm at gate 2"}, false, [6]int{401, 403, 201, 403, 403, 401}},
		{"GET", "/api/v1/bookings", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/bookings/{id}", "", w.ownerBooking, nil, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"POST", "/api/v1/bookings/{id}/cancel", "", w.ownerBooking, nil, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"POST", "/api/v1/bookings/{id}/confirm", "", w.requestToOwner, nil, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"POST", "/api/v1/bookings/{id}/reject", "", w.requestToOwner, nil, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"GET", "/api/v1/bookings/{id}/alternatives", "", w.ownerLostBooking, nil, false, [6]int{401, 404, 200, 404, 404, 401}},

		{"GET", "/api/v1/commutes", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/commutes", "", nil, func(t *testing.T, c caller) any { return seriesBody(w.carOf(t, c)) },
			false, [6]int{401, 201, 201, 201, 201, 401}},
		{"GET", "/api/v1/commutes/{id}", "", w.ownerSeries, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"PATCH", "/api/v1/commutes/{id}", "", w.ownerSeries, map[string]any{"seats": 3}, false, [6]int{401, 403, 200, 403, 403, 401}},
		{"POST", "/api/v1/commutes/{id}/end", "", w.ownerSeries, nil, false, [6]int{401, 403, 200, 403, 200, 401}},
		{"POST", "/api/v1/commutes/{id}/skip", "", w.ownerSeries, map[string]any{"date": wed.String()}, false, [6]int{401, 403, 200, 403, 403, 401}},
		{"GET", "/api/v1/commutes/{id}/occurrences", "", w.ownerSeries, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/commutes/{id}/subscription", "", w.ownerSeries, map[string]any{}, false, [6]int{401, 201, 403, 201, 201, 401}},
		{"DELETE", "/api/v1/commutes/{id}/subscription", "", w.ownerSubscription, nil, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"POST", "/api/v1/commutes/{id}/subscription/leave", "", w.ownerSubscription, map[string]any{"date": thu.String()},
			false, [6]int{401, 404, 200, 404, 404, 401}},
		{"GET", "/api/v1/commutes/week", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},

		{"GET", "/api/v1/places", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/places", "", nil, func(*testing.T, caller) any {
			return map[string]any{"name": "Gym " + plate(), "lat": 48.2, "lon": 11.6}
		},
			false, [6]int{401, 201, 201, 201, 201, 401}},
		{"GET", "/api/v1/places/search", "?q=Oranienplatz", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/places/{id}", "", w.ownerPlace, nil, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"PATCH", "/api/v1/places/{id}", "", w.ownerPlace, map[string]any{"name": "Work"}, false, [6]int{401, 404, 200, 404, 404, 401}},
		{"DELETE", "/api/v1/places/{id}", "", w.ownerPlace, nil, false, [6]int{401, 404, 204, 404, 404, 401}},

		{"GET", "/api/v1/notifications", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/notifications/unread", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/notifications/{id}/read", "", w.ownerNotification, nil, false, [6]int{401, 404, 204, 404, 404, 401}},
		{"POST", "/api/v1/notifications/read-all", "", nil, nil, false, [6]int{401, 204, 204, 204, 204, 401}},
		{"GET", "/api/v1/notifications/preferences", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"PUT", "/api/v1/notifications/preferences", "", nil, map[string]any{"email": []string{"booking.confirmed"}},
			false, [6]int{401, 200, 200, 200, 200, 401}},
		{"GET", "/api/v1/ride-home-requests", "", nil, nil, false, [6]int{401, 200, 200, 200, 200, 401}},
		{"POST", "/api/v1/ride-home-requests", "", nil, func(t *testing.T, c caller) any {
			return map[string]any{"booking_id": w.e.lostRideFromSite(t, w.owner)}
		}, false, [6]int{401, 404, 201, 404, 404, 401}},
		{"GET", "/api/v1/ride-home-requests/{id}", "", w.ownerRideHome, nil, false, [6]int{401, 404, 200, 200, 200, 401}},
		{"POST", "/api/v1/ride-home-requests/{id}/approve", "", w.ownerRideHome, map[string]any{"means": "taxi", "voucher": "T-42"},
			false, [6]int{401, 404, 403, 200, 200, 401}},
		{"POST", "/api/v1/ride-home-requests/{id}/decline", "", w.ownerRideHome, map[string]any{"reason": "No car tonight"},
			false, [6]int{401, 404, 403, 200, 200, 401}},

		{"GET", "/api/v1/partners", "", nil, nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/partners", "", nil, map[string]any{"name": "City journey planner"}, false, [6]int{401, 403, 403, 403, 201, 401}},
		{"POST", "/api/v1/partners/{id}/revoke", "", w.partner, nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"GET", "/api/v1/webhooks", "", nil, nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/webhooks", "", nil, func(*testing.T, caller) any { return map[string]any{"url": "https://hooks.example.com/" + plate()} },
			false, [6]int{401, 403, 403, 403, 201, 401}},
		{"DELETE", "/api/v1/webhooks/{id}", "", w.webhook, nil, false, [6]int{401, 403, 403, 403, 204, 401}},
		{"POST", "/api/v1/webhooks/{id}/enable", "", w.webhook, nil, false, [6]int{401, 403, 403, 403, 204, 401}},
		{"GET", "/api/v1/deliveries", "", nil, nil, false, [6]int{401, 403, 403, 403, 200, 401}},
		{"POST", "/api/v1/deliveries/{id}/retry", "", w.deadDelivery, nil, false, [6]int{401, 403, 403, 403, 204, 401}},
		{"POST", "/api/v1/calendar", "", nil, nil, false, [6]int{401, 201, 201, 201, 201, 401}},
		{"DELETE", "/api/v1/calendar", "", nil, nil, false, [6]int{401, 204, 204, 204, 204, 401}},
	}
}

// TestRoleMatrix: every API operation, called by each kind of caller, answers the status
// in its row of roleMatrix.
func TestRoleMatrix(t *testing.T) {
	w := newWorld(t)
	for _, row := range roleMatrix(w) {
		t.Run(row.method+" "+row.path, func(t *testing.T) {
			id := ""
			for i, role := range append(roles, "security") {
				want := securityAnswer(row)
				if i < len(row.want) {
					want = row.want[i]
				}
				c := w.who(role)
				if row.self {
					c = w.standIn(t, role)
				}
				path := row.path
				if row.id != nil {
					if id == "" {
						id = row.id(t)
					}
					path = strings.Replace(path, "{id}", id, 1)
				}
				body := row.body
				if f, ok := body.(func(*testing.T, member) any); ok {
					body = f(t, c)
				}
				got := w.e.do(t, call{method: row.method, path: path + row.query, token: c.token, body: body, invalid: true}).status
				if got != want {
					t.Errorf("%s: got %d, want %d", role, got, want)
				}
				if row.method != "GET" && got < 400 {
					id = "" // the call may have changed it: the next caller gets a new one
				}
			}
		})
	}
}

// TestRoleMatrixCoversOperations: the role matrix has one row for each operation of
// openapi.yaml, and none for an operation it does not describe.
func TestRoleMatrixCoversOperations(t *testing.T) {
	rows := map[string]int{}
	for _, row := range roleMatrix(&world{}) {
		rows[row.method+" "+row.path]++
	}
	for _, op := range operations(t) {
		key := op.method + " " + op.path
		switch rows[key] {
		case 0:
			t.Errorf("%s: no row in the role matrix", key)
		case 1:
		default:
			t.Errorf("%s: %d rows in the role matrix, want one", key, rows[key])
		}
		delete(rows, key)
	}
	for key, n := range rows {
		t.Errorf("%s: %d rows in the role matrix, for an operation openapi.yaml does not have", key, n)
	}
}
