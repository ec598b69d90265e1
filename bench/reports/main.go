// Command reports measures the fleet reports at the size of a real year: it fills a
// database with 500 pool cars over 20 sites, a year of their reservations (several per
// car and week, from an hour to a few days, some across the daylight-saving changes,
// maintenance blocks, cancellations), 100,000 rides and their bookings, then times every
// report query through the store and the whole report through the application, as the
// web page and the CSV downloads call them. Each case runs many times, the cases taking
// turns, next to two anchors measured in the same rounds: a trivial query (SELECT 1) and
// a full scan of the reservations (what a report query costs when no index helps).
// Figures (p50, p99, runs) go to a JSON file and, as a Markdown table, to standard output.
//
// With -pglog (PostgreSQL only) the store is opened with auto_explain on, each query runs
// once more, and the plans PostgreSQL chose for exactly the SQL the store sent are copied
// from the server log to -plans, with the sequential scans listed per case.
//
//	go run ./bench/reports -out bench/reports/results.json                  # SQLite
//	go run ./bench/reports -postgres postgres://... -pglog /path/to/server.log
//
// With -cpu N each period's fleet report runs N times in a row after the fill, and its
// CPU per report (this process's, plus the PostgreSQL server's with -pgpid) is printed
// against the reports' targets: on a loaded machine the wall clock swings by several
// times between runs, CPU per report much less.
//
// scripts/bench-reports.sh runs both engines, starting a throwaway PostgreSQL.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"carpool/bench/internal/benchdb"
	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/postgres"
)

// Result is one case on one engine.
type Result struct {
	Engine string `json:"engine"`
	Case   string `json:"case"`
	// Schema is "00012" for the schema as migrated, "without 00012" after dropping the
	// index it adds.
	Schema    string  `json:"schema"`
	Runs      int     `json:"runs"`
	P50Millis float64 `json:"p50_ms"`
	P99Millis float64 `json:"p99_ms"`
	// Anchor is the anchor this case is judged against, AnchorRatio its p50 over the
	// anchor's p50 in the same rounds.
	Anchor      string  `json:"anchor,omitempty"`
	AnchorRatio float64 `json:"p50_over_anchor,omitempty"`
	// SeqScans lists the tables PostgreSQL read with a sequential scan for this case.
	SeqScans []string `json:"seq_scans,omitempty"`
}

// Report is what a run writes.
type Report struct {
	At        string          `json:"at"`
	GoVersion string          `json:"go_version"`
	CPUs      int             `json:"cpus"`
	Data      map[string]Data `json:"data"`
	// LoadAverage is /proc/loadavg at the start and at the end of each engine's rounds:
	// the machine's 2 cores are shared with other engineers' builds and tests.
	LoadAverage map[string]string `json:"load_average,omitempty"`
	Results     []Result          `json:"results"`
	// CPU is the CPU per fleet report (-cpu), of every engine measured.
	CPU []CPUFigure `json:"cpu_per_report,omitempty"`
}

// Data counts what an engine was filled with.
type Data struct {
	Sites             int     `json:"sites"`
	PoolCars          int     `json:"pool_cars"`
	PrivateCars       int     `json:"private_cars"`
	Members           int     `json:"members"`
	Reservations      int     `json:"reservations"`
	ReservationsOnDST int     `json:"reservations_across_dst"`
	Rides             int     `json:"rides"`
	Bookings          int     `json:"bookings"`
	FillSeconds       float64 `json:"fill_seconds"`
}

