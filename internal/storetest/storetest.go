// Package storetest is the contract suite of carpool.Store, written once and run on every
// engine (internal/sqlite, internal/postgres). It checks each method and rule through the
// contract alone; where the store also exposes its database (the RawDB interface), it
// checks that the schema itself refuses bad rows.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// RawDB is implemented by stores that expose their database, so the suite can try writes
// that bypass the code and check that the schema refuses them.
type RawDB interface {
	DB() *sql.DB
}

// Run runs the whole contract suite. open must return a fresh, empty, migrated store on
// each call and close it when t ends.
func Run(t *testing.T, open func(t *testing.T) carpool.Store) {
	groups := []struct {
		name string
		run  func(t *testing.T, open func(t *testing.T) carpool.Store)
	}{
		{"Members", testMembers},
		{"Tokens", testTokens},
		{"Sites", testSites},
		{"Cars", testCars},
		{"Reservations", testReservations},
		{"Rides", testRides},
		{"Bookings", testBookings},
		{"Waitlist", testWaitlist},
		{"Outbox", testOutbox},
		{"Notifications", testNotifications},
		{"Search", testSearch},
		{"Reads", testReads},
		{"Utilisation", testUtilisation},
		{"FleetUsage", testFleetUsage},
		{"FleetUsageWeeks", testFleetUsageWeeks},
		{"RideFigures", testRideFigures},
		{"StoredRoadKM", testStoredRoadKM},
		{"RouteSearch", testRouteSearch},
		{"EndSearch", testEndSearch},
		{"DetourBudget", testDetourBudget},
		{"Places", testPlaces},
		{"BookingPoints", testBookingPoints},
		{"Idempotency", testIdempotency},
		{"Throttle", testThrottle},
		{"AddressSearchRate", testAddressSearchRate},
		{"Times", testTimes},
		{"Integrity", testIntegrity},
		{"HostileInput", testHostileInput},
		{"Limits", testLimits},
		{"Administration", testAdministration},
		{"AccountLinks", testAccountLinks},
		{"Retention", testRetention},
		{"Concurrency", testConcurrency},
		{"Series", testSeries},
		{"SeriesConcurrency", testSeriesConcurrency},
		{"TimeZones", testTimeZones},
		{"Parking", testParking},
		{"ParkingConcurrency", testParkingConcurrency},
		{"SiteSecurity", testSiteSecurity},
		{"ParkingFigures", testParkingFigures},
		{"Messages", testMessages},
		{"RideHome", testRideHome},
		{"Proofs", testProofs},
		{"NoShows", testNoShows},
		{"RideHomeFigures", testRideHomeFigures},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, open) })
	}
}

// env is one store with helpers that create valid fixtures with unique emails and plates,
// so subtests can share a store without seeing each other's data.
type env struct {
	t   *testing.T
	s   carpool.Store
	f   Flows // the changes, through the application layer
	ctx context.Context
	now time.Time
}

func newEnv(t *testing.T, open func(t *testing.T) carpool.Store) *env {
	t.Helper()
	s := open(t)
	return &env{t: t, s: s, f: NewFlows(s), ctx: context.Background(), now: carpool.Timestamp(time.Now())}
}

var serial atomic.Int64

// unique returns a string no other fixture of this process uses.
func unique() string { return fmt.Sprintf("%d%d", time.Now().UnixNano()%1_000_000, serial.Add(1)) }

func (e *env) member(role carpool.Role) carpool.Member {
	e.t.Helper()
	m := carpool.Member{
		ID:           carpool.NewID(),
		Email:        "m" + unique() + "@example.com",
		Name:         "Member " + string(role),
		Phone:        "+41 79 123 45 67",
		Role:         role,
		PasswordHash: "not-a-real-hash", // hashing is the domain's concern, and slow
		CreatedAt:    e.now,
		UpdatedAt:    e.now,
	}
	if err := e.s.CreateMember(e.ctx, m); err != nil {
		e.t.Fatalf("create member: %v", err)
	}
	return m
}

