package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/pgtest"
	"carpool/internal/postgres"
	"carpool/internal/sqlite"
	"carpool/internal/sqlstore"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// engine is a migrated store of one engine and a way to change its rows behind it.
type engine struct {
	store *sqlstore.Store
	exec  func(t *testing.T, query string, args ...any)
}

func engines(t *testing.T) map[string]func(t *testing.T) engine {
	ctx := context.Background()
	return map[string]func(t *testing.T) engine{
		"sqlite": func(t *testing.T) engine {
			db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "carpool.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			return engine{db.Store, func(t *testing.T, q string, args ...any) {
				if _, err := db.DB().ExecContext(ctx, q, args...); err != nil {
					t.Fatal(err)
				}
			}}
		},
		"postgres": func(t *testing.T) engine {
			db, err := postgres.Open(ctx, pgtest.NewDatabase(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			return engine{db.Store, func(t *testing.T, q string, args ...any) {
				if _, err := db.DB().ExecContext(ctx, q, args...); err != nil {
					t.Fatal(err)
				}
			}}
		},
	}
}

// A search of many candidates ranks them from a few columns and then reads the page's
// rides whole: a ride changed in between must not be shown as it was ranked.
func TestSearchRereadsWhatChangedAfterRanking(t *testing.T) {
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			testSearchReread(t, open(t))
		})
	}
}

func testSearchReread(t *testing.T, e engine) {
	ctx := context.Background()
	now := carpool.Timestamp(time.Now())
	driver, car := driverWithCar(t, e, now, "driver@example.com", "ZH-1")
	depart := now.Truncate(time.Hour).Add(48 * time.Hour)
	cases := []struct {
		name    string
		change  func(t *testing.T, rides []carpool.Ride) // between the ranking and the reading
		want    func(rides []carpool.Ride) []string
		wantNew string // the notes the first result must show
	}{
		{"nothing changed", nil, func(r []carpool.Ride) []string { return ids(r[0], r[1], r[2]) }, ""},
		{"a shown field changed: read as it is now", func(t *testing.T, r []carpool.Ride) {
			e.exec(t, "UPDATE rides SET notes = 'back seat only' WHERE id = $1", r[0].ID)
		}, func(r []carpool.Ride) []string { return ids(r[0], r[1], r[2]) }, "back seat only"},
		{"cancelled: gone", func(t *testing.T, r []carpool.Ride) {
			e.exec(t, "UPDATE rides SET status = 'cancelled' WHERE id = $1", r[0].ID)
		}, func(r []carpool.Ride) []string { return ids(r[1], r[2]) }, ""},
		{"full: gone", func(t *testing.T, r []carpool.Ride) {
			e.exec(t, "UPDATE rides SET seats_taken = seats WHERE id = $1", r[1].ID)
		}, func(r []carpool.Ride) []string { return ids(r[0], r[2]) }, ""},
		{"moved to the wished place: before the nearer one", func(t *testing.T, r []carpool.Ride) {
			e.exec(t, "UPDATE rides SET from_lat = $1, from_lon = $2 WHERE id = $3", r[0].From.Lat, r[0].From.Lon, r[2].ID)
		}, func(r []carpool.Ride) []string { return ids(r[0], r[2], r[1]) }, ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// each case in a place of its own, a degree further north
			from := carpool.Point{Lat: 40 + float64(i), Lon: 8.54}
			to := carpool.Point{Lat: from.Lat - 0.4, Lon: 7.44}
			var rides []carpool.Ride
			for k, off := range []float64{0, 0.01, 0.02} { // 0, ~1.1 and ~2.2 km north of the wished place
				in := carpool.RideInput{CarID: car.ID, From: carpool.Place{Label: "from", Lat: from.Lat + off, Lon: from.Lon},
					To: carpool.Place{Label: "to", Lat: to.Lat, Lon: to.Lon}, DepartAt: depart.Add(time.Duration(k) * time.Minute), Seats: 3,
					BookingMode: carpool.BookingInstant, Notes: fmt.Sprint("ride ", k)}
				r, err := carpool.NewRide(in, driver, car, nil, now)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.store.InTx(ctx, func(tx carpool.Tx) error { return tx.InsertRide(ctx, r) }); err != nil {
					t.Fatal(err)
				}
				rides = append(rides, r)
			}
			// More candidates than the page holds, so the search ranks from a few columns
			// first. They pass the SQL's bounding box, in its corner, and are ranked out as
			// farther than the radius.
			corner := carpool.Place{Label: "corner", Lat: from.Lat + 0.04, Lon: from.Lon + 0.05}
			for range 10 {
				in := carpool.RideInput{CarID: car.ID, From: corner, To: carpool.Place{Label: "to", Lat: to.Lat, Lon: to.Lon},
					DepartAt: depart, Seats: 3, BookingMode: carpool.BookingInstant}
				r, err := carpool.NewRide(in, driver, car, nil, now)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.store.InTx(ctx, func(tx carpool.Tx) error { return tx.InsertRide(ctx, r) }); err != nil {
					t.Fatal(err)
				}
			}
			read := 0
			e.store.SetBetweenSearchReads(func() { read++ })
			if tc.change != nil {
				e.store.SetBetweenSearchReads(func() { read++; tc.change(t, rides) })
			}
			defer e.store.SetBetweenSearchReads(nil)
			q, err := carpool.RideQuery{From: &from, To: &to, RadiusKM: 5, DepartAfter: depart.Add(-time.Hour), DepartBefore: depart.Add(time.Hour)}.Normalize(now)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.store.SearchRides(ctx, q, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, m := range got {
				gotIDs = append(gotIDs, m.Ride.ID)
				if m.Ride.Status != carpool.RideOpen || m.Ride.FreeSeats() < 1 {
					t.Errorf("ride %s shown %s with %d free seats", m.Ride.ID, m.Ride.Status, m.Ride.FreeSeats())
				}
				if m.Ride.DriverID != driver.ID || m.Ride.From.Label != "from" || m.Ride.CreatedAt.IsZero() {
					t.Errorf("ride %s not read whole: %+v", m.Ride.ID, m.Ride)
				}
			}
			if want := tc.want(rides); !reflect.DeepEqual(gotIDs, want) {
				t.Fatalf("got %v, want %v", gotIDs, want)
			}
			if read != 1 {
				t.Fatalf("the page was read by id %d times, want 1: the search did not rank from a few columns first", read)
			}
			if tc.wantNew != "" && got[0].Ride.Notes != tc.wantNew {
				t.Errorf("first ride's notes %q, want %q", got[0].Ride.Notes, tc.wantNew)
			}
			// what the same search answers now, with nothing changing in between
			e.store.SetBetweenSearchReads(nil)
			again, err := e.store.SearchRides(ctx, q, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, again) {
				t.Errorf("the search changed in between answered\n%+v\nthe same search after it answers\n%+v", got, again)
			}
		})
	}
}

