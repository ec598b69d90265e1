package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/storetest"
)

// ownerLostBooking is the owner's booking on a colleague's ride from the HQ, leaving in six
// hours, which the colleague declined.
func (s *site) ownerLostBooking(t *testing.T) string {
	ctx := context.Background()
	driver := s.colleague(t)
	flows := storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{})
	r, err := flows.CreateRide(ctx, carpool.RideInput{CarID: s.carOf(t, driver), DepartAt: time.Now().Add(6 * time.Hour),
		Seats: 3, BookingMode: carpool.BookingApproval, From: carpool.Place{Label: "HQ", Lat: s.hq.Lat, Lon: s.hq.Lon},
		To: carpool.Place{Label: "Home", Lat: 48.3, Lon: 11.7}}, driver)
	mustDo(t, err)
	b, err := flows.BookSeats(ctx, r.ID, s.owner, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	_, err = flows.RejectBooking(ctx, b.ID, driver)
	mustDo(t, err)
	return b.ID
}

// ownerRideHome is the owner's waiting request for a ride home.
func (s *site) ownerRideHome(t *testing.T) string {
	q, err := app.New(s.app.Store, app.Options{Limits: &carpool.Limits{}}).AskRideHome(context.Background(), s.owner, s.ownerLostBooking(t), "")
	mustDo(t, err)
	return q.ID
}

// TestRideHomePages: a member whose ride from the site was declined asks for a ride home
// on the page; a fleet manager sees the request waiting and approves it with a taxi
// voucher, and the member's page shows how they get home. A bad answer keeps the page,
// naming the field.
func TestRideHomePages(t *testing.T) {
	s := newSite(t)
	lost := s.ownerLostBooking(t)
	owner, fleet := s.browsers["owner"], s.browsers["fleet"]

	res, body := owner.get("/rides-home")
	if res.StatusCode != 200 || !strings.Contains(body, `value="`+lost+`"`) {
		t.Fatalf("the owner's page: %d, want the lost ride offered:\n%s", res.StatusCode, body)
	}
	token := owner.csrf("/rides-home")
	res, body = owner.post("/rides-home", url.Values{"csrf": {token}, "booking_id": {lost}, "note": {"late\u202e"}}, nil)
	if res.StatusCode != 422 || !strings.Contains(body, `id="note-error"`) {
		t.Fatalf("a bad note: got %d, want the form again with the note's error:\n%s", res.StatusCode, body)
	}
	if res, _ := owner.post("/rides-home", url.Values{"csrf": {token}, "booking_id": {lost}, "note": {"Last bus gone"}}, nil); res.StatusCode != 303 {
		t.Fatalf("ask: got %d", res.StatusCode)
	}
	if _, queue := fleet.get("/rides-home"); !strings.Contains(queue, "Last bus gone") || !strings.Contains(queue, "olga") {
		t.Fatalf("the fleet's page lacks the request:\n%s", queue)
	}
	list, _, err := app.New(s.app.Store, app.Options{}).RideHomes(context.Background(), s.fleet, false, carpool.RideHomeRequested, carpool.Page{Limit: 10})
	mustDo(t, err)
	if len(list) != 1 {
		t.Fatalf("waiting requests: got %d, want 1", len(list))
	}
	id := list[0].ID
	ftoken := fleet.csrf("/rides-home")
	if res, body := fleet.post("/rides-home/"+id+"/approve", url.Values{"csrf": {ftoken}, "means": {"taxi"}, "voucher": {" "}}, nil); res.StatusCode != 422 || !strings.Contains(body, "Taxi voucher") {
		t.Fatalf("an empty voucher: got %d, want the page again", res.StatusCode)
	}
	if res, _ := fleet.post("/rides-home/"+id+"/approve", url.Values{"csrf": {ftoken}, "means": {"taxi"}, "voucher": {"T-2026-118"}}, nil); res.StatusCode != 303 {
		t.Fatalf("approve: got %d", res.StatusCode)
	}
	if _, mine := owner.get("/rides-home"); !strings.Contains(mine, "T-2026-118") {
		t.Errorf("the owner's page does not show the voucher:\n%s", mine)
	}
}
