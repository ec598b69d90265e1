package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/sso"
	"carpool/internal/sso/ssotest"
	"carpool/internal/storetest"
	"carpool/internal/web"
	"carpool/internal/web/webtest"
)

// webRoles are the columns of the web role matrix: who visits.
var webRoles = []string{"anonymous", "member", "owner", "fleet", "admin", "deactivated"}

// publicRoutes are the routes the role matrix leaves out: static assets, which are the
// same for everyone, and the not-found page for every path no other route takes.
var publicRoutes = []string{"GET /static/", "/"}

// site is one set of visitors for the web role matrix, each with a browser, and the
// resources the rows share because they only read them.
type site struct {
	app                               *webtest.App
	owner, member, fleet, admin, gone carpool.Member
	guard                             carpool.Member // site security
	browsers                          map[string]*browser
	hq                                carpool.Site
	pool                              string
	n                                 atomic.Int64
}

func newSite(t *testing.T) *site {
	s := &site{}
	// No fair-use limits: the owner holds a fixture in every row.
	s.app = webtest.Start(t, webtest.Options{
		Limits: &carpool.Limits{},
		Signup: carpool.SignupPolicy{Domains: []string{"*"}},
		Mailer: func(string) app.Mailer { return &outbox{} },
		SSO: func(base string) *web.SSO {
			op := ssotest.Start(t, base+"/auth/oidc/callback")
			return &web.SSO{Name: "Example ID", Provider: sso.New(sso.Config{Issuer: op.Issuer, ClientID: ssotest.ClientID,
				ClientSecret: ssotest.ClientSecret, RedirectURL: base + "/auth/oidc/callback"})}
		},
	})
	s.owner, s.member = s.add(t, carpool.RoleMember, "olga"), s.add(t, carpool.RoleMember, "max")
	s.fleet, s.admin = s.add(t, carpool.RoleFleetManager, "fiona"), s.add(t, carpool.RoleAdmin, "ada")
	s.gone = s.add(t, carpool.RoleMember, "dee")
	s.guard = s.add(t, carpool.RoleSiteSecurity, "gus")
	s.browsers = map[string]*browser{"anonymous": newBrowser(t, s.app), "member": s.browser(t, s.member), "owner": s.browser(t, s.owner),
		"fleet": s.browser(t, s.fleet), "admin": s.browser(t, s.admin), "deactivated": s.browser(t, s.gone), "security": s.browser(t, s.guard)}
	s.deactivate(t, s.gone)
	s.hq = s.newSite(t)
	s.pool = s.poolCar(t)
	return s
}

func (s *site) add(t *testing.T, role carpool.Role, name string) carpool.Member {
	return s.app.AddMember(t, name+"@example.com", name, "", role)
}

func (s *site) browser(t *testing.T, m carpool.Member) *browser {
	b := newBrowser(t, s.app)
	b.signInAs(m)
	return b
}

func (s *site) deactivate(t *testing.T, m carpool.Member) {
	by := s.admin
	if by.ID == "" {
		by = s.add(t, carpool.RoleAdmin, fmt.Sprintf("deactivator%d", s.n.Add(1)))
	}
	_, err := storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{}).DeactivateMember(context.Background(), m.ID, by)
	mustDo(t, err)
}

// who is the member visiting as role, and their browser.
func (s *site) who(role string) (carpool.Member, *browser) {
	m := map[string]carpool.Member{"member": s.member, "owner": s.owner, "fleet": s.fleet, "admin": s.admin, "deactivated": s.gone,
		"security": s.guard}[role]
	return m, s.browsers[role]
}

// standIn is a new visitor of role's kind, for rows that change the visitor (signing
// out, a new password, erasure) and must leave the site's people as they are.
func (s *site) standIn(t *testing.T, role string) (carpool.Member, *browser) {
	kind := map[string]carpool.Role{"fleet": carpool.RoleFleetManager, "admin": carpool.RoleAdmin, "security": carpool.RoleSiteSecurity}[role]
	if kind == "" {
		kind = carpool.RoleMember
	}
	if role == "anonymous" {
		return carpool.Member{}, newBrowser(t, s.app)
	}
	m := s.add(t, kind, fmt.Sprintf("stan%d", s.n.Add(1)))
	b := s.browser(t, m)
	if role == "deactivated" {
		s.deactivate(t, m)
	}
	return m, b
}