// A search whose candidates fit in its page reads them whole in one query: nothing is
// read between a ranking and the page, and the page shows every column.
func TestSearchReadsCandidatesFittingThePageWholeAtOnce(t *testing.T) {
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			e := open(t)
			ctx := context.Background()
			now := carpool.Timestamp(time.Now())
			driver, car := driverWithCar(t, e, now, "few@example.com", "ZH-3")
			from, to := carpool.Point{Lat: 47.3779, Lon: 8.5403}, carpool.Point{Lat: 46.9490, Lon: 7.4391}
			depart := now.Truncate(time.Hour).Add(48 * time.Hour)
			var want []string
			for k := range 10 { // as many as the page holds, a minute apart: nearest the wished time first
				in := carpool.RideInput{CarID: car.ID, From: carpool.Place{Label: "from", Lat: from.Lat, Lon: from.Lon},
					To: carpool.Place{Label: "to", Lat: to.Lat, Lon: to.Lon}, DepartAt: depart.Add(time.Duration(k) * time.Minute),
					Seats: 3, BookingMode: carpool.BookingInstant, Notes: fmt.Sprint("ride ", k)}
				r, err := carpool.NewRide(in, driver, car, nil, now)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.store.InTx(ctx, func(tx carpool.Tx) error { return tx.InsertRide(ctx, r) }); err != nil {
					t.Fatal(err)
				}
				want = append(want, r.ID)
			}
			e.store.SetBetweenSearchReads(func() { t.Error("the page was read again by id") })
			defer e.store.SetBetweenSearchReads(nil)
			q, err := carpool.RideQuery{From: &from, To: &to, RadiusKM: 5, DepartAfter: depart.Add(-2 * time.Hour), DepartBefore: depart.Add(2 * time.Hour)}.Normalize(now)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.store.SearchRides(ctx, q, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, m := range got {
				gotIDs = append(gotIDs, m.Ride.ID)
				if m.Ride.DriverID != driver.ID || m.Ride.From.Label != "from" || m.Ride.Notes == "" || m.Ride.CreatedAt.IsZero() {
					t.Errorf("ride %s not read whole: %+v", m.Ride.ID, m.Ride)
				}
			}
			if !reflect.DeepEqual(gotIDs, want) {
				t.Errorf("got %v, want all ten, the first departing first after the wished time %v", gotIDs, want)
			}
		})
	}
}

