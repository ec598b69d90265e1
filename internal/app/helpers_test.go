package app_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
	"carpool/internal/sqlstore"
)

// start is where every test's clock begins: a Monday morning, far from any real "now",
// so nothing depends on when the tests run.
var start = time.Date(2031, time.March, 3, 8, 0, 0, 0, time.UTC)

const h = time.Hour

// clock is a stopped clock that a test moves by hand; the app and the store share it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// fixture is an App over a fresh migrated SQLite store, with helpers that create valid
// members, sites, cars, reservations and rides through the use cases themselves.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	app   *app.App
	store carpool.Store
	clock *clock
	fm    carpool.Member // a fleet manager who owns the fixture's sites and pool cars
}

// newApp returns a fixture with sign-up closed.
func newApp(t *testing.T) *fixture {
	t.Helper()
	return newAppWith(t, carpool.SignupPolicy{})
}

// newAppWith returns a fixture whose App applies the given sign-up policy.
func newAppWith(t *testing.T, policy carpool.SignupPolicy) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: start}
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t),
		sqlite.WithStoreOptions(sqlstore.WithClock(clk.Now)))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close sqlite: %v", err)
		}
	})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	f := &fixture{t: t, ctx: ctx, app: app.New(db, app.Options{Signup: policy, Now: clk.Now}), store: db, clock: clk}
	f.fm = f.member(carpool.RoleFleetManager)
	return f
}

// password is the password of every member the fixture creates.
const password = "correct horse battery"

// passwordHash hashes password once per test binary: argon2id is slow on purpose, and
// more so under the race detector.
var passwordHash = sync.OnceValues(func() (string, error) { return carpool.HashPassword(password) })

var serial atomic.Int64

// unique returns a string no other fixture of this process uses.
func unique() string { return fmt.Sprint(serial.Add(1)) }

// member stores a member with the given role directly (skipping a fresh password hash)
// and returns it.
func (f *fixture) member(role carpool.Role) carpool.Member {
	f.t.Helper()
	hash, err := passwordHash()
	if err != nil {
		f.t.Fatalf("hash password: %v", err)
	}
	n := unique()
	now := f.app.Now()
	m := carpool.Member{ID: carpool.NewID(), Email: "m" + n + "@example.com", Name: "Member " + n,
		Phone: "+41 79 000 00 " + fmt.Sprintf("%02d", serial.Load()%100), Role: role, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := f.store.CreateMember(f.ctx, m); err != nil {
		f.t.Fatalf("create member: %v", err)
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// site creates a site named name through the use case.
func (f *fixture) site(name string) carpool.Site {
	f.t.Helper()
	s, err := f.app.CreateSite(f.ctx, f.fm, app.SiteInput{Name: name, Address: "Main Street 1", Lat: ptr(47.3779), Lon: ptr(8.5403)})
	if err != nil {
		f.t.Fatalf("create site: %v", err)
	}
	return s
}

// poolCar creates a pool car at site with the given seats and plate.
func (f *fixture) poolCar(site carpool.Site, plate string, seats int) carpool.Car {
	f.t.Helper()
	c, err := f.app.CreateCar(f.ctx, f.fm, app.CarInput{Kind: carpool.CarPool, Plate: plate, Make: "VW", Model: "Touran", Seats: &seats, SiteID: site.ID})
	if err != nil {
		f.t.Fatalf("create pool car: %v", err)
	}
	return c
}

// privateCar creates owner's own car with the given seats.
func (f *fixture) privateCar(owner carpool.Member, seats int) carpool.Car {
	f.t.Helper()
	c, err := f.app.CreateCar(f.ctx, owner, app.CarInput{Kind: carpool.CarPrivate, Plate: "ZH " + unique(), Make: "Skoda", Model: "Octavia", Seats: &seats})
	if err != nil {
		f.t.Fatalf("create private car: %v", err)
	}
	return c
}

// at returns a time offset from the clock's start.
func at(d time.Duration) time.Time { return start.Add(d) }

var (
	zurich = carpool.Place{Label: "Zurich HB", Lat: 47.3779, Lon: 8.5403}
	bern   = carpool.Place{Label: "Bern Bahnhof", Lat: 46.9490, Lon: 7.4391}
)

// rideInput is an offer from Zurich to Bern in car, departing at depart.
func rideInput(car carpool.Car, depart time.Time, seats int, mode carpool.BookingMode) carpool.RideInput {
	return carpool.RideInput{CarID: car.ID, From: zurich, To: bern, DepartAt: depart, Seats: seats, BookingMode: mode}
}

// ride offers a ride in a new private car of driver (5 seats), departing at depart.
func (f *fixture) ride(driver carpool.Member, depart time.Time, seats int, mode carpool.BookingMode) carpool.Ride {
	f.t.Helper()
	r, err := f.app.OfferRide(f.ctx, driver, rideInput(f.privateCar(driver, 5), depart, seats, mode))
	if err != nil {
		f.t.Fatalf("offer ride: %v", err)
	}
	return r
}

// book books seats on ride for passenger.
func (f *fixture) book(ride carpool.Ride, passenger carpool.Member, seats int) carpool.Booking {
	f.t.Helper()
	b, err := f.app.Book(f.ctx, passenger, ride.ID, carpool.BookingRequest{Seats: seats})
	if err != nil {
		f.t.Fatalf("book: %v", err)
	}
	return b
}

// reserve reserves car for me over [from, to).
func (f *fixture) reserve(me carpool.Member, car carpool.Car, kind carpool.ReservationKind, from, to time.Time) carpool.Reservation {
	f.t.Helper()
	r, err := f.app.Reserve(f.ctx, me, car.ID, kind, from, to)
	if err != nil {
		f.t.Fatalf("reserve: %v", err)
	}
	return r
}

// wantCode fails unless err carries code (and field, when given).
func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := carpool.ErrorCode(err); got != code {
		t.Fatalf("error code: got %q (%v), want %q", got, err, code)
	}
	if field != "" {
		if got := carpool.ErrorField(err); got != field {
			t.Fatalf("error field: got %q (%v), want %q", got, err, field)
		}
	}
}

// mustDo fails the test on err.
func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
