package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"carpool/internal/sqlite"
)

// runHTTP measures the HTTP figures with wrk (1 thread, 32 connections), alternating
// between the anchors and carpool so each pair sees the same machine load.
func runHTTP(r *Result, bin string, dur time.Duration) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return fmt.Errorf("wrk not found (apt-get install wrk): %w", err)
	}
	dir, err := os.MkdirTemp("", "carpool-perf-http-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	dbPath := filepath.Join(dir, "carpool.db")
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	fx, err := seed(ctx, db, 32, 48)
	db.Close()
	if err != nil {
		return err
	}

	bareAddr := freeAddr()
	bare, err := start("http://"+bareAddr+"/livez", nil, dir, filepath.Join(bin, "bare"), "-addr", bareAddr)
	if err != nil {
		return err
	}
	defer bare.stop()
	var podinfo *proc
	podAddr := freeAddr()
	if _, err := os.Stat(filepath.Join(bin, "podinfo")); err == nil {
		_, port, _ := splitHostPort(podAddr)
		podinfo, err = start("http://"+podAddr+"/readyz", nil, dir, filepath.Join(bin, "podinfo"),
			"--port", port, "--port-metrics", "0", "--level", "warn")
		if err != nil {
			return err
		}
		defer podinfo.stop()
	} else {
		r.note("podinfo binary missing in %s: its column is empty", bin)
	}
	cpAddr, cpAdmin := freeAddr(), freeAddr()
	cp, err := start("http://"+cpAddr+"/readyz", []string{"CARPOOL_DATABASE_URL=sqlite://" + dbPath,
		"CARPOOL_HTTP_ADDR=" + cpAddr, "CARPOOL_ADMIN_ADDR=" + cpAdmin, "CARPOOL_SHUTDOWN_DELAY=0s",
		"CARPOOL_LOG_LEVEL=warn"}, dir, filepath.Join(bin, "carpool"), "serve")
	if err != nil {
		return err
	}
	defer cp.stop()

	auth := "Authorization: Bearer " + fx.AdminToken
	day := fx.Day.Format("2006-01-02")
	search := fmt.Sprintf("http://%s/api/v1/rides?from=52.52,13.40&to=52.39,13.06&radius_km=5&depart_after=%sT11:00:00Z&depart_before=%sT14:00:00Z&seats=1", cpAddr, day, day)
	type target struct {
		name, url string
		pid       int
		headers   []string
	}
	targets := []target{
		{"bare", "http://" + bareAddr + "/livez", bare.cmd.Process.Pid, nil},
		{"livez", "http://" + cpAddr + "/livez", cp.cmd.Process.Pid, nil},
		{"read", "http://" + cpAddr + "/api/v1/sites/" + fx.SiteID, cp.cmd.Process.Pid, []string{auth}},
		{"search", search, cp.cmd.Process.Pid, []string{auth}},
	}
	if podinfo != nil {
		targets = slices.Insert(targets, 1, target{"podinfo", "http://" + podAddr + "/healthz", podinfo.cmd.Process.Pid, nil})
	}
	// The targets take turns in short rounds and each figure is the median of its
	// rounds: the shared machine's load moves within seconds, and turns spread it over
	// every target alike.
	rounds := pick(5, 1)
	per := max(dur/time.Duration(rounds), pick(2*time.Second, time.Second))
	got := map[string][]wrkResult{}
	for range rounds {
		for _, t := range targets {
			before := cpuSeconds(t.pid)
			res, err := wrk(t.url, per, t.headers...)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			res.cpu = cpuSeconds(t.pid) - before
			got[t.name] = append(got[t.name], res)
		}
	}
	med := func(name string) wrkResult {
		rs := slices.Clone(got[name])
		if len(rs) == 0 {
			return wrkResult{}
		}
		slices.SortFunc(rs, func(a, b wrkResult) int { return cmpFloat(a.rps, b.rps) })
		return rs[len(rs)/2]
	}
	if profileDir != "" {
		// CPU profiles of carpool answering each of its targets alone, for
		// docs/performance.md; outside the timed rounds.
		for _, t := range targets {
			if t.pid != cp.cmd.Process.Pid {
				continue
			}
			done := make(chan struct{})
			go func() {
				fetchProfile("http://"+cpAdmin, dur, filepath.Join(profileDir, "http-"+t.name+".pprof"))
				close(done)
			}()
			if _, err := wrk(t.url, dur+time.Second, t.headers...); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			<-done
		}
	}
	book := bookLoop("http://"+cpAddr, fx, dur)
	if err := book.check(); err != nil {
		return fmt.Errorf("booking on SQLite: %w", err)
	}

	// Server CPU per request, summed over the rounds: throughput on a machine this
	// shared swings by 2x between rounds, but the CPU a server spends on one request
	// barely moves, and capacity is its inverse. The throughput targets are judged on
	// it: "carpool /livez >= 0.7x bare" means bare's CPU per request >= 0.7x carpool's.
	cpuPer := func(name string) float64 {
		var cpu, n float64
		for _, g := range got[name] {
			cpu += g.cpu
			n += g.requests
		}
		if n == 0 {
			return 0
		}
		return 1e6 * cpu / n
	}
	bareCPU, podCPU, livezCPU, readCPU, searchCPU := cpuPer("bare"), cpuPer("podinfo"), cpuPer("livez"), cpuPer("read"), cpuPer("search")
	inv := func(x float64) float64 {
		if x == 0 {
			return 0
		}
		return 1 / x
	}
	r.add(Figure{Name: "server CPU per request: bare net/http /livez", Value: bareCPU, Unit: "µs"})
	if podinfo != nil {
		r.add(Figure{Name: "capacity: podinfo /healthz (1/CPU per request)", Value: inv(podCPU) * 1e6, Unit: "req/CPU-s", Anchor: "bare net/http", Of: inv(bareCPU) * 1e6})
	}
	r.add(Figure{Name: "capacity: carpool /livez (1/CPU per request)", Value: inv(livezCPU) * 1e6, Unit: "req/CPU-s", Anchor: "bare net/http", Of: inv(bareCPU) * 1e6, Target: "≥ 0.7", Met: met(bareCPU >= 0.7*livezCPU)})
	r.add(Figure{Name: "capacity: carpool authenticated GET /api/v1/sites/{id}", Value: inv(readCPU) * 1e6, Unit: "req/CPU-s", Anchor: "carpool /livez", Of: inv(livezCPU) * 1e6, Target: "≥ 0.5", Met: met(livezCPU >= 0.5*readCPU)})
	r.add(Figure{Name: "capacity: carpool search (48 rides)", Value: inv(searchCPU) * 1e6, Unit: "req/CPU-s", Anchor: "carpool /livez", Of: inv(livezCPU) * 1e6})

	bareRPS, cpLivez, cpRead, cpSearch := med("bare").rps, med("livez"), med("read"), med("search")
	r.add(Figure{Name: "bare net/http /livez", Value: bareRPS, Unit: "req/s"})
	if podinfo != nil {
		r.add(Figure{Name: "podinfo /healthz", Value: med("podinfo").rps, Unit: "req/s", Anchor: "bare net/http", Of: bareRPS})
	}
	r.add(Figure{Name: "carpool /livez", Value: cpLivez.rps, Unit: "req/s", Anchor: "bare net/http", Of: bareRPS})
	r.add(Figure{Name: "carpool authenticated GET /api/v1/sites/{id}", Value: cpRead.rps, Unit: "req/s", Anchor: "carpool /livez", Of: cpLivez.rps})
	r.add(Figure{Name: "carpool search (48 rides), req/s", Value: cpSearch.rps, Unit: "req/s", Anchor: "carpool /livez", Of: cpLivez.rps})
	r.add(Figure{Name: "carpool search (48 rides), mean latency", Value: cpSearch.meanMS, Unit: "ms"})
	r.add(Figure{Name: "carpool book+cancel cycles (SQLite, 32 passengers)", Value: book.perSec, Unit: "cycles/s", Anchor: "carpool /livez", Of: cpLivez.rps})
	r.note("wrk -t1 -c32, %d rounds of %s per target taking turns; req/s is the median of the rounds; capacity is requests per CPU-second of the server process (utime+stime from /proc), summed over the rounds", rounds, per)
	r.note("booking: %d passengers in a closed loop over %d rides, each POST with an Idempotency-Key; %d of %d requests failed", len(fx.Passengers), len(fx.Rides), book.failed, book.requests)
	return nil
}

