// Command perf measures carpool against its anchors, side by side in one run, and writes
// the figures as JSON. Each part runs alone and ends within its time bound:
//
//	perf http       -bin DIR -out F   HTTP figures vs a bare net/http server and podinfo (wrk)
//	perf bookings   -bin DIR -out F   bookings/s on PostgreSQL vs pgbench, replicas, fsync, history
//	perf search     -out F            search p50/p99 at 1k/10k/100k rides, both engines
//	perf searchcap  -out F            search p50/p99 with one member at the ride caps vs without, both engines
//	perf searchmix  -bin DIR -out F   search over commutes + single rides: p50/p99 at 10k/100k, both engines; HTTP CPU per search vs /livez
//	perf materialise -out F           the pass making commutes' days at 10k/100k open rides: nothing due, newcomers due; both engines
//	perf footprint  -bin DIR -out F   start to ready, idle RSS, RSS under 1,000 connections, sizes
//	perf report     -in DIR -doc F    the Markdown tables of every JSON in DIR into F
//
// The machine is shared, so absolute numbers move with its load; each figure is therefore
// measured next to its anchor in the same run and reported as a ratio, with the load
// average at the time.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"carpool/bench/internal/benchdb"
)

// before (-before) is an older carpool binary the footprint part measures too.
var before string

// smoke (-smoke) runs every part at tiny sizes and durations so that CI notices a bench
// that no longer runs; its figures are not judged.
var smoke bool

// pick is small in smoke mode and full otherwise.
func pick[T any](full, small T) T {
	if smoke {
		return small
	}
	return full
}

// Result is what one part writes.
type Result struct {
	Part    string    `json:"part"`
	At      string    `json:"at"`
	CPUs    int       `json:"cpus"`
	LoadAvg string    `json:"load_avg_start"`
	LoadEnd string    `json:"load_avg_end"`
	Figures []Figure  `json:"figures"`
	Notes   []string  `json:"notes,omitempty"`
	Smoke   bool      `json:"smoke,omitempty"`
	started time.Time `json:"-"`
}

// Figure is one measured number, optionally next to the anchor it is compared with.
type Figure struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Anchor string  `json:"anchor,omitempty"`
	Of     float64 `json:"anchor_value,omitempty"`
	Ratio  float64 `json:"ratio,omitempty"`
	Target string  `json:"target,omitempty"`
	Met    *bool   `json:"met,omitempty"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: perf http|bookings|search|searchcap|searchmix|materialise|footprint|report [flags]")
		os.Exit(2)
	}
	part, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(part, flag.ExitOnError)
	bin := fs.String("bin", ".cache/bench", "directory holding carpool, bare and podinfo binaries")
	out := fs.String("out", "", "JSON file to write")
	dur := fs.Duration("duration", 8*time.Second, "length of each load run")
	in := fs.String("in", "bench/out", "report: directory of JSON results")
	doc := fs.String("doc", "docs/performance.md", "report: Markdown file whose generated section is replaced")
	fs.StringVar(&profileDir, "profile", "", "http, bookings, searchmix, materialise: directory for CPU profiles of carpool taken during the runs")
	fs.StringVar(&before, "before", "", "footprint: an older carpool binary to measure beside the current one")
	fs.BoolVar(&smoke, "smoke", false, "tiny sizes, one short round per measurement and every failure an error: proves the part works, its figures mean nothing")
	fs.Parse(args)
	if abs, err := filepath.Abs(*bin); err == nil {
		*bin = abs
	}
	if *out == "" {
		*out = "bench/out/" + part + ".json"
	}
	r := &Result{Part: part, At: time.Now().UTC().Format(time.RFC3339), CPUs: runtime.NumCPU(), LoadAvg: benchdb.LoadAverage(), started: time.Now(), Smoke: smoke}
	var err error
	switch part {
	case "http":
		err = runHTTP(r, *bin, *dur)
	case "bookings":
		err = runBookings(r, *bin, *dur)
	case "search":
		err = runSearch(r)
	case "searchcap":
		err = runSearchCap(r)
	case "searchmix":
		err = runSearchMix(r, *bin, *dur)
	case "materialise":
		err = runMaterialise(r)
	case "footprint":
		err = runFootprint(r, *bin)
	case "report":
		err = report(*in, *doc)
		if err != nil {
			fmt.Fprintln(os.Stderr, "perf report:", err)
			os.Exit(1)
		}
		return
	default:
		err = fmt.Errorf("unknown part %q", part)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "perf %s: %v\n", part, err)
		os.Exit(1)
	}
	r.LoadEnd = benchdb.LoadAverage()
	b, _ := json.MarshalIndent(r, "", "  ")
	os.MkdirAll(dirOf(*out), 0o755)
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s\n", b)
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

func (r *Result) add(f Figure) {
	if f.Of != 0 {
		f.Ratio = round(f.Value/f.Of, 3)
	}
	f.Value = round(f.Value, 2)
	f.Of = round(f.Of, 2)
	r.Figures = append(r.Figures, f)
	fmt.Fprintf(os.Stderr, "  %-55s %10.2f %-8s ratio %.3f (load %s)\n", f.Name, f.Value, f.Unit, f.Ratio, benchdb.LoadAverage())
}

func (r *Result) note(format string, a ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, a...))
	fmt.Fprintln(os.Stderr, "  note:", fmt.Sprintf(format, a...))
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

func met(ok bool) *bool { return &ok }

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a server started for a measurement.
type proc struct {
	cmd     *exec.Cmd
	started time.Time
	ready   time.Duration
}

// start runs a server and waits until readyURL answers 200.
func start(readyURL string, env []string, dir string, name string, args ...string) (*proc, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}, env...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &proc{cmd: cmd, started: time.Now()}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := hc.Get(readyURL); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ready = time.Since(p.started)
				return p, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.stop()
	return nil, fmt.Errorf("%s: %s not ready within 60s", name, readyURL)
}

func (p *proc) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// rssKB is the resident set of a process in kB.
func rssKB(pid int) float64 { return statusKB(pid, "VmRSS:") }

// statusKB reads one kB field of /proc/PID/status (VmRSS, RssAnon, RssFile).
func statusKB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			var kb float64
			fmt.Sscanf(strings.TrimPrefix(line, field), "%f", &kb)
			return kb
		}
	}
	return 0
}
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// machineCPU is the CPU time every process of the machine has used since boot, in
// seconds, from the first line of /proc/stat (idle and iowait left out).
func machineCPU() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy float64
	for i := 1; i < len(f) && i <= 8; i++ {
		if i == 4 || i == 5 {
			continue
		}
		v, _ := strconv.ParseFloat(f[i], 64)
		busy += v
	}
	return busy / 100 // USER_HZ is 100 on Linux
}