// driverWithCar stores a member with a private car of eight seats.
func driverWithCar(t *testing.T, e engine, now time.Time, email, plate string) (carpool.Member, carpool.Car) {
	t.Helper()
	ctx := context.Background()
	driver := carpool.Member{ID: carpool.NewID(), Email: email, Name: "Driver", Role: carpool.RoleMember,
		PasswordHash: "unused", CreatedAt: now, UpdatedAt: now}
	if err := e.store.CreateMember(ctx, driver); err != nil {
		t.Fatal(err)
	}
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: plate, Make: "VW", Model: "ID.4",
		Seats: 8, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := e.store.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	return driver, car
}

func ids(rides ...carpool.Ride) []string {
	out := make([]string, len(rides))
	for i, r := range rides {
		out[i] = r.ID
	}
	return out
}

// A window holding more candidates on one side of the wished departure than half the
// cap keeps the nearest half-cap of that side and every one of the other: the search
// reads the whole window at once only when that gives the same candidates.
func TestSearchKeepsTheNearestOfACrowdedSide(t *testing.T) {
	for name, open := range engines(t) {
		t.Run(name, func(t *testing.T) {
			e := open(t)
			ctx := context.Background()
			now := carpool.Timestamp(time.Now())
			driver, car := driverWithCar(t, e, now, "crowd@example.com", "ZH-2")
			from, to := carpool.Point{Lat: 47.3779, Lon: 8.5403}, carpool.Point{Lat: 46.9490, Lon: 7.4391}
			wished := now.Truncate(time.Hour).Add(72 * time.Hour)
			const later = 1001 // one more than half the cap (sqlstore's searchCandidates)
			var latest, earlier carpool.Ride
			err := e.store.InTx(ctx, func(tx carpool.Tx) error {
				// every ride at the wished place, the later ones a second apart after the
				// wished time, one ride a minute before it
				for i := range later + 1 {
					at := wished.Add(time.Duration(i) * time.Second)
					if i == later {
						at = wished.Add(-time.Minute)
					}
					r, err := carpool.NewRide(carpool.RideInput{CarID: car.ID, From: carpool.Place{Label: "a", Lat: from.Lat, Lon: from.Lon},
						To: carpool.Place{Label: "b", Lat: to.Lat, Lon: to.Lon}, DepartAt: at, Seats: 3, BookingMode: carpool.BookingInstant}, driver, car, nil, now)
					if err != nil {
						return err
					}
					if err := tx.InsertRide(ctx, r); err != nil {
						return err
					}
					switch i {
					case later - 1:
						latest = r
					case later:
						earlier = r
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			q, err := carpool.RideQuery{From: &from, To: &to, RadiusKM: 5, DepartAfter: wished.Add(-time.Hour), DepartBefore: wished.Add(time.Hour)}.Normalize(now)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.store.SearchRides(ctx, q, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != later {
				t.Fatalf("got %d rides, want %d: the nearest %d after the wished time and the one before", len(got), later, later-1)
			}
			found := map[string]bool{}
			for _, m := range got {
				found[m.Ride.ID] = true
			}
			if found[latest.ID] || !found[earlier.ID] {
				t.Errorf("the latest ride found: %v (want false); the earlier one found: %v (want true)", found[latest.ID], found[earlier.ID])
			}
		})
	}
}