// The resources of the rows, each new and, unless said otherwise, the owner's.

func (s *site) newSite(t *testing.T) carpool.Site {
	st := carpool.Site{ID: carpool.NewID(), Name: fmt.Sprintf("HQ %d", s.n.Add(1)), Address: "Main St 1", Lat: 48.1, Lon: 11.5, Version: 1}
	mustDo(t, s.app.Store.CreateSite(context.Background(), st))
	return st
}

// space is a new parking space of the HQ, as "{site}/parking-spaces/{space}": the rows
// of the space routes put it where their path has {id}.
func (s *site) space(t *testing.T) string {
	sp, err := storetest.NewFlows(s.app.Store).AddParkingSpace(context.Background(), s.hq.ID, fmt.Sprintf("S%d", s.n.Add(1)), s.fleet)
	mustDo(t, err)
	return s.hq.ID + "/parking-spaces/" + sp.ID
}

func (s *site) poolCar(t *testing.T) string {
	c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, SiteID: s.hq.ID, Plate: fmt.Sprintf("M R %d", s.n.Add(1)), Make: "VW", Model: "Golf",
		Seats: 5, Status: carpool.CarActive, Version: 1}
	mustDo(t, s.app.Store.CreateCar(context.Background(), c))
	return c.ID
}

// carOf is a private car of m; visitors who are not signed in borrow the owner's, as
// they are refused before any car matters.
func (s *site) carOf(t *testing.T, m carpool.Member) string {
	if m.ID == "" || m.ID == s.gone.ID || m.Role == carpool.RoleSiteSecurity {
		m = s.owner
	}
	c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: m.ID, Plate: fmt.Sprintf("M P %d", s.n.Add(1)), Make: "VW",
		Model: "Golf", Seats: 5, Status: carpool.CarActive, Version: 1}
	mustDo(t, s.app.Store.CreateCar(context.Background(), c))
	return c.ID
}

func (s *site) ride(t *testing.T, driver carpool.Member, mode carpool.BookingMode) string {
	r, err := storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{}).CreateRide(context.Background(), carpool.RideInput{CarID: s.carOf(t, driver), DepartAt: time.Now().Add(48 * time.Hour),
		Seats: 3, BookingMode: mode, From: carpool.Place{Label: "A", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "B", Lat: 48.3, Lon: 11.7}}, driver)
	mustDo(t, err)
	return r.ID
}

func (s *site) ownerRide(t *testing.T) string { return s.ride(t, s.owner, carpool.BookingInstant) }

// ownerRideSoon is a ride of the owner departing in ten minutes: check-in is open.
func (s *site) ownerRideSoon(t *testing.T) string {
	r, err := storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{}).CreateRide(context.Background(), carpool.RideInput{CarID: s.carOf(t, s.owner), DepartAt: time.Now().Add(10 * time.Minute),
		Seats: 3, BookingMode: carpool.BookingInstant, From: carpool.Place{Label: "A", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "B", Lat: 48.3, Lon: 11.7}}, s.owner)
	mustDo(t, err)
	return r.ID
}

