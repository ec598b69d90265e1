package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
	"carpool/internal/sqlite"
)

// runSearch times SearchRides in process (the store, no HTTP) on 1k, 10k and 100k rides
// spread over a month and a 100 km square, on both engines. The three sizes live in
// three databases and are queried in turn, round after round, so that a burst of load
// on the shared machine hits every size alike and the p99 ratio stays meaningful.
func runSearch(r *Result) error {
	ctx := context.Background()
	dir, pg, done, err := scratch("search")
	if err != nil {
		return err
	}
	defer done()
	sizes := pick([]int{1_000, 10_000, 100_000}, []int{1_000, 2_000, 3_000})
	for _, engine := range []string{"sqlite", "postgres"} {
		var stores []carpool.Store
		var day time.Time
		for _, n := range sizes {
			store, db, err := openStore(ctx, engine, dir, pg, fmt.Sprintf("search%d", n))
			if err != nil {
				return err
			}
			defer store.Close()
			fx, err := seed(ctx, store, 1, 1)
			if err != nil {
				return err
			}
			day = fx.Day
			if err := addRides(ctx, db, fx.Rides[0], n-1); err != nil {
				return fmt.Errorf("%s: add rides: %w", engine, err)
			}
			db.ExecContext(ctx, "ANALYZE")
			stores = append(stores, store)
		}
		lat := make([][]time.Duration, len(sizes))
		for round := range pick(1000, 20) {
			for i, s := range stores {
				lat[i] = append(lat[i], searchOnce(ctx, s, day, round))
			}
		}
		var p99at1k float64
		for i, n := range sizes {
			slices.Sort(lat[i])
			p50, p99 := ms(lat[i][len(lat[i])/2]), ms(lat[i][len(lat[i])*99/100])
			r.add(Figure{Name: fmt.Sprintf("search %s, %dk rides, p50", engine, n/1000), Value: p50, Unit: "ms"})
			f := Figure{Name: fmt.Sprintf("search %s, %dk rides, p99", engine, n/1000), Value: p99, Unit: "ms"}
			if smoke {
				f.Name += " (smoke)"
			}
			if i == 0 {
				p99at1k = p99
			} else {
				f.Anchor, f.Of = "p99 at 1k", p99at1k
			}
			if i == len(sizes)-1 && !smoke {
				f.Target, f.Met = "≤ 2", met(p99 <= 2*p99at1k)
			}
			r.add(f)
		}
	}
	r.note("1,000 searches per size, the sizes in turn, through the store in process: 5 km radius, a 3 h window, 20 results; rides spread over 30 days and ±0.5° around both ends")
	return nil
}

// openStore opens a fresh, migrated store named name on engine: a SQLite file in dir,
// or a database of its own on pg. The caller closes it.
func openStore(ctx context.Context, engine, dir string, pg *pgServer, name string) (carpool.Store, *sql.DB, error) {
	if engine == "sqlite" {
		s, err := sqlite.Open(ctx, filepath.Join(dir, name+".db"))
		if err != nil {
			return nil, nil, err
		}
		if _, err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, nil, err
		}
		return s, s.DB(), nil
	}
	admin := strings.Replace(pg.url(), "/carpool?", "/postgres?", 1)
	if err := execURL(ctx, admin, "CREATE DATABASE "+name); err != nil {
		return nil, nil, err
	}
	s, err := postgres.Open(ctx, strings.Replace(pg.url(), "/carpool?", "/"+name+"?", 1))
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, s.DB(), nil
}

// addRides copies the seeded ride n times with other places and times, in SQL.
func addRides(ctx context.Context, db *sql.DB, template string, n int) error {
	base := carpool.Timestamp(time.Now()).Truncate(24 * time.Hour).Add(24 * time.Hour)
	return copyRide(ctx, db, template, n, func(i int) (carpool.Point, carpool.Point, time.Time) {
		// a deterministic spread: 30 days, ±0.5° around both ends
		f := func(k int) float64 { return float64((i*k)%1000)/1000 - 0.5 }
		return carpool.Point{Lat: 52.517 + f(37), Lon: 13.3889 + f(53)}, carpool.Point{Lat: 52.3906 + f(71), Lon: 13.0645 + f(97)},
			base.Add(time.Duration((i*7919)%(30*24*60)) * time.Minute)
	})
}

// copyRide inserts n open rides of the template ride's driver and car in SQL, the i-th
// from and to the places and at the time at(i) gives.
func copyRide(ctx context.Context, db *sql.DB, template string, n int, at func(i int) (from, to carpool.Point, depart time.Time)) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var t carpool.Ride
	if err := tx.QueryRowContext(ctx, "SELECT driver_id, car_id FROM rides WHERE id = $1", template).Scan(&t.DriverID, &t.CarID); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO rides (id, driver_id, car_id, from_label, from_lat, from_lon, to_label, to_lat, to_lon,
		depart_at, seats, seats_taken, booking_mode, notes, status, version, created_at, updated_at)
		VALUES ($1, $2, $3, 'a', $4, $5, 'b', $6, $7, $8, 4, 0, 'instant', '', 'open', 1, $9, $9)`)
	if err != nil {
		return err
	}
	now := carpool.Timestamp(time.Now())
	for i := range n {
		from, to, depart := at(i)
		if _, err := stmt.ExecContext(ctx, carpool.NewID(), t.DriverID, t.CarID, from.Lat, from.Lon, to.Lat, to.Lon, depart.UTC(), now.UTC()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func searchOnce(ctx context.Context, s carpool.Store, day time.Time, i int) time.Duration {
	from, to := carpool.Point{Lat: 52.52, Lon: 13.40}, carpool.Point{Lat: 52.39, Lon: 13.06}
	after := day.Add(time.Duration(i%48) * time.Hour)
	q, err := carpool.RideQuery{From: &from, To: &to, RadiusKM: 5, DepartAfter: after, DepartBefore: after.Add(3 * time.Hour), Seats: 1}.Normalize(time.Now())
	if err != nil {
		panic(err)
	}
	t0 := time.Now()
	if _, err := s.SearchRides(ctx, q, 0, 20); err != nil {
		panic(err)
	}
	return time.Since(t0)
}