func main() {
	pg := flag.String("postgres", "", "PostgreSQL URL of an empty database to fill (default: SQLite in a temporary file only)")
	pglog := flag.String("pglog", "", "PostgreSQL server log to read auto_explain plans from (needs a superuser URL)")
	plans := flag.String("plans", "bench/reports/plans-postgres.txt", "file the PostgreSQL plans are written to")
	out := flag.String("out", "bench/reports/results.json", "file the figures are written to (results of other engines in it are kept)")
	rounds := flag.Int("rounds", 40, "rounds; each runs every case once")
	budget := flag.Duration("budget", 40*time.Second, "time after which a case stops taking part in the rounds (it keeps at least 5 runs)")
	migratedOnly := flag.Bool("migrated-only", false, "measure the schema as migrated only, not again without the index of 00012")
	small := flag.Bool("small", false, "a fleet of 20 cars instead of 500 (bench/run --smoke: proves the bench runs, figures mean nothing)")
	cpu := flag.Int("cpu", 0, "after filling, run each period's fleet report this many times in a row and print its CPU per report (0: not)")
	pgpid := flag.String("pgpid", "", "the PostgreSQL server's postmaster.pid, so -cpu counts the server's CPU too")
	flag.Parse()
	if *small {
		useSmallFleet()
	}
	phases := []string{"00012", "without 00012"}
	if *migratedOnly {
		phases = phases[:1]
	}
	if err := run(*pg, *pglog, *plans, *out, *rounds, *budget, phases, *cpu, *pgpid); err != nil {
		fmt.Fprintln(os.Stderr, "bench reports:", err)
		os.Exit(1)
	}
}

// The year measured is the 52 local weeks that ended on the Monday before the run's
// date in Germany; it holds both daylight-saving changes of 2026.
var (
	loc, _    = time.LoadLocation("Europe/Berlin")
	yearFrom  = time.Date(2025, 12, 1, 0, 0, 0, 0, loc)
	yearTo    = time.Date(2026, 11, 30, 0, 0, 0, 0, loc)
	dstChange = []time.Time{time.Date(2026, 3, 29, 2, 0, 0, 0, loc), time.Date(2026, 10, 25, 3, 0, 0, 0, loc)}
)

// period is one report period.
type period struct {
	name     string
	from, to time.Time
}

var periods = []period{
	{"year (52 weeks)", yearFrom, yearTo},
	// 13 weeks with the autumn change in them
	{"quarter (13 weeks)", time.Date(2026, 8, 31, 0, 0, 0, 0, loc), yearTo},
	// the week of 169 hours
	{"week (autumn DST change)", time.Date(2026, 10, 19, 0, 0, 0, 0, loc), time.Date(2026, 10, 26, 0, 0, 0, 0, loc)},
}

// kase is one timed thing.
type kase struct {
	name   string
	anchor string
	fn     func(context.Context) error
	times  []float64
	spent  time.Duration
}