// departedBookingOnOwnersRide is a colleague's confirmed booking on a ride of the
// owner that departed five minutes ago (moved there in the database: no flow does).
func (s *site) departedBookingOnOwnersRide(t *testing.T) string {
	ride := s.ownerRideSoon(t)
	b, err := storetest.NewFlows(s.app.Store).BookSeats(context.Background(), ride, s.colleague(t), carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	db, ok := s.app.Store.(interface{ DB() *sql.DB })
	if !ok {
		t.Fatal("the test store exposes no database")
	}
	_, err = db.DB().ExecContext(context.Background(), `UPDATE rides SET depart_at = $1 WHERE id = $2`, time.Now().Add(-5*time.Minute).UTC(), ride)
	mustDo(t, err)
	return b.ID
}

// ownerBooking is the owner's booking, as a passenger, on a colleague's ride.
func (s *site) ownerBooking(t *testing.T) string {
	b, err := storetest.NewFlows(s.app.Store).BookSeats(context.Background(), s.ride(t, s.colleague(t), carpool.BookingInstant), s.owner, carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	return b.ID
}

// requestToOwner is a colleague's pending request for a seat on the owner's ride.
func (s *site) requestToOwner(t *testing.T) string {
	b, err := storetest.NewFlows(s.app.Store).BookSeats(context.Background(), s.ride(t, s.owner, carpool.BookingApproval), s.colleague(t), carpool.BookingRequest{Seats: 1})
	mustDo(t, err)
	return b.ID
}

func (s *site) colleague(t *testing.T) carpool.Member {
	return s.add(t, carpool.RoleMember, fmt.Sprintf("colleague%d", s.n.Add(1)))
}

func (s *site) ownerReservation(t *testing.T) string {
	start := time.Now().Add(time.Duration(24*s.n.Add(1)) * time.Hour)
	r, err := storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{}).CreateReservation(context.Background(), s.pool, s.owner, carpool.ReservationTrip, start, start.Add(time.Hour))
	mustDo(t, err)
	return r.ID
}

func (s *site) ownerPlace(t *testing.T) string {
	_, b := s.who("owner")
	res, _ := b.post("/places", url.Values{"csrf": {b.csrf("/places")}, "name": {fmt.Sprintf("Home %d", s.n.Add(1))}, "place": {"at:48.1,11.5|Home"}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save a place: got %d", res.StatusCode)
	}
	places, err := s.app.Store.Places(context.Background(), s.owner.ID)
	mustDo(t, err)
	return places[len(places)-1].ID
}

func (s *site) series(t *testing.T, driver carpool.Member) string {
	tomorrow := carpool.DateOf(time.Now().UTC()).AddDays(1)
	sr, err := storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{}).CreateSeries(context.Background(), carpool.SeriesInput{CarID: s.carOf(t, driver),
		From: carpool.Place{Label: "A", Lat: 48.1, Lon: 11.5}, To: carpool.Place{Label: "B", Lat: 48.3, Lon: 11.7},
		Weekdays: carpool.AllWeekdays, DepartTime: carpool.Clock{Hour: 7, Minute: 30}, TimeZone: "UTC", Seats: 2,
		StartsOn: tomorrow, EndsOn: tomorrow.AddDays(13)}, driver)
	mustDo(t, err)
	return sr.ID
}

func (s *site) ownerSeries(t *testing.T) string { return s.series(t, s.owner) }

// ownerSubscription is a colleague's series the owner rides along on every day of.
func (s *site) ownerSubscription(t *testing.T) string {
	id := s.series(t, s.colleague(t))
	_, _, err := storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{}).Subscribe(context.Background(), id, s.owner, carpool.AllWeekdays, 1)
	mustDo(t, err)
	_, err = storetest.NewFlows(s.app.Store).WithLimits(carpool.Limits{}).MaterialiseSeries(context.Background(), carpool.DefaultSeriesHorizon)
	mustDo(t, err)
	return id
}

// ownerSession is another session of the owner's than the one the matrix visits with.
func (s *site) ownerSession(t *testing.T) string {
	tok, _, err := carpool.NewToken(s.owner.ID, time.Now())
	mustDo(t, err)
	mustDo(t, s.app.Store.CreateToken(context.Background(), tok))
	return tok.ID
}

var notificationID = regexp.MustCompile(`/notifications/([0-9a-f]+)/read`)

// ownerNotification is the newest notification in the owner's inbox: a colleague asks
// for a seat on the owner's ride.
func (s *site) ownerNotification(t *testing.T) string {
	s.requestToOwner(t)
	_, err := notify.New(s.app.Store, notify.Options{}).FanOut(context.Background())
	mustDo(t, err)
	_, b := s.who("owner")
	_, page := b.get("/notifications")
	id := notificationID.FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("the owner's inbox has no notification:\n%s", page)
	}
	return id[1]
}

func (s *site) webhook(t *testing.T) string {
	w := carpool.Webhook{ID: carpool.NewID(), URL: "https://hooks.example.com/x", Secret: "whsec_x", Enabled: true, CreatedAt: time.Now()}
	mustDo(t, s.app.Store.CreateWebhook(context.Background(), w))
	return w.ID
}

