package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
	"carpool/internal/sqlite"
)

// runSearch times SearchRides in process (the store, no HTTP) on 1k, 10k and 100k rides
// spread over a month and a 100 km square, on both engines.
func runSearch(r *Result) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "carpool-perf-search-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sq, err := sqlite.Open(ctx, filepath.Join(dir, "s.db"))
	if err != nil {
		return err
	}
	defer sq.Close()
	if _, err := sq.Migrate(ctx); err != nil {
		return err
	}
	pg, err := newPG()
	if err != nil {
		return err
	}
	defer pg.close()
	if err := pg.start(false); err != nil {
		return err
	}
	pdb, err := postgres.Open(ctx, pg.url())
	if err != nil {
		return err
	}
	defer pdb.Close()
	if _, err := pdb.Migrate(ctx); err != nil {
		return err
	}
	engines := []struct {
		name  string
		store carpool.Store
		db    *sql.DB
	}{{"sqlite", sq, sq.DB()}, {"postgres", pdb, pdb.DB()}}
	for _, e := range engines {
		fx, err := seed(ctx, e.store, 1, 1)
		if err != nil {
			return err
		}
		var p99s = map[int]time.Duration{}
		have := 1
		for _, n := range []int{1_000, 10_000, 100_000} {
			if err := addRides(ctx, e.db, fx.Rides[0], n-have); err != nil {
				return fmt.Errorf("%s: add rides: %w", e.name, err)
			}
			have = n
			if e.name == "postgres" {
				e.db.ExecContext(ctx, "ANALYZE rides")
			} else {
				e.db.ExecContext(ctx, "ANALYZE")
			}
			p50, p99 := timeSearch(ctx, e.store, fx.Day)
			p99s[n] = p99
			f := Figure{Name: fmt.Sprintf("search %s, %dk rides, p50", e.name, n/1000), Value: ms(p50), Unit: "ms"}
			r.add(f)
			f = Figure{Name: fmt.Sprintf("search %s, %dk rides, p99", e.name, n/1000), Value: ms(p99), Unit: "ms"}
			if n > 1_000 {
				f.Anchor, f.Of = "p99 at 1k", ms(p99s[1_000])
			}
			if n == 100_000 {
				f.Target, f.Met = "≤ 2", met(p99 <= 2*p99s[1_000])
			}
			r.add(f)
		}
	}
	r.note("200 searches per size, one at a time, through the store in process: 5 km radius, a 3 h window, rides spread over 30 days and ±0.5° around Berlin")
	return nil
}

// addRides copies the seeded ride n times with other places and times, in SQL.
func addRides(ctx context.Context, db *sql.DB, template string, n int) error {
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
	base := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
	for i := range n {
		// a deterministic spread: 30 days, ±0.5° around both ends
		f := func(k int) float64 { return float64((i*k)%1000)/1000 - 0.5 }
		depart := base.Add(time.Duration((i*7919)%(30*24*60)) * time.Minute)
		if _, err := stmt.ExecContext(ctx, carpool.NewID(), t.DriverID, t.CarID, 52.517+f(37), 13.3889+f(53), 52.3906+f(71), 13.0645+f(97), depart.UTC(), now.UTC()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func timeSearch(ctx context.Context, s carpool.Store, day time.Time) (p50, p99 time.Duration) {
	var lat []time.Duration
	from, to := carpool.Point{Lat: 52.52, Lon: 13.40}, carpool.Point{Lat: 52.39, Lon: 13.06}
	for i := range 200 {
		after := day.Add(time.Duration(i%48) * time.Hour)
		q, err := carpool.RideQuery{From: &from, To: &to, RadiusKM: 5, DepartAfter: after, DepartBefore: after.Add(3 * time.Hour), Seats: 1}.Normalize(time.Now())
		if err != nil {
			panic(err)
		}
		t0 := time.Now()
		if _, err := s.SearchRides(ctx, q, 0, 20); err != nil {
			panic(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100]
}