func (e *env) site() carpool.Site {
	e.t.Helper()
	s := carpool.Site{ID: carpool.NewID(), Name: "Site " + unique(), Address: "Main Street 1", Lat: 47.3769, Lon: 8.5417,
		Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.s.CreateSite(e.ctx, s); err != nil {
		e.t.Fatalf("create site: %v", err)
	}
	return s
}

func (e *env) plate() string { return "ZH " + unique() }

func (e *env) poolCar(site carpool.Site, seats int) carpool.Car {
	e.t.Helper()
	c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, Plate: e.plate(), Make: "VW", Model: "Touran",
		Seats: seats, SiteID: site.ID, Status: carpool.CarActive, Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.s.CreateCar(e.ctx, c); err != nil {
		e.t.Fatalf("create pool car: %v", err)
	}
	return c
}

func (e *env) privateCar(owner carpool.Member, seats int) carpool.Car {
	e.t.Helper()
	c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: e.plate(), Make: "Skoda", Model: "Octavia",
		Seats: seats, OwnerID: owner.ID, Status: carpool.CarActive, Version: 1, CreatedAt: e.now, UpdatedAt: e.now}
	if err := e.s.CreateCar(e.ctx, c); err != nil {
		e.t.Fatalf("create private car: %v", err)
	}
	return c
}

// at returns a time offset from the env's now.
func (e *env) at(d time.Duration) time.Time { return e.now.Add(d) }

// rideInput is an offer from Zurich to Bern in car, departing in a day.
func (e *env) rideInput(car carpool.Car, seats int, mode carpool.BookingMode) carpool.RideInput {
	return carpool.RideInput{
		CarID:       car.ID,
		From:        carpool.Place{Label: "Zurich HB", Lat: 47.3779, Lon: 8.5403},
		To:          carpool.Place{Label: "Bern Bahnhof", Lat: 46.9490, Lon: 7.4391},
		DepartAt:    e.at(24 * time.Hour),
		Seats:       seats,
		BookingMode: mode,
		Notes:       "no smoking",
	}
}

// ride offers a ride in a new private car of driver (8 seats, so up to 7 can be offered).
func (e *env) ride(driver carpool.Member, seats int, mode carpool.BookingMode) carpool.Ride {
	e.t.Helper()
	car := e.privateCar(driver, 8)
	r, err := e.f.CreateRide(e.ctx, e.rideInput(car, seats, mode), driver)
	if err != nil {
		e.t.Fatalf("create ride: %v", err)
	}
	return r
}

func (e *env) book(ride carpool.Ride, passenger carpool.Member, seats int, waitlist bool) carpool.Booking {
	e.t.Helper()
	b, err := e.f.BookSeats(e.ctx, ride.ID, passenger, carpool.BookingRequest{Seats: seats, Waitlist: waitlist})
	if err != nil {
		e.t.Fatalf("book %d seats: %v", seats, err)
	}
	return b
}

func (e *env) booking(id string) carpool.Booking {
	e.t.Helper()
	b, err := e.s.Booking(e.ctx, id)
	if err != nil {
		e.t.Fatalf("booking %s: %v", id, err)
	}
	return b
}

func (e *env) rideNow(id string) carpool.Ride {
	e.t.Helper()
	r, err := e.s.Ride(e.ctx, id)
	if err != nil {
		e.t.Fatalf("ride %s: %v", id, err)
	}
	return r
}

// lastSeq returns the newest outbox sequence number, the mark to read new events after.
func (e *env) lastSeq() int64 {
	e.t.Helper()
	var seq int64
	for {
		evs, err := e.s.Events(e.ctx, seq, 1000)
		if err != nil {
			e.t.Fatalf("events: %v", err)
		}
		if len(evs) == 0 {
			return seq
		}
		seq = evs[len(evs)-1].Seq
	}
}

// eventsAfter returns every event after seq.
func (e *env) eventsAfter(seq int64) []carpool.Event {
	e.t.Helper()
	var all []carpool.Event
	for {
		evs, err := e.s.Events(e.ctx, seq, 1000)
		if err != nil {
			e.t.Fatalf("events: %v", err)
		}
		if len(evs) == 0 {
			return all
		}
		all = append(all, evs...)
		seq = evs[len(evs)-1].Seq
	}
}

// raw returns the store's database, or skips the test (failing in CI) when the store
// exposes none.
func (e *env) raw() *sql.DB {
	e.t.Helper()
	r, ok := e.s.(RawDB)
	if !ok {
		e.t.Skip("the store does not expose its database (storetest.RawDB); schema checks skipped")
	}
	return r.DB()
}

// wantCode fails unless err carries the domain code (and field, when given).
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

func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// isDomain reports whether err carries a *carpool.Error.
func isDomain(err error) bool {
	var e *carpool.Error
	return errors.As(err, &e)
}