// deadDelivery is a mail delivery that used its attempts.
func (s *site) deadDelivery(t *testing.T) string {
	ctx := context.Background()
	s.ownerReservation(t) // an event to deliver
	_, err := s.app.Store.FanOutEvents(ctx, 1000, func(_ context.Context, ev carpool.Event) (carpool.Fanout, error) {
		return carpool.Fanout{Deliveries: []carpool.Delivery{{ID: carpool.NewID(), EventID: ev.ID, Channel: carpool.ChannelEmail,
			Recipient: s.admin.ID, Payload: []byte(`{}`), EventCreatedAt: ev.CreatedAt}}}, nil
	})
	mustDo(t, err)
	ds, err := s.app.Store.ClaimDeliveries(ctx, time.Now(), time.Minute, 1000)
	if err != nil || len(ds) == 0 {
		t.Fatalf("claim: %v %v", ds, err)
	}
	for _, d := range ds {
		mustDo(t, s.app.Store.FinishDelivery(ctx, d, fmt.Errorf("550 mailbox unavailable"), time.Time{}))
	}
	return ds[0].ID
}

// webRow is one route of the UI and its answer to each kind of visitor.
type webRow struct {
	route string // method and pattern, as routes.go registers it
	path  string // what is asked for, when the pattern has other wildcards than {id}
	// id makes the resource, the owner's unless said otherwise; the visitors share it
	// until a POST succeeds, as a refused one changes nothing.
	id func(t *testing.T) string
	// form is what a POST sends besides the CSRF token and confirmed=yes: a value, or
	// func(t, visitor) for one made for each visit.
	form any
	self bool   // the visit changes its visitor: each role is played by a new stand-in
	want [6]int // anonymous, member, owner, fleet, admin, deactivated
}

