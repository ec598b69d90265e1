package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/web/webtest"
)

// TestWebRoleMatrix: every page and form of the UI, opened or posted by each kind of
// visitor, answers the status in its row. Anonymous visitors and members deactivated
// since they signed in are sent to the sign-in page on GET and refused on POST; "owner"
// is the member the ride, booking or reservation belongs to. Every POST carries the
// session's CSRF token and confirmed=yes, so what is checked is who may, not the form.
func TestWebRoleMatrix(t *testing.T) {
	app := webtest.Start(t, webtest.Options{})
	ctx := context.Background()
	add := func(role carpool.Role, name string) carpool.Member {
		return app.AddMember(t, fmt.Sprintf("%s@example.com", name), name, "", role)
	}
	member, owner := add(carpool.RoleMember, "max"), add(carpool.RoleMember, "olga")
	fleet, admin := add(carpool.RoleFleetManager, "fiona"), add(carpool.RoleAdmin, "ada")
	gone := add(carpool.RoleMember, "dee")

	browsers := map[string]*browser{"anonymous": newBrowser(t, app)}
	for role, m := range map[string]carpool.Member{"member": member, "owner": owner, "fleet": fleet, "admin": admin, "deactivated": gone} {
		b := newBrowser(t, app)
		b.signInAs(m)
		browsers[role] = b
	}
	if _, err := app.Store.DeactivateMember(ctx, gone.ID, admin); err != nil {
		t.Fatal(err)
	}

	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 48.1, Lon: 11.5, Version: 1}
	mustDo(t, app.Store.CreateSite(ctx, site))
	n := 0
	poolCar := func() string {
		n++
		c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: site.ID, Plate: fmt.Sprintf("M R %d", n), Make: "VW", Model: "Golf",
			Seats: 5, Status: carpool.CarActive, Version: 1}
		mustDo(t, app.Store.CreateCar(ctx, c))
		return c.ID
	}
	pool := poolCar()
	ride := func(driver carpool.Member) carpool.Ride {
		n++
		c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: driver.ID, Plate: fmt.Sprintf("M P %d", n), Make: "VW",
			Model: "Golf", Seats: 5, Status: carpool.CarActive, Version: 1}
		mustDo(t, app.Store.CreateCar(ctx, c))
		r, err := app.Store.CreateRide(ctx, carpool.RideInput{CarID: c.ID, DepartAt: time.Now().Add(48 * time.Hour), Seats: 3,
			From: carpool.Place{Label: "A", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "B", Lat: 48.3, Lon: 11.7}}, driver)
		mustDo(t, err)
		return r
	}
	ownerRide := func() string { return ride(owner).ID }
	ownerBooking := func() string {
		b, err := app.Store.BookSeats(ctx, ride(member).ID, owner, carpool.BookingRequest{Seats: 1})
		mustDo(t, err)
		return b.ID
	}
	ownerReservation := func() string {
		n++
		start := time.Now().Add(time.Duration(24*n) * time.Hour)
		r, err := app.Store.CreateReservation(ctx, pool, owner, carpool.ReservationTrip, start, start.Add(time.Hour))
		mustDo(t, err)
		return r.ID
	}
	target := func() string {
		n++
		return add(carpool.RoleMember, fmt.Sprintf("tia%d", n)).ID
	}
	fixed := func(id string) func() string { return func() string { return id } }

	const g, p = http.MethodGet, http.MethodPost
	rows := []struct {
		method, path string
		id           func() string // the id for %s in path
		form         url.Values
		want         [4]int // member, owner, fleet, admin
	}{
		{g, "/", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/rides", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/rides/new", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/rides/%s", ownerRide, nil, [4]int{200, 200, 200, 200}},
		{p, "/rides/%s/cancel", ownerRide, nil, [4]int{403, 303, 403, 303}},
		{p, "/rides/%s/book", ownerRide, url.Values{"seats": {"1"}}, [4]int{303, 403, 303, 303}},
		{p, "/bookings/%s/cancel", ownerBooking, nil, [4]int{303, 303, 404, 404}},
		{g, "/cars", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/cars/%s", fixed(pool), nil, [4]int{200, 200, 200, 200}},
		{p, "/reservations/%s/cancel", ownerReservation, url.Values{"next": {"/"}}, [4]int{404, 303, 303, 303}},
		{g, "/places", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/mycars", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/profile", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/profile/export", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/commutes", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/commutes/week", nil, nil, [4]int{200, 200, 200, 200}},
		{g, "/admin/members", nil, nil, [4]int{403, 403, 403, 200}},
		{g, "/admin/audit", nil, nil, [4]int{403, 403, 403, 200}},
		{p, "/admin/members/%s/role", target, url.Values{"role": {"fleet_manager"}}, [4]int{404, 404, 404, 303}},
		{p, "/admin/members/%s/deactivate", target, nil, [4]int{404, 404, 404, 303}},
		{g, "/fleet", nil, nil, [4]int{403, 403, 200, 200}},
		{g, "/fleet/reports", nil, nil, [4]int{403, 403, 200, 200}},
		{g, "/fleet/utilisation", nil, nil, [4]int{403, 403, 200, 200}},
		{g, "/fleet/sites/%s", fixed(site.ID), nil, [4]int{403, 403, 200, 200}},
		{p, "/fleet/sites", nil, url.Values{"name": {"S"}, "address": {"A"}, "lat": {"1"}, "lon": {"1"}}, [4]int{403, 403, 303, 303}},
		{g, "/fleet/cars/%s", fixed(pool), nil, [4]int{403, 403, 200, 200}},
		{p, "/fleet/cars/%s/retire", poolCar, nil, [4]int{403, 403, 303, 303}},
	}
	order := []string{"member", "owner", "fleet", "admin"}
	for _, row := range rows {
		t.Run(row.method+" "+row.path, func(t *testing.T) {
			want := map[string]int{"anonymous": 303, "deactivated": 303}
			if row.method == p {
				want["anonymous"], want["deactivated"] = 403, 403
			}
			for i, role := range order {
				want[role] = row.want[i]
			}
			for _, role := range append([]string{"anonymous", "deactivated"}, order...) {
				path := row.path
				if row.id != nil {
					path = fmt.Sprintf(path, row.id())
				}
				b := browsers[role]
				var res *http.Response
				if row.method == g {
					res, _ = b.get(path)
				} else {
					form := url.Values{"confirmed": {"yes"}, "csrf": {"none"}}
					if role != "anonymous" && role != "deactivated" {
						form.Set("csrf", b.csrf("/profile"))
					}
					for k, v := range row.form {
						form[k] = v
					}
					res, _ = b.post(path, form, nil)
				}
				if res.StatusCode != want[role] {
					t.Errorf("%s: got %d, want %d", role, res.StatusCode, want[role])
				}
			}
		})
	}
}