func splitHostPort(addr string) (string, string, error) {
	i := len(addr) - 1
	for i >= 0 && addr[i] != ':' {
		i--
	}
	return addr[:i], addr[i+1:], nil
}

type wrkResult struct {
	rps      float64
	meanMS   float64
	requests float64
	cpu      float64 // seconds the server spent, filled in by the caller
}

var (
	rpsRe = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	latRe = regexp.MustCompile(`Latency\s+([0-9.]+)(us|ms|s)`)
	reqRe = regexp.MustCompile(`([0-9]+) requests in`)
)

// wrk runs wrk against url and returns requests/s and mean latency; non-2xx answers
// are an error, so a broken endpoint cannot pass for a fast one.
func wrk(url string, dur time.Duration, headers ...string) (wrkResult, error) {
	args := []string{"-t1", "-c32", "-d" + strconv.Itoa(int(dur.Seconds())) + "s", "--latency"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := exec.Command("wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w\n%s", url, err, out)
	}
	if bytes.Contains(out, []byte("Non-2xx")) {
		return wrkResult{}, fmt.Errorf("wrk %s: non-2xx answers:\n%s", url, out)
	}
	var res wrkResult
	if m := reqRe.FindSubmatch(out); m != nil {
		res.requests, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := rpsRe.FindSubmatch(out); m != nil {
		res.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := latRe.FindSubmatch(out); m != nil {
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		switch string(m[2]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		res.meanMS = v
	}
	if res.requests == 0 {
		return res, fmt.Errorf("wrk %s: no request answered:\n%s", url, out)
	}
	return res, nil
}

type loopResult struct {
	perSec           float64
	requests, failed int64
	p50, p99         time.Duration
	firstFailure     string
}

// check fails a loop in which nothing succeeded, or, in smoke mode, anything failed:
// the fixture gives every passenger seats of their own, so a refusal is a broken bench
// or a broken server, not contention.
func (l loopResult) check() error {
	if l.requests == 0 || l.failed == l.requests || (smoke && l.failed > 0) {
		return fmt.Errorf("%d of %d booking requests failed; first: %s", l.failed, l.requests, l.firstFailure)
	}
	return nil
}

// bookLoop has every passenger book one seat and cancel it again, over and over, for
// dur, spread over the fixture's rides and round-robin over the given bases.
func bookLoop(base string, fx fixture, dur time.Duration, more ...string) loopResult {
	bases := append([]string{base}, more...)
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var cycles, requests, failed atomic.Int64
	var mu sync.Mutex
	var firstFailure string
	fail := func(what string, code int, body []byte) {
		failed.Add(1)
		mu.Lock()
		if firstFailure == "" {
			firstFailure = fmt.Sprintf("%s: %d %s", what, code, bytes.TrimSpace(body))
		}
		mu.Unlock()
	}
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for w, tok := range fx.Passengers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				b := bases[(w+i)%len(bases)]
				// the same rides per passenger as the pgbench scripts: two each
				ride := fx.Rides[(w+32*(i%2))%len(fx.Rides)]
				t0 := time.Now()
				code, body := post(hc, b+"/api/v1/rides/"+ride+"/bookings", tok, fmt.Sprintf("k-%d-%d-%d", w, i, start.UnixNano()), `{"seats":1}`)
				requests.Add(1)
				if code != http.StatusCreated {
					fail("book", code, body)
					continue
				}
				var bk struct{ ID string }
				json.Unmarshal(body, &bk)
				code, body = post(hc, bases[(w+i+1)%len(bases)]+"/api/v1/bookings/"+bk.ID+"/cancel", tok, "", "")
				requests.Add(1)
				if code != http.StatusOK {
					fail("cancel", code, body)
					continue
				}
				d := time.Since(t0)
				if ctx.Err() == nil {
					cycles.Add(1)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	res := loopResult{perSec: float64(cycles.Load()) / dur.Seconds(), requests: requests.Load(), failed: failed.Load(), firstFailure: firstFailure}
	if len(lat) > 0 {
		slices.Sort(lat)
		res.p50, res.p99 = lat[len(lat)/2], lat[(len(lat)-1)*99/100]
	}
	return res
}

func post(hc *http.Client, url, tok, key, body string) (int, []byte) {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, _ := http.NewRequest(http.MethodPost, url, rd)
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cpuSeconds is the user+system CPU time a process has used so far.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	// after the command: state ppid ... utime is field 14 of the line, index 11 here
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}