// webMatrix is the expected answer of every route of the UI to every kind of visitor.
// Visitors who are not signed in, or whose account was deactivated since, are sent to
// the sign-in page (303) on GET and refused (403) on POST; "owner" is the member the
// ride, booking, reservation, series, place, session or notification belongs to. What a
// visitor may not see is not found (404); what they may see but not do is forbidden.
// Every POST carries the session's CSRF token and confirmed=yes, so what is checked is
// who may, not the form.
func webMatrix(s *site) []webRow {
	type visitor = carpool.Member
	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	local := func(d time.Duration) string { return time.Now().Add(d).UTC().Format("2006-01-02T15:04") }
	tomorrow := carpool.DateOf(time.Now().UTC()).AddDays(1)
	wed, thu := nextDay(time.Wednesday), nextDay(time.Thursday)
	fixed := func(id *string) func(*testing.T) string { return func(*testing.T) string { return *id } }
	return []webRow{
		{"GET /signin", "", nil, nil, false, [6]int{200, 303, 303, 303, 303, 200}},
		{"POST /signin", "", nil, func(t *testing.T, m visitor) any { // each signs in as themselves
			if m.ID == "" {
				m = s.colleague(t)
			}
			return v("email", m.Email, "password", webtest.Password)
		}, true, [6]int{303, 303, 303, 303, 303, 401}},
		{"GET /signup", "", nil, nil, false, [6]int{200, 200, 200, 200, 200, 200}},
		{"POST /signup", "", nil, func(*testing.T, visitor) any {
			return v("email", fmt.Sprintf("new%d@example.com", s.n.Add(1)), "name", "New", "password", webtest.Password)
		}, false, [6]int{200, 200, 200, 200, 200, 200}},
		{"POST /signout", "", nil, nil, true, [6]int{403, 303, 303, 303, 303, 403}},
		{"GET /password/forgot", "", nil, nil, false, [6]int{200, 200, 200, 200, 200, 200}},
		{"POST /password/forgot", "", nil, func(_ *testing.T, m visitor) any { // each for themselves: no one learns who has an account
			if m.ID == "" {
				m.Email = "nobody@example.com"
			}
			return v("email", m.Email)
		}, false, [6]int{200, 200, 200, 200, 200, 200}},
		{"GET /password/reset", "/password/reset?token=not-a-reset-token", nil, nil, false, [6]int{422, 422, 422, 422, 422, 422}},
		{"POST /password/reset", "", nil, v("token", "not-a-reset-token", "password", "another long password"),
			false, [6]int{422, 422, 422, 422, 422, 422}},
		{"GET /email/confirm", "/email/confirm?token=not-a-confirm-token", nil, nil, false, [6]int{200, 200, 200, 200, 200, 200}},
		{"POST /email/confirm", "", nil, v("token", "not-a-confirm-token"), false, [6]int{422, 422, 422, 422, 422, 422}},
		{"GET /auth/oidc/start", "", nil, nil, false, [6]int{303, 303, 303, 303, 303, 303}},
		{"GET /auth/oidc/callback", "/auth/oidc/callback?state=forged&code=forged", nil, nil, false, [6]int{400, 400, 400, 400, 400, 400}},
		{"GET /calendar/{file}", "/calendar/not-a-feed-token.ics", nil, nil, false, [6]int{404, 404, 404, 404, 404, 404}},

		{"GET /{$}", "/", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"GET /rides", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"GET /rides/new", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /rides", "", nil, func(t *testing.T, m visitor) any {
			return v("source", "car:"+s.carOf(t, m), "from", "at:48.1,11.5|Home", "to", "at:48.2,11.6|Office",
				"depart", local(48*time.Hour), "seats", "2", "mode", "instant")
		}, false, [6]int{403, 303, 303, 303, 303, 403}},
		{"GET /rides/{id}", "", s.ownerRide, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /rides/{id}/book", "", s.ownerRide, v("seats", "1"), false, [6]int{403, 303, 403, 303, 303, 403}},
		{"POST /rides/{id}/cancel", "", s.ownerRide, nil, false, [6]int{403, 403, 303, 403, 303, 403}},
		{"POST /rides/{id}/detour", "", s.ownerRide, v("version", "1", "detour", "5"), false, [6]int{403, 403, 303, 403, 403, 403}},
		{"POST /rides/{id}/departure", "", s.ownerRide, v("version", "1", "depart", local(72*time.Hour)), false, [6]int{403, 403, 303, 403, 403, 403}},
		// A ride's thread is its driver's and matched passengers' (TestRideThreadAccess has
		// every kind of passenger); the others see the ride page refuse the message.
		{"POST /rides/{id}/messages", "", s.ownerRide, v("body", "Ich stehe an Tor 2"), false, [6]int{403, 403, 303, 403, 403, 403}},
		{"POST /bookings/{id}/{action}", "/bookings/{id}/cancel", s.ownerBooking, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /bookings/{id}/{action}", "/bookings/{id}/confirm", s.requestToOwner, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /bookings/{id}/{action}", "/bookings/{id}/reject", s.requestToOwner, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /bookings/{id}/{action}", "/bookings/{id}/no-show", s.departedBookingOnOwnersRide, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /bookings/{id}/{action}", "/bookings/{id}/driver-no-show", s.ownerDepartedBooking, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /rides/{id}/check-in", "", s.ownerRideSoon, v("lat", "48.1", "lon", "11.5"), false, [6]int{403, 403, 303, 403, 403, 403}},
		{"GET /check-in", "/check-in?code=not-a-code", nil, nil, false, [6]int{303, 422, 422, 422, 422, 303}},

		{"GET /cars", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"GET /cars/{id}", "", fixed(&s.pool), nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /cars/{id}/reserve", "", fixed(&s.pool), func(*testing.T, visitor) any {
			start := time.Duration(24*s.n.Add(1)) * time.Hour
			return v("start", local(start), "end", local(start+time.Hour))
		}, false, [6]int{403, 303, 303, 303, 303, 403}},
		{"POST /reservations/{id}/cancel", "", s.ownerReservation, v("next", "/"), false, [6]int{403, 404, 303, 303, 303, 403}},

		{"GET /places", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /places", "", nil, func(*testing.T, visitor) any {
			return v("name", fmt.Sprintf("Gym %d", s.n.Add(1)), "place", "at:48.2,11.6|Gym")
		}, false, [6]int{403, 303, 303, 303, 303, 403}},
		{"POST /places/{id}/delete", "", s.ownerPlace, nil, false, [6]int{403, 404, 303, 404, 404, 403}},

		{"GET /commutes", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"GET /commutes/new", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /commutes", "", nil, func(t *testing.T, m visitor) any {
			f := v("car_id", s.carOf(t, m), "from", "at:48.1,11.5|Home", "to", "at:48.2,11.6|Office", "depart_time", "07:30",
				"time_zone", "UTC", "seats", "2", "mode", "instant", "starts_on", tomorrow.String(), "ends_on", tomorrow.AddDays(13).String())
			f["weekdays"] = []string{"mon", "tue", "wed", "thu", "fri"}
			return f
		}, false, [6]int{403, 303, 303, 303, 303, 403}},
		{"GET /commutes/week", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"GET /commutes/{id}", "", s.ownerSeries, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /commutes/{id}/subscribe", "", s.ownerSeries, v("seats", "1"), false, [6]int{403, 303, 403, 303, 303, 403}},
		{"POST /commutes/{id}/unsubscribe", "", s.ownerSubscription, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /commutes/{id}/leave", "", s.ownerSubscription, v("date", thu.String()), false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /commutes/{id}/skip", "", s.ownerSeries, v("date", wed.String()), false, [6]int{403, 403, 303, 403, 403, 403}},
		{"POST /commutes/{id}/end", "", s.ownerSeries, nil, false, [6]int{403, 403, 303, 403, 303, 403}},

		{"GET /mycars", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /mycars", "", nil, func(*testing.T, visitor) any {
			return v("plate", fmt.Sprintf("B AN %d", s.n.Add(1)), "make", "VW", "model", "Up", "seats", "4")
		}, false, [6]int{403, 303, 303, 303, 303, 403}},

		{"GET /profile", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /profile", "", nil, func(_ *testing.T, m visitor) any { return v("name", m.Name, "phone", "", "email", m.Email) },
			false, [6]int{403, 303, 303, 303, 303, 403}},
		{"POST /profile/password", "", nil, v("current_password", webtest.Password, "password", "another long password"),
			true, [6]int{403, 303, 303, 303, 303, 403}},
		{"POST /profile/sessions/{id}/revoke", "", s.ownerSession, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"GET /profile/export", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"GET /profile/attestation", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /profile/erase", "", nil, v("password", webtest.Password), true, [6]int{403, 303, 303, 303, 303, 403}},

		{"GET /admin/members", "", nil, nil, false, [6]int{303, 403, 403, 403, 200, 303}},
		{"POST /admin/members/{id}/{action}", "/admin/members/{id}/role", func(t *testing.T) string { return s.colleague(t).ID },
			v("role", "fleet_manager"), false, [6]int{403, 404, 404, 404, 303, 403}},
		{"POST /admin/members/{id}/{action}", "/admin/members/{id}/deactivate", func(t *testing.T) string { return s.colleague(t).ID },
			nil, false, [6]int{403, 404, 404, 404, 303, 403}},
		{"POST /admin/members/{id}/{action}", "/admin/members/{id}/reactivate", func(t *testing.T) string {
			m := s.colleague(t)
			s.deactivate(t, m)
			return m.ID
		}, nil, false, [6]int{403, 404, 404, 404, 303, 403}},
		{"GET /admin/audit", "", nil, nil, false, [6]int{303, 403, 403, 403, 200, 303}},
		{"GET /admin/webhooks", "", nil, nil, false, [6]int{303, 403, 403, 403, 200, 303}},
		{"POST /admin/webhooks", "", nil, v("url", "https://chat.example.com/hook"), false, [6]int{403, 403, 403, 403, 200, 403}},
		{"POST /admin/webhooks/{id}/enable", "", s.webhook, nil, false, [6]int{403, 403, 403, 403, 303, 403}},
		{"POST /admin/webhooks/{id}/delete", "", s.webhook, nil, false, [6]int{403, 403, 403, 403, 303, 403}},
		{"POST /admin/deliveries/{id}/retry", "", s.deadDelivery, nil, false, [6]int{403, 403, 403, 403, 303, 403}},

		{"GET /fleet", "", nil, nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"POST /fleet/sites", "", nil, v("name", "S", "address", "A", "location", "at:1,1|S"), false, [6]int{403, 403, 403, 303, 303, 403}},
		{"GET /fleet/sites/{id}", "", fixed(&s.hq.ID), nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"POST /fleet/sites/{id}", "", func(t *testing.T) string { return s.newSite(t).ID },
			v("name", "Annex", "address", "Side St 2", "location", "at:48.1,11.5|Annex", "version", "1"), false, [6]int{403, 403, 403, 303, 303, 403}},
		{"POST /fleet/cars", "", nil, func(*testing.T, visitor) any {
			return v("site_id", s.hq.ID, "plate", fmt.Sprintf("M F %d", s.n.Add(1)), "make", "VW", "model", "Golf", "seats", "5")
		}, false, [6]int{403, 403, 403, 303, 303, 403}},
		{"GET /fleet/cars/{id}", "", fixed(&s.pool), nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"POST /fleet/cars/{id}", "", s.poolCar, func(*testing.T, visitor) any {
			return v("plate", fmt.Sprintf("M E %d", s.n.Add(1)), "make", "VW", "model", "Polo", "seats", "5", "status", "active", "version", "1")
		}, false, [6]int{403, 403, 403, 303, 303, 403}},
		{"POST /fleet/cars/{id}/maintenance", "", s.poolCar, v("start", local(24*time.Hour), "end", local(26*time.Hour)),
			false, [6]int{403, 403, 403, 303, 303, 403}},
		{"POST /fleet/cars/{id}/retire", "", s.poolCar, nil, false, [6]int{403, 403, 403, 303, 303, 403}},
		{"POST /fleet/sites/{id}/parking-spaces", "", fixed(&s.hq.ID), func(*testing.T, carpool.Member) any {
			return v("label", fmt.Sprintf("P%d", s.n.Add(1)))
		}, false, [6]int{403, 403, 403, 303, 303, 403}},
		{"POST /fleet/sites/{id}/parking-spaces/{space}", "/fleet/sites/{id}", s.space, func(*testing.T, carpool.Member) any {
			return v("label", fmt.Sprintf("Q%d", s.n.Add(1)), "version", "1")
		}, false, [6]int{403, 403, 403, 303, 303, 403}},
		{"POST /fleet/sites/{id}/parking-spaces/{space}/retire", "/fleet/sites/{id}/retire", s.space, nil, false, [6]int{403, 403, 403, 303, 303, 403}},
		{"GET /parking", "", nil, nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"GET /fleet/sites/{id}/parking", "", fixed(&s.hq.ID), nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"GET /fleet/sites/{id}/parking.csv", "", fixed(&s.hq.ID), nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"GET /rides-home", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /rides-home", "", nil, func(t *testing.T, _ carpool.Member) any {
			return v("booking_id", s.ownerLostBooking(t), "note", "")
		}, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /rides-home/{id}/approve", "", s.ownerRideHome, v("means", "taxi", "voucher", "T-1"), false, [6]int{403, 404, 403, 303, 303, 403}},
		{"POST /rides-home/{id}/decline", "", s.ownerRideHome, v("reason", "No car tonight"), false, [6]int{403, 404, 403, 303, 303, 403}},
		{"GET /fleet/sites/{id}/check-in-code", "", fixed(&s.hq.ID), nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"GET /fleet/reports", "", nil, nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"GET /fleet/reports/{table}", "/fleet/reports/weeks.csv", nil, nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"GET /fleet/utilisation", "", nil, nil, false, [6]int{303, 403, 403, 200, 200, 303}},
		{"GET /fleet/no-shows", "", nil, nil, false, [6]int{303, 403, 403, 200, 200, 303}},

		{"GET /notifications", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /notifications/{id}/open", "", s.ownerNotification, v("link", "/"), false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /notifications/{id}/read", "", s.ownerNotification, nil, false, [6]int{403, 404, 303, 404, 404, 403}},
		{"POST /notifications/read-all", "", nil, nil, false, [6]int{403, 303, 303, 303, 303, 403}},
		{"GET /notifications/preferences", "", nil, nil, false, [6]int{303, 200, 200, 200, 200, 303}},
		{"POST /notifications/preferences", "", nil, v("email", "booking.confirmed"), false, [6]int{403, 303, 303, 303, 303, 403}},
		{"POST /notifications/calendar", "", nil, nil, false, [6]int{403, 200, 200, 200, 200, 403}},
		{"POST /notifications/calendar/revoke", "", nil, nil, false, [6]int{403, 303, 303, 303, 303, 403}},
	}
}

