// Command search measures ride search latency as the number of open rides grows: it
// fills a database with 1,000, then 10,000, then 100,000 open rides spread over a
// realistic commuter region (greater Munich, two weeks of departures from 6:00 to 20:00)
// and times searches along the route and at the ends through the store, as the API
// calls it. Figures (p50, p99, mean, matches per search) go to a JSON file and, as a
// Markdown table, to standard output.
//
//	go run ./bench/search -out bench/search/results.json                    # SQLite
//	go run ./bench/search -postgres postgres://... -out bench/search/results.json
//
// scripts/bench-search.sh runs both engines, starting a throwaway PostgreSQL.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"carpool/bench/internal/benchdb"
	"carpool/internal/carpool"
)

// region is greater Munich: about 55 km north to south and 60 km west to east.
var region = carpool.Box{MinLat: 47.95, MaxLat: 48.45, MinLon: 11.15, MaxLon: 11.95}

// Result is one engine, size and search mode.
type Result struct {
	Engine        string  `json:"engine"`
	Rides         int     `json:"rides"`
	Mode          string  `json:"mode"`
	Searches      int     `json:"searches"`
	P50Millis     float64 `json:"p50_ms"`
	P99Millis     float64 `json:"p99_ms"`
	MeanMillis    float64 `json:"mean_ms"`
	MatchesPerRun float64 `json:"matches_per_search"`
	// CandidatesPerRun is how many rides the SQL pre-selection hands to the exact test
	// (counted with the same conditions outside the timing): the part of the work that
	// grows with the density of rides.
	CandidatesPerRun float64 `json:"candidates_per_search"`
	// EmptyP50Millis is the p50 of the same searches moved to the night, when no ride
	// leaves: the fixed cost of a search (round trip, planning, index descent), which
	// does not grow with the number of rides.
	EmptyP50Millis float64 `json:"empty_p50_ms"`
}

// Report is what a run writes.
type Report struct {
	At        string `json:"at"`
	GoVersion string `json:"go_version"`
	CPUs      int    `json:"cpus"`
	Window    string `json:"window"`
	// LoadAverage is /proc/loadavg when the engine's run ended: the machine is shared,
	// and a p99 taken under load says more about the neighbours than about the search.
	LoadAverage map[string]string `json:"load_average,omitempty"`
	Results     []Result          `json:"results"`
}

func main() {
	pg := flag.String("postgres", "", "PostgreSQL URL of an empty database to fill (default: SQLite in a temporary file only)")
	out := flag.String("out", "bench/search/results.json", "file the figures are written to (results of other engines in it are kept)")
	searches := flag.Int("searches", 400, "timed searches per size and mode")
	sizes := flag.String("sizes", "1000,10000,100000", "open ride counts to measure at, ascending")
	flag.Parse()
	if err := run(*pg, *out, *searches, *sizes); err != nil {
		fmt.Fprintln(os.Stderr, "bench search:", err)
		os.Exit(1)
	}
}

func run(pg, out string, searches int, sizeList string) error {
	ctx := context.Background()
	var sizes []int
	for _, s := range strings.Split(sizeList, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(s), &n); err != nil || n < 1 {
			return fmt.Errorf("bad size %q", s)
		}
		sizes = append(sizes, n)
	}
	e, err := benchdb.Open(ctx, pg)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer e.Close()
	now := carpool.Timestamp(time.Now())
	driver, carID, err := fixture(ctx, e.Store, now)
	if err != nil {
		return fmt.Errorf("fixture: %w", err)
	}
	rng := rand.New(rand.NewPCG(42, 2026))
	report := Report{At: now.Format(time.RFC3339), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		Window: "route searches: two hours around a random time of a random day of the two weeks"}
	have := 0
	for _, size := range sizes {
		start := time.Now()
		if err := fill(ctx, e, rng, driver, carID, now, size-have); err != nil {
			return fmt.Errorf("fill to %d: %w", size, err)
		}
		have = size
		fmt.Fprintf(os.Stderr, "%s: %d open rides (filled in %s)\n", e.Name, size, time.Since(start).Round(time.Millisecond))
		for _, mode := range []string{"route", "ends"} {
			r, err := measure(ctx, e, rng, now, mode, searches)
			if err != nil {
				return fmt.Errorf("measure %s at %d: %w", mode, size, err)
			}
			r.Rides = size
			report.Results = append(report.Results, r)
			fmt.Fprintf(os.Stderr, "  %-5s p50 %.2f ms  p99 %.2f ms  mean %.2f ms  empty p50 %.2f ms  %.1f candidates  %.1f matches\n",
				mode, r.P50Millis, r.P99Millis, r.MeanMillis, r.EmptyP50Millis, r.CandidatesPerRun, r.MatchesPerRun)
		}
	}
	report.LoadAverage = map[string]string{e.Name: benchdb.LoadAverage()}
	return write(out, report)
}

