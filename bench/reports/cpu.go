package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"carpool/bench/internal/benchdb"
	"carpool/internal/app"
)

// CPUFigure is the CPU one fleet report costs: this process's (SQLite runs in it) plus,
// on PostgreSQL, the server's processes (its backends, and the parallel workers that
// exited meanwhile, which the postmaster reaps).
type CPUFigure struct {
	Engine    string  `json:"engine"`
	Case      string  `json:"case"`
	Reports   int     `json:"reports"`
	ClientMS  float64 `json:"client_cpu_ms_per_report"`
	ServerMS  float64 `json:"server_cpu_ms_per_report,omitempty"`
	TotalMS   float64 `json:"cpu_ms_per_report"`
	WallMS    float64 `json:"wall_ms_per_report"`
	LoadStart string  `json:"load_average_start"`
}

// cpuTargets are the fleet report's targets in CPU milliseconds per report: a year of
// 500 cars within half a second on PostgreSQL and a second on SQLite, a quarter within
// 150 ms on both (judged on -small too, where they mean nothing).
var cpuTargets = map[string]int{
	"postgres, year (52 weeks)": 500, "sqlite, year (52 weeks)": 1000,
	"postgres, quarter (13 weeks)": 150, "sqlite, quarter (13 weeks)": 150,
}

// measureCPU runs each period's fleet report n times in a row, after one to warm up,
// and returns the CPU per report. With the wall clock of a loaded machine swinging by
// several times between runs, CPU per report is the figure that can be compared.
func measureCPU(ctx context.Context, e *benchdb.Engine, f *fixture, n int, pgPIDFile string) ([]CPUFigure, error) {
	a := app.New(e.Store, app.Options{})
	var postmaster int
	if pgPIDFile != "" {
		b, err := os.ReadFile(pgPIDFile)
		if err != nil {
			return nil, fmt.Errorf("postmaster pid: %w", err)
		}
		postmaster, err = strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
		if err != nil {
			return nil, fmt.Errorf("postmaster pid: %w", err)
		}
	}
	var out []CPUFigure
	for _, p := range periods {
		report := func() error {
			rep, err := a.FleetReport(ctx, f.manager, p.from, p.to, loc)
			if err == nil && len(rep.Cars) != f.data.PoolCars {
				err = fmt.Errorf("report has %d cars, want %d", len(rep.Cars), f.data.PoolCars)
			}
			return err
		}
		if err := report(); err != nil {
			return nil, err
		}
		load := benchdb.LoadAverage()
		c0, s0 := selfCPU(), serverCPU(postmaster)
		t0 := time.Now()
		for range n {
			if err := report(); err != nil {
				return nil, err
			}
		}
		wall := time.Since(t0)
		c1, s1 := selfCPU(), serverCPU(postmaster)
		per := func(d time.Duration) float64 { return benchdb.Round(float64(d.Microseconds()) / 1000 / float64(n)) }
		fig := CPUFigure{Engine: e.Name, Case: "app FleetReport, " + p.name, Reports: n, ClientMS: per(c1 - c0),
			WallMS: per(wall), LoadStart: load}
		if postmaster != 0 {
			fig.ServerMS = per(s1 - s0)
		}
		fig.TotalMS = benchdb.Round(fig.ClientMS + fig.ServerMS)
		verdict := ""
		if limit, ok := cpuTargets[e.Name+", "+p.name]; ok {
			verdict = fmt.Sprintf(" (target ≤ %d ms: ❌)", limit)
			if fig.TotalMS <= float64(limit) {
				verdict = fmt.Sprintf(" (target ≤ %d ms: ✅)", limit)
			}
		}
		fmt.Printf("CPU per report, %s, %s: %.1f ms%s (this process %.1f, server %.1f), wall %.1f ms, %d reports, load %s\n",
			e.Name, p.name, fig.TotalMS, verdict, fig.ClientMS, fig.ServerMS, fig.WallMS, n, load)
		out = append(out, fig)
	}
	return out, nil
}

// selfCPU is this process's user and system CPU.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU of the PostgreSQL server whose postmaster is pid: its own, that
// of its children alive now, and that of the children it reaped (cutime, cstime).
func serverCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	ticks := 0
	entries, _ := os.ReadDir("/proc")
	for _, d := range entries {
		p, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		f, ok := procStat(p)
		if !ok {
			continue
		}
		switch {
		case p == pid:
			ticks += f[11] + f[12] + f[13] + f[14]
		case f[1] == pid:
			ticks += f[11] + f[12]
		}
	}
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(ticks) * time.Second / clockTicks
}

// procStat reads /proc/pid/stat's numeric fields after the command: index 1 is the
// parent, 11-14 utime, stime, cutime, cstime (fields 4, 14-17 of proc(5)).
func procStat(pid int) ([]int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, false
	}
	fields := strings.Fields(s[i+1:]) // state, ppid, pgrp, ...
	if len(fields) < 15 {
		return nil, false
	}
	out := make([]int, 15)
	for j := 1; j < 15; j++ {
		out[j], _ = strconv.Atoi(fields[j])
	}
	return out, true
}