func run(pg, pglog, plansOut, out string, rounds int, budget time.Duration, phases []string, cpu int, pgpid string) error {
	ctx := context.Background()
	e, err := benchdb.Open(ctx, pg, postgres.WithStatementTimeout(0))
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer e.Close()
	start := time.Now()
	f, err := fill(ctx, e)
	if err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	f.data.FillSeconds = math.Round(time.Since(start).Seconds())
	fmt.Fprintf(os.Stderr, "%s: filled in %s: %+v\n", e.Name, time.Since(start).Round(time.Second), f.data)

	report := Report{At: time.Now().UTC().Format(time.RFC3339), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		Data: map[string]Data{e.Name: f.data}, LoadAverage: map[string]string{}}
	if cpu > 0 {
		figs, err := measureCPU(ctx, e, f, cpu, pgpid)
		if err != nil {
			return fmt.Errorf("cpu: %w", err)
		}
		report.CPU = figs
		if rounds == 0 {
			return write(out, report)
		}
	}
	var plans strings.Builder
	plans.WriteString("# Plans PostgreSQL chose for the report queries (auto_explain, ANALYZE, BUFFERS), written by bench/reports.\n")
	// The same data is measured with the schema as migrated and again after dropping the
	// index migration 00012 added, so the two sets of figures come from the same rows,
	// the same process and nearly the same load.
	for _, phase := range phases {
		if phase != "00012" {
			if _, err := e.DB.ExecContext(ctx, "DROP INDEX "+reportIndex); err != nil {
				return fmt.Errorf("drop index: %w", err)
			}
			if _, err := e.DB.ExecContext(ctx, "ANALYZE"); err != nil {
				return err
			}
		}
		results, load, err := measure(ctx, e, f, rounds, budget)
		if err != nil {
			return err
		}
		report.LoadAverage[e.Name+", "+phase] = load
		if pg != "" && pglog != "" {
			fmt.Fprintf(&plans, "\n# Schema: %s\n", phase)
			scans, err := explain(ctx, pg, pglog, &plans, f)
			if err != nil {
				return fmt.Errorf("explain: %w", err)
			}
			for i := range results {
				results[i].SeqScans = scans[results[i].Case]
			}
		}
		for i := range results {
			results[i].Schema = phase
		}
		report.Results = append(report.Results, results...)
	}
	if pg != "" && pglog != "" {
		if err := os.MkdirAll(filepath.Dir(plansOut), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(plansOut, []byte(plans.String()), 0o644); err != nil {
			return err
		}
	}
	return write(out, report)
}

// reportIndex is the index migration 00012 adds for the reports.
const reportIndex = "reservations_active_window_idx"

// fullScan is the anchor the report queries are compared with: a query that reads every
// reservation and that no index can answer.
const fullScan = "anchor: full scan of reservations (MAX(updated_at))"

// measure runs the anchors and the report cases in turns, rounds times (a case whose
// total time passed budget drops out once it has 5 runs), and returns their figures and
// the load average at its start and end.
func measure(ctx context.Context, e *benchdb.Engine, f *fixture, rounds int, budget time.Duration) ([]Result, string, error) {
	anchors := []*kase{
		{name: "anchor: SELECT 1", fn: func(ctx context.Context) error {
			var one int
			return e.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
		}},
		{name: fullScan, fn: func(ctx context.Context) error {
			var t any
			return e.Read.QueryRowContext(ctx, "SELECT MAX(updated_at) FROM reservations").Scan(&t)
		}},
	}
	all := append(anchors, reportCases(e.Store, f)...)
	for _, c := range all { // warm-up: caches, prepared statements, plans
		if err := c.fn(ctx); err != nil {
			return nil, "", fmt.Errorf("%s: %w", c.name, err)
		}
	}
	loadStart := benchdb.LoadAverage()
	for r := 0; r < rounds; r++ {
		for _, c := range all {
			if c.spent > budget && len(c.times) >= 5 {
				continue
			}
			t0 := time.Now()
			if err := c.fn(ctx); err != nil {
				return nil, "", fmt.Errorf("%s: %w", c.name, err)
			}
			d := time.Since(t0)
			c.spent += d
			c.times = append(c.times, float64(d.Microseconds())/1000)
		}
	}
	load := loadStart + " at the start, " + benchdb.LoadAverage() + " at the end"
	p50 := map[string]float64{}
	for _, c := range all {
		slices.Sort(c.times)
		p50[c.name] = benchdb.Percentile(c.times, 0.50)
	}
	var out []Result
	for _, c := range all {
		r := Result{Engine: e.Name, Case: c.name, Runs: len(c.times), P50Millis: benchdb.Percentile(c.times, 0.50), P99Millis: benchdb.Percentile(c.times, 0.99)}
		if c.anchor != "" {
			r.Anchor = c.anchor
			r.AnchorRatio = benchdb.Round(r.P50Millis / p50[c.anchor])
		}
		out = append(out, r)
	}
	return out, load, nil
}

// reportCases are the store's report queries for each period, a passenger's and a
// driver's figures for the year (the home page), and the whole fleet report per period
// as the web page computes it (with its week-by-week queries).
func reportCases(s carpool.Store, f *fixture) []*kase {
	scan := fullScan
	a := app.New(s, app.Options{})
	var cases []*kase
	for _, p := range periods {
		cases = append(cases,
			&kase{name: "store Utilisation, " + p.name, anchor: scan, fn: func(ctx context.Context) error {
				_, err := s.Utilisation(ctx, carpool.Timestamp(p.from), carpool.Timestamp(p.to))
				return err
			}},
			&kase{name: "store RideFigures, " + p.name, anchor: scan, fn: func(ctx context.Context) error {
				_, err := s.RideFigures(ctx, carpool.RideFigureFilter{From: carpool.Timestamp(p.from), To: carpool.Timestamp(p.to)})
				return err
			}},
		)
	}
	cases = append(cases,
		&kase{name: "store RideFigures, one driver, year", anchor: scan, fn: func(ctx context.Context) error {
			_, err := s.RideFigures(ctx, carpool.RideFigureFilter{From: carpool.Timestamp(yearFrom), To: carpool.Timestamp(yearTo), DriverID: f.busyDriver})
			return err
		}},
		&kase{name: "store RideFigures, one passenger, year", anchor: scan, fn: func(ctx context.Context) error {
			_, err := s.RideFigures(ctx, carpool.RideFigureFilter{From: carpool.Timestamp(yearFrom), To: carpool.Timestamp(yearTo), PassengerID: f.busyPassenger})
			return err
		}},
	)
	for _, p := range periods {
		cases = append(cases, &kase{name: "app FleetReport, " + p.name, anchor: scan, fn: func(ctx context.Context) error {
			rep, err := a.FleetReport(ctx, f.manager, p.from, p.to, loc)
			if err == nil && len(rep.Cars) != f.data.PoolCars {
				err = fmt.Errorf("report has %d cars, want %d", len(rep.Cars), f.data.PoolCars)
			}
			return err
		}})
	}
	for _, p := range periods {
		cases = append(cases,
			&kase{name: "store FleetUsage, " + p.name, anchor: scan, fn: func(ctx context.Context) error {
				_, err := s.FleetUsage(ctx, carpool.FleetUsageFilter{Bounds: weekBounds(p)})
				return err
			}},
			&kase{name: "app SiteReport, the largest site, " + p.name, anchor: scan, fn: func(ctx context.Context) error {
				_, err := a.SiteReport(ctx, f.manager, f.headquarters, p.from, p.to, loc)
				return err
			}},
			&kase{name: "app SiteReport, the smallest site, " + p.name, anchor: scan, fn: func(ctx context.Context) error {
				_, err := a.SiteReport(ctx, f.manager, f.branch, p.from, p.to, loc)
				return err
			}},
			// What FleetReport read before it asked for every week at once: a
			// Utilisation and a RideFigures per week. Measured in the same rounds, so the
			// change is judged side by side rather than against an old run.
			&kase{name: "week by week (the reads before FleetUsage), " + p.name, anchor: scan, fn: func(ctx context.Context) error {
				b := weekBounds(p)
				for i := range len(b) - 1 {
					if _, err := s.Utilisation(ctx, b[i], b[i+1]); err != nil {
						return err
					}
					if _, err := s.RideFigures(ctx, carpool.RideFigureFilter{From: b[i], To: b[i+1]}); err != nil {
						return err
					}
				}
				return nil
			}},
		)
	}
	return cases
}

// weekBounds are the bounds of the local weeks of p, clipped to it, as the report asks.
func weekBounds(p period) []time.Time {
	weeks := carpool.Weeks(p.from, p.to, loc)
	b := []time.Time{carpool.Timestamp(p.from)}
	for _, w := range weeks[1:] {
		b = append(b, carpool.Timestamp(w.Start))
	}
	return append(b, carpool.Timestamp(p.to))
}

// explain opens a second store whose connections load auto_explain and log the plan of
// every statement with its actual rows and buffers, runs each case once, and copies the
// plans the server logged to plansOut. It returns the tables each case scanned
// sequentially.
func explain(ctx context.Context, pg, pglog string, plans *strings.Builder, f *fixture) (map[string][]string, error) {
	u, err := url.Parse(pg)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("options", "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 "+
		"-c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_timing=off")
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx does not read + as a space
	db, err := postgres.Open(ctx, u.String(), postgres.WithStatementTimeout(0))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	cases := reportCases(db, f)
	seqScan := regexp.MustCompile(`Seq Scan on (\w+)`)
	scans := map[string][]string{}
	for _, c := range cases {
		before, err := os.Stat(pglog)
		if err != nil {
			return nil, err
		}
		if err := c.fn(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		b, err := readFrom(pglog, before.Size())
		if err != nil {
			return nil, err
		}
		plan := string(b)
		if strings.HasPrefix(c.name, "week by week") {
			// week after week the same statements: the first weeks stand for all
			if i := strings.Index(plan, "duration:"); i >= 0 {
				if j := nthIndex(plan, "duration:", 12); j > 0 {
					plan = plan[:j] + "... (the plans of the other weeks repeat these)\n"
				}
			}
		}
		fmt.Fprintf(plans, "\n## %s\n\n%s", c.name, plan)
		seen := map[string]bool{}
		for _, m := range seqScan.FindAllStringSubmatch(string(b), -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				scans[c.name] = append(scans[c.name], m[1])
			}
		}
		slices.Sort(scans[c.name])
	}
	return scans, nil
}

func nthIndex(s, sub string, n int) int {
	at := 0
	for i := 0; i < n; i++ {
		j := strings.Index(s[at:], sub)
		if j < 0 {
			return -1
		}
		at += j + len(sub)
	}
	return at - len(sub)
}

// readFrom reads a log from offset, after giving the server's logger a moment to flush.
func readFrom(path string, offset int64) ([]byte, error) {
	deadline := time.Now().Add(2 * time.Second)
	var last int64 = -1
	for {
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if st.Size() == last || time.Now().After(deadline) {
			break
		}
		last = st.Size()
		time.Sleep(100 * time.Millisecond)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if _, err := fh.Seek(offset, 0); err != nil {
		return nil, err
	}
	var b strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := fh.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return []byte(b.String()), nil
}

// write merges report into the file at out, replacing the results of the same engine,
// and prints a table.
func write(out string, report Report) error {
	var old Report
	if b, err := os.ReadFile(out); err == nil {
		_ = json.Unmarshal(b, &old)
	}
	var name string // the engine of this run: report holds its data only
	for k := range report.Data {
		name = k
	}
	for _, c := range old.CPU {
		if c.Engine != name {
			report.CPU = append(report.CPU, c)
		}
	}
	for k, v := range old.LoadAverage {
		if _, ok := report.LoadAverage[k]; !ok {
			report.LoadAverage[k] = v
		}
	}
	for k, v := range old.Data {
		if _, ok := report.Data[k]; !ok {
			report.Data[k] = v
		}
	}
	for _, r := range old.Results {
		if r.Engine != name {
			report.Results = append(report.Results, r)
		}
	}
	slices.SortStableFunc(report.Results, func(a, b Result) int { return strings.Compare(a.Engine, b.Engine) })
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
	fmt.Println("| engine | schema | case | runs | p50 ms | p99 ms | p50 / full scan | sequential scans |")
	fmt.Println("|---|---|---|---:|---:|---:|---:|---|")
	for _, r := range report.Results {
		ratio := ""
		if r.Anchor != "" {
			ratio = fmt.Sprintf("%.2f×", r.AnchorRatio)
		}
		fmt.Printf("| %s | %s | %s | %d | %.2f | %.2f | %s | %s |\n", r.Engine, r.Schema, r.Case, r.Runs, r.P50Millis, r.P99Millis, ratio, strings.Join(r.SeqScans, ", "))
	}
	return nil
}