// fixture creates the one driver and car every generated ride uses: the search reads
// neither, and one of each keeps the fill fast.
func fixture(ctx context.Context, s carpool.Store, now time.Time) (carpool.Member, string, error) {
	m := carpool.Member{ID: carpool.NewID(), Email: "bench-" + carpool.NewID() + "@example.com", Name: "Bench Driver",
		Role: carpool.RoleMember, PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateMember(ctx, m); err != nil {
		return m, "", err
	}
	c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "M B " + carpool.NewID()[:8], Make: "VW", Model: "Golf",
		Seats: 5, OwnerID: m.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateCar(ctx, c); err != nil {
		return m, "", err
	}
	return m, c.ID, nil
}

func randomPoint(rng *rand.Rand) carpool.Point {
	return carpool.Point{
		Lat: region.MinLat + rng.Float64()*(region.MaxLat-region.MinLat),
		Lon: region.MinLon + rng.Float64()*(region.MaxLon-region.MinLon),
	}
}

// randomTrip returns two points of the region at least 3 km apart, as commutes are.
func randomTrip(rng *rand.Rand) (carpool.Point, carpool.Point) {
	for {
		a, b := randomPoint(rng), randomPoint(rng)
		if carpool.DistanceKM(a, b) >= 3 {
			return a, b
		}
	}
}

// randomDeparture is a time from 6:00 to 20:00 on one of the next 14 days.
func randomDeparture(rng *rand.Rand, now time.Time) time.Time {
	day := now.Truncate(24*time.Hour).AddDate(0, 0, 1+rng.IntN(14))
	return day.Add(6*time.Hour + time.Duration(rng.IntN(14*60))*time.Minute)
}

// fill adds n open rides with rows written directly (checked by carpool.NewRide first),
// many per transaction: going through CreateRide would time the fill, not the search.
// The corridor is the domain's, as CreateRide writes it.
func fill(ctx context.Context, e *benchdb.Engine, rng *rand.Rand, driver carpool.Member, carID string, now time.Time, n int) error {
	car := carpool.Car{ID: carID, Kind: carpool.CarPrivate, OwnerID: driver.ID, Seats: 5, Status: carpool.CarActive}
	budgets := []float64{0, 2, 5, 5, 5, 5, 10, 15}
	const batch = 2000
	for done := 0; done < n; {
		tx, err := e.DB.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO rides (id, driver_id, car_id, from_label, from_lat, from_lon,
			to_label, to_lat, to_lon, depart_at, seats, seats_taken, booking_mode, notes, status, version, created_at, updated_at,
			detour_km, corridor_min_lat, corridor_max_lat, corridor_min_lon, corridor_max_lon)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`)
		if err != nil {
			_ = tx.Rollback()
			return err
		}
		for i := 0; i < batch && done < n; i++ {
			a, b := randomTrip(rng)
			budget := budgets[rng.IntN(len(budgets))]
			ride, err := carpool.NewRide(carpool.RideInput{
				CarID: carID, From: carpool.Place{Label: "A", Lat: a.Lat, Lon: a.Lon}, To: carpool.Place{Label: "B", Lat: b.Lat, Lon: b.Lon},
				DepartAt: randomDeparture(rng, now), Seats: 1 + rng.IntN(4), DetourKM: &budget,
			}, driver, car, nil, now)
			if err != nil {
				_ = tx.Rollback()
				return err
			}
			box := ride.Corridor()
			if _, err := stmt.ExecContext(ctx, ride.ID, ride.DriverID, ride.CarID, ride.From.Label, ride.From.Lat, ride.From.Lon,
				ride.To.Label, ride.To.Lat, ride.To.Lon, ride.DepartAt, ride.Seats, 0, string(ride.BookingMode), "", "open", 1,
				ride.CreatedAt, ride.UpdatedAt, ride.DetourKM, box.MinLat, box.MaxLat, box.MinLon, box.MaxLon); err != nil {
				_ = tx.Rollback()
				return err
			}
			done++
		}
		_ = stmt.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	// Fresh statistics, as autovacuum (PostgreSQL) or the periodic ANALYZE (SQLite)
	// would have them on a running system.
	_, err := e.DB.ExecContext(ctx, "ANALYZE")
	return err
}

// measure times searches of one mode: warm-up searches first, then the timed ones, then
// the same searches at night (no departures) for the fixed cost. Each search's SQL
// candidates are counted after its timing.
func measure(ctx context.Context, e *benchdb.Engine, rng *rand.Rand, now time.Time, mode string, n int) (Result, error) {
	const warmup = 30
	var times, empty []float64
	matches, candidates := 0, 0
	for i := 0; i < warmup+n; i++ {
		from, to := randomTrip(rng)
		wished := randomDeparture(rng, now)
		q := carpool.RideQuery{From: &from, To: &to, DepartAfter: wished.Add(-time.Hour), DepartBefore: wished.Add(time.Hour), Route: mode == "route"}
		if mode == "ends" {
			// An end search is looser in time: it is how members searched before.
			q.RadiusKM = 5
			q.DepartAfter, q.DepartBefore = wished.Add(-6*time.Hour), wished.Add(6*time.Hour)
		}
		q, err := q.Normalize(now)
		if err != nil {
			return Result{}, err
		}
		elapsed, got, err := timeSearch(ctx, e, q)
		if err != nil {
			return Result{}, err
		}
		// The night before the wished day: from 20:30 to 5:30 (nine hours, as long as
		// the two windows allow) nobody leaves.
		night := q
		night.DepartAfter = wished.Truncate(24 * time.Hour).Add(-3*time.Hour - 30*time.Minute)
		night.DepartBefore = night.DepartAfter.Add(min(9*time.Hour, q.DepartBefore.Sub(q.DepartAfter)))
		nightElapsed, nightGot, err := timeSearch(ctx, e, night)
		if err != nil {
			return Result{}, err
		}
		if len(nightGot) != 0 {
			return Result{}, fmt.Errorf("a night search found %d rides", len(nightGot))
		}
		if i >= warmup {
			times = append(times, elapsed)
			empty = append(empty, nightElapsed)
			matches += len(got)
			c, err := countCandidates(ctx, e, q)
			if err != nil {
				return Result{}, err
			}
			candidates += c
		}
	}
	slices.Sort(times)
	slices.Sort(empty)
	sum := 0.0
	for _, t := range times {
		sum += t
	}
	return Result{Engine: e.Name, Mode: mode, Searches: n, P50Millis: benchdb.Percentile(times, 0.50), P99Millis: benchdb.Percentile(times, 0.99),
		MeanMillis: benchdb.Round(sum / float64(len(times))), MatchesPerRun: benchdb.Round(float64(matches) / float64(len(times))),
		CandidatesPerRun: benchdb.Round(float64(candidates) / float64(len(times))), EmptyP50Millis: benchdb.Percentile(empty, 0.50)}, nil
}

// timeSearch runs one search as the API does and returns its time in milliseconds.
func timeSearch(ctx context.Context, e *benchdb.Engine, q carpool.RideQuery) (float64, []carpool.RideMatch, error) {
	start := time.Now()
	got, err := e.Store.SearchRides(ctx, q, 0, 51)
	return float64(time.Since(start).Microseconds()) / 1000, got, err
}

// countCandidates counts the rides the store's SQL pre-selection reads for q: open, in
// the window, with a free seat, and with the corridor over both ends (route) or both
// ends within the radius's bounding boxes (ends), as internal/sqlstore/search.go asks.
func countCandidates(ctx context.Context, e *benchdb.Engine, q carpool.RideQuery) (int, error) {
	conds := "status = 'open' AND depart_at >= $1 AND depart_at <= $2 AND seats - seats_taken >= 1"
	args := []any{q.DepartAfter, q.DepartBefore}
	if q.Route {
		conds += ` AND corridor_min_lat <= $3 AND corridor_max_lat >= $3 AND corridor_min_lon <= $4 AND corridor_max_lon >= $4
			AND corridor_min_lat <= $5 AND corridor_max_lat >= $5 AND corridor_min_lon <= $6 AND corridor_max_lon >= $6`
		args = append(args, q.From.Lat, q.From.Lon, q.To.Lat, q.To.Lon)
	} else {
		f, t := carpool.BoundingBox(*q.From, q.RadiusKM), carpool.BoundingBox(*q.To, q.RadiusKM)
		conds += ` AND from_lat BETWEEN $3 AND $4 AND from_lon BETWEEN $5 AND $6 AND to_lat BETWEEN $7 AND $8 AND to_lon BETWEEN $9 AND $10`
		args = append(args, f.MinLat, f.MaxLat, f.MinLon, f.MaxLon, t.MinLat, t.MaxLat, t.MinLon, t.MaxLon)
	}
	var n int
	err := e.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM rides WHERE "+conds, args...).Scan(&n)
	return n, err
}

// write merges report into the file at out, replacing the results of the same engine,
// so running SQLite and PostgreSQL one after the other leaves both, and prints a table.
func write(out string, report Report) error {
	var old Report
	if b, err := os.ReadFile(out); err == nil {
		_ = json.Unmarshal(b, &old)
	}
	engine := report.Results[0].Engine
	for k, v := range old.LoadAverage {
		if _, ok := report.LoadAverage[k]; !ok && report.LoadAverage != nil {
			report.LoadAverage[k] = v
		}
	}
	for _, r := range old.Results {
		if r.Engine != engine {
			report.Results = append(report.Results, r)
		}
	}
	slices.SortStableFunc(report.Results, func(a, b Result) int {
		if a.Engine != b.Engine {
			return strings.Compare(a.Engine, b.Engine)
		}
		if a.Mode != b.Mode {
			return strings.Compare(b.Mode, a.Mode)
		}
		return a.Rides - b.Rides
	})
	b, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Println("| engine | mode | open rides | p50 ms | p99 ms | mean ms | empty-window p50 ms | candidates/search | matches/search |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range report.Results {
		fmt.Printf("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |\n", r.Engine, r.Mode, r.Rides, r.P50Millis, r.P99Millis,
			r.MeanMillis, r.EmptyP50Millis, r.CandidatesPerRun, r.MatchesPerRun)
	}
	return nil
}
