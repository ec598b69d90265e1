package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// runFootprint measures start to ready, idle RSS and RSS with 1,000 open keep-alive
// connections of carpool (SQLite, zero configuration) beside podinfo and the bare
// server, the binary sizes, and carpool's RSS after a sign-up.
func runFootprint(r *Result, bin string) error {
	if before != "" {
		// An older carpool (-before) measured in the same run, so a change shows side by
		// side with the anchors instead of against a figure from another day's load.
		dst := filepath.Join(bin, "carpool-before")
		if abs, _ := filepath.Abs(before); abs != dst {
			if err := copyFile(before, dst); err != nil {
				return err
			}
		}
	}
	dir, err := os.MkdirTemp("", "carpool-perf-footprint-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	type target struct {
		name, ready, live string
		env               []string
		args              []string
	}
	bareAddr, podAddr, cpAddr, cpAdmin := freeAddr(), freeAddr(), freeAddr(), freeAddr()
	_, podPort, _ := splitHostPort(podAddr)
	targets := []target{
		{"bare", "http://" + bareAddr + "/livez", bareAddr, nil, []string{"-addr", bareAddr}},
		{"podinfo", "http://" + podAddr + "/readyz", podAddr, nil, []string{"--port", podPort, "--port-metrics", "0", "--level", "warn"}},
		{"carpool", "http://" + cpAddr + "/readyz", cpAddr, []string{"CARPOOL_HTTP_ADDR=" + cpAddr, "CARPOOL_ADMIN_ADDR=" + cpAdmin,
			"CARPOOL_LOG_LEVEL=warn", "CARPOOL_SHUTDOWN_DELAY=0s", "CARPOOL_DATABASE_URL=sqlite://" + filepath.Join(dir, "c.db")}, []string{"serve"}},
	}
	if before != "" {
		beforeAddr, beforeAdmin := freeAddr(), freeAddr()
		targets = append(targets, target{"carpool-before", "http://" + beforeAddr + "/readyz", beforeAddr, []string{"CARPOOL_HTTP_ADDR=" + beforeAddr, "CARPOOL_ADMIN_ADDR=" + beforeAdmin,
			"CARPOOL_LOG_LEVEL=warn", "CARPOOL_SHUTDOWN_DELAY=0s", "CARPOOL_DATABASE_URL=sqlite://" + filepath.Join(dir, "b.db")}, []string{"serve"}})
	}
	res := map[string][3]float64{}
	split := map[string][2]float64{}
	for _, t := range targets {
		path := filepath.Join(bin, t.name)
		fi, err := os.Stat(path)
		if err != nil {
			r.note("%s missing: %v", t.name, err)
			continue
		}
		// best of three starts: the machine is shared
		var best time.Duration
		var p *proc
		for i := range pick(3, 1) {
			if p != nil {
				p.stop()
			}
			p, err = start(t.ready, t.env, dir, path, t.args...)
			if err != nil {
				return err
			}
			if i == 0 || p.ready < best {
				best = p.ready
			}
		}
		time.Sleep(pick(3*time.Second, 500*time.Millisecond)) // idle: let start-up garbage be collected and returned
		idle := rssKB(p.cmd.Process.Pid)
		// The split says what the process controls: file-backed pages are the binary's,
		// mapped by the kernel 64 KB (or a whole large folio) around each page touched.
		anon, file := statusKB(p.cmd.Process.Pid, "RssAnon:"), statusKB(p.cmd.Process.Pid, "RssFile:")
		conns, err := openConns(t.live, pick(1000, 50))
		loaded := rssKB(p.cmd.Process.Pid)
		for _, c := range conns {
			c.Close()
		}
		p.stop()
		if err != nil {
			if smoke {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			r.note("%s: %v", t.name, err)
		}
		res[t.name] = [3]float64{float64(best.Microseconds()) / 1000, idle / 1024, loaded / 1024}
		split[t.name] = [2]float64{anon / 1024, file / 1024}
		r.add(Figure{Name: t.name + " binary size", Value: float64(fi.Size()) / 1e6, Unit: "MB"})
	}
	for _, name := range []string{"carpool", "carpool-before"} {
		if _, ok := res[name]; !ok {
			continue
		}
		b, clock, err := initTrace(filepath.Join(bin, name))
		if err != nil {
			return err
		}
		r.add(Figure{Name: name + " package initialisation, allocated", Value: b / 1e6, Unit: "MB"})
		r.add(Figure{Name: name + " package initialisation, clock", Value: clock, Unit: "ms"})
	}
	for _, name := range []string{"bare", "podinfo", "carpool", "carpool-before"} {
		v, ok := res[name]
		if !ok {
			continue
		}
		f := Figure{Name: name + " start to ready", Value: v[0], Unit: "ms"}
		if name == "carpool" {
			f.Anchor, f.Of, f.Target, f.Met = "podinfo", res["podinfo"][0], "≤ 1.0", met(v[0] <= res["podinfo"][0])
		}
		if name == "carpool-before" {
			f.Anchor, f.Of = "podinfo", res["podinfo"][0]
		}
		r.add(f)
		f = Figure{Name: name + " idle RSS", Value: v[1], Unit: "MB"}
		if name == "carpool" {
			f.Target, f.Met = "≤ 25 MB", met(v[1] <= 25)
			f.Anchor, f.Of = "podinfo", res["podinfo"][1]
		}
		if name == "carpool-before" {
			f.Anchor, f.Of = "podinfo", res["podinfo"][1]
		}
		r.add(f)
		r.add(Figure{Name: name + " idle RSS, anonymous", Value: split[name][0], Unit: "MB"})
		r.add(Figure{Name: name + " idle RSS, file-backed", Value: split[name][1], Unit: "MB"})
		f = Figure{Name: name + pick(" RSS with 1,000 keep-alive connections", " RSS with 50 keep-alive connections (smoke)"), Value: v[2], Unit: "MB"}
		if bare, ok := res["bare"]; ok && (name == "carpool" || name == "carpool-before") {
			f.Anchor, f.Of = "bare", bare[2]
			if name == "carpool" {
				f.Target, f.Met = "≤ 1.5", met(v[2] <= 1.5*bare[2])
			}
		}
		r.add(f)
		if bare, ok := res["bare"]; ok && name == "carpool" {
			// what each connection costs beyond the idle process, against net/http's own
			r.add(Figure{Name: "carpool RSS added by the connections", Value: v[2] - v[1], Unit: "MB",
				Anchor: "bare's", Of: bare[2] - bare[1]})
		}
	}
	var signed []string
	idle := map[string]float64{}
	for _, name := range []string{"carpool", "carpool-before"} {
		if v, ok := res[name]; ok {
			signed = append(signed, name)
			idle[name] = v[1]
		}
	}
	if err := signUpRSS(r, bin, dir, signed, idle); err != nil {
		return err
	}
	r.note("start to ready: exec until the readiness endpoint answers 200, best of 3; RSS from /proc/PID/status 3 s after ready; connections each made one GET of the health endpoint and stay open; a sign-up (POST /api/v1/members, one argon2id hash) in a fresh process 3 s after ready, RSS right after the answer and after 30 s without requests")
	return nil
}

// openConns opens n keep-alive connections to addr, each having made one request.
func openConns(addr string, n int) ([]net.Conn, error) {
	var conns []net.Conn
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	buf := make([]byte, 4096)
	for range n {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return conns, fmt.Errorf("connection %d: %w", len(conns), err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		c.Read(buf)
	}
	return conns, nil
}

// initTrace runs a binary with GODEBUG=inittrace=1 and sums what its package inits
// allocated (bytes, which is deterministic) and the clock they took (ms, which is not).
func initTrace(path string) (bytes, clock float64, err error) {
	cmd := exec.Command(path, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("%s version: %w\n%s", path, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		m := initLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		c, _ := strconv.ParseFloat(m[1], 64)
		b, _ := strconv.ParseFloat(m[2], 64)
		clock += c
		bytes += b
	}
	if bytes == 0 {
		return 0, 0, fmt.Errorf("%s: no init trace in its output", path)
	}
	return bytes, clock, nil
}

var initLine = regexp.MustCompile(`^init \S+ @[0-9.]+ ms, ([0-9.]+) ms clock, ([0-9]+) bytes`)

// copyFile copies the older build beside the current one the way cp does (the kernel
// copies the range): a single write of the whole binary, as os.WriteFile makes, leaves
// it in the page cache in large folios, which the kernel then maps whole on a fault,
// and the copy idled about 10 MB higher than the same binary built or read from disk.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