// nextDay returns the first day from tomorrow that falls on wd.
func nextDay(wd time.Weekday) carpool.Date {
	d := carpool.DateOf(time.Now().UTC()).AddDays(1)
	for d.Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

// TestWebRoleMatrix: every page and form of the UI, opened or posted by each kind of
// visitor, answers the status in its row of webMatrix.
func TestWebRoleMatrix(t *testing.T) {
	s := newSite(t)
	for _, row := range webMatrix(s) {
		name := row.route
		if row.path != "" {
			name = row.route + " " + row.path
		}
		t.Run(name, func(t *testing.T) {
			method, path, _ := strings.Cut(row.route, " ")
			if row.path != "" {
				path = row.path
			}
			id := ""
			for i, role := range append(webRoles, "security") {
				want := securityVisit(row)
				if i < len(row.want) {
					want = row.want[i]
				}
				m, b := s.who(role)
				if row.self {
					m, b = s.standIn(t, role)
				}
				p := path
				if row.id != nil {
					if id == "" {
						id = row.id(t)
					}
					p = strings.Replace(p, "{id}", id, 1)
				}
				var res *http.Response
				if method == http.MethodGet {
					res, _ = b.get(p)
				} else {
					form := url.Values{"confirmed": {"yes"}, "csrf": {b.csrf(csrfPage(m, role, row.route))}}
					extra := row.form
					if f, ok := extra.(func(*testing.T, carpool.Member) any); ok {
						extra = f(t, m)
					}
					if extra != nil {
						for k, vs := range extra.(url.Values) {
							form[k] = vs
						}
					}
					res, _ = b.post(p, form, nil)
				}
				if res.StatusCode != want {
					t.Errorf("%s: got %d, want %d", role, res.StatusCode, want)
				}
				if method == http.MethodPost && res.StatusCode < 400 {
					id = "" // the visit may have changed it: the next visitor gets a new one
				}
			}
		})
	}
}

// csrfPage is a page with a form for the visitor, so that every POST carries a real CSRF
// token and a refusal is about the visitor: the forms of visitors who are not signed in
// carry the pre-session token (of the sign-up form, which everyone may open), the others
// the session's.
func csrfPage(m carpool.Member, role, route string) string {
	if role == "security" && !preSessionForms[route] {
		return web.ParkingListsPath // site security's own page, with the sign-out form
	}
	if m.ID == "" || role == "deactivated" || preSessionForms[route] {
		return "/signup"
	}
	return "/profile"
}

// preSessionForms are the forms for visitors who are not signed in.
var preSessionForms = map[string]bool{"POST /signin": true, "POST /signup": true, "POST /password/forgot": true,
	"POST /password/reset": true, "POST /email/confirm": true}

// TestWebRoleMatrixCoversRoutes: the web role matrix has a row for each route the UI
// registers but the public ones, and none for a route it does not register.
func TestWebRoleMatrixCoversRoutes(t *testing.T) {
	rows := map[string]bool{}
	for _, row := range webMatrix(&site{}) {
		rows[row.route] = true
	}
	public := map[string]bool{}
	for _, r := range publicRoutes {
		public[r] = true
	}
	registered := map[string]bool{}
	for _, r := range web.Routes() {
		registered[r] = true
		if !rows[r] && !public[r] {
			t.Errorf("%s: no row in the web role matrix", r)
		}
	}
	for r := range rows {
		if !registered[r] {
			t.Errorf("%s: a row in the web role matrix, for a route the UI does not register", r)
		}
	}
	for r := range public {
		if !registered[r] {
			t.Errorf("%s: listed as public, for a route the UI does not register", r)
		}
	}
}
