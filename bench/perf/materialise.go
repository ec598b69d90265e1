package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// runMaterialise times the pass every replica runs to make the commutes' days ahead
// (app.MaterialiseSeries, hourly in production) over the realistic mix of 10k and 100k
// open rides, on both engines: a pass with nothing due (every day in the horizon made
// already: most passes), and a pass that makes the days of newcomers' commutes, as
// rides a second. Seeding by MaterialiseSeries slowed from ~700 to ~23 rides a second
// past 30k rides on SQLite; these figures say whether the pass grows with the pool.
func runMaterialise(r *Result) error {
	ctx := context.Background()
	dir, pg, done, err := scratch("materialise")
	if err != nil {
		return err
	}
	defer done()
	sizes := pick([]int{10_000, 100_000}, []int{500, 1_000})
	newcomers := pick(20, 2)
	for _, engine := range []string{"sqlite", "postgres"} {
		for i, n := range sizes {
			name := fmt.Sprintf("mat%d", n)
			store, db, err := openStore(ctx, engine, dir, pg, name)
			if err != nil {
				return err
			}
			defer store.Close()
			m, err := seedMix(ctx, store, db, n)
			if err != nil {
				return fmt.Errorf("%s, %d rides: %w", engine, n, err)
			}
			db.ExecContext(ctx, "ANALYZE")
			a := app.New(store, app.Options{})
			label := fmt.Sprintf("materialise %s, %s open rides (%d commutes)", engine, sizeLabel(n), m.series)
			profile := ""
			if profileDir != "" && i == len(sizes)-1 {
				profile = filepath.Join(profileDir, "materialise-"+engine+".pprof")
			}
			idle, made, err := timePass(ctx, a, "")
			if err != nil {
				return fmt.Errorf("%s: %w", label, err)
			}
			r.add(Figure{Name: label + ": a pass with nothing due", Value: ms(idle), Unit: "ms"})
			if made > 0 {
				r.note("%s: the pass with nothing due made %d rides (days that entered the horizon since seeding)", label, made)
			}
			rnd := rand.New(rand.NewPCG(11, uint64(n)))
			for j := range newcomers {
				if _, _, err := newCommuter(ctx, a, store, rnd, fmt.Sprintf("newcomer%d", j)); err != nil {
					return fmt.Errorf("%s: %w", label, err)
				}
			}
			busy, made, err := timePass(ctx, a, profile)
			if err != nil {
				return fmt.Errorf("%s: %w", label, err)
			}
			if made == 0 {
				return fmt.Errorf("%s: the pass after %d newcomers made no rides", label, newcomers)
			}
			r.add(Figure{Name: label + fmt.Sprintf(": a pass making %d newcomers' days", newcomers), Value: ms(busy), Unit: "ms"})
			r.add(Figure{Name: label + ": rides made a second in that pass", Value: float64(made) / busy.Seconds(), Unit: "rides/s"})
			r.note("%s: %d rides made for %d newcomers in %s", label, made, newcomers, busy.Round(time.Millisecond))
		}
	}
	return nil
}

// timePass runs one MaterialiseSeries pass over the default horizon, with a CPU profile
// of this process into profile when it is not empty, and returns its time and the rides
// it made.
func timePass(ctx context.Context, a *app.App, profile string) (time.Duration, int, error) {
	if profile != "" {
		if err := os.MkdirAll(filepath.Dir(profile), 0o755); err != nil {
			return 0, 0, err
		}
		f, err := os.Create(profile)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, 0, err
		}
		defer pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "  profile:", profile)
	}
	t0 := time.Now()
	rep, err := a.MaterialiseSeries(ctx, carpool.DefaultSeriesHorizon)
	return time.Since(t0), len(rep.Created), err
}
