package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"time"
)

// searchMixHTTP measures the commuter's search through the real server over the 10k
// mix in dbPath (SQLite), beside /livez, by server CPU per request as runHTTP does:
// the two take turns in short wrk rounds and capacity is the inverse of the CPU the
// server spent per answered request.
func searchMixHTTP(r *Result, bin string, dur time.Duration, dbPath, token, size string, mq mixQuery) error {
	addr, admin := freeAddr(), freeAddr()
	cp, err := start("http://"+addr+"/readyz", []string{"CARPOOL_DATABASE_URL=sqlite://" + dbPath,
		"CARPOOL_HTTP_ADDR=" + addr, "CARPOOL_ADMIN_ADDR=" + admin, "CARPOOL_SHUTDOWN_DELAY=0s",
		"CARPOOL_LOG_LEVEL=warn"}, filepath.Dir(dbPath), filepath.Join(bin, "carpool"), "serve")
	if err != nil {
		return err
	}
	defer cp.stop()
	q := mq.query()
	search := fmt.Sprintf("http://%s/api/v1/rides?from=%.5f,%.5f&to=%.5f,%.5f&radius_km=5&depart_after=%s&depart_before=%s&seats=1&limit=20",
		addr, q.From.Lat, q.From.Lon, q.To.Lat, q.To.Lon, q.DepartAfter.Format(time.RFC3339), q.DepartBefore.Format(time.RFC3339))
	auth := "Authorization: Bearer " + token
	results, err := countResults(search, token)
	if err != nil {
		return err
	}
	pid := cp.cmd.Process.Pid
	type target struct {
		name, url string
		headers   []string
	}
	targets := []target{{"livez", "http://" + addr + "/livez", nil}, {"search", search, []string{auth}}}
	rounds := pick(5, 1)
	per := max(dur/time.Duration(rounds), pick(2*time.Second, time.Second))
	cpu, reqs := map[string]float64{}, map[string]float64{}
	var meanMS []float64
	for range rounds {
		for _, t := range targets {
			before := cpuSeconds(pid)
			res, err := wrk(t.url, per, t.headers...)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			cpu[t.name] += cpuSeconds(pid) - before
			reqs[t.name] += res.requests
			if t.name == "search" {
				meanMS = append(meanMS, res.meanMS)
			}
		}
	}
	if profileDir != "" {
		done := make(chan struct{})
		go func() {
			fetchProfile("http://"+admin, dur, filepath.Join(profileDir, "searchmix-http.pprof"))
			close(done)
		}()
		if _, err := wrk(search, dur+time.Second, auth); err != nil {
			return err
		}
		<-done
	}
	perReq := func(name string) float64 { return 1e6 * cpu[name] / reqs[name] }
	livez, found := perReq("livez"), perReq("search")
	r.add(Figure{Name: "server CPU per request: carpool search mix, " + size + " open rides (HTTP)", Value: found, Unit: "µs"})
	f := Figure{Name: "capacity: carpool search mix, " + size + " open rides (HTTP)", Value: 1e6 / found, Unit: "req/CPU-s", Anchor: "carpool /livez", Of: 1e6 / livez}
	if smoke {
		f.Name += " (smoke)"
	} else {
		f.Target, f.Met = "≥ 0.2", met(livez >= 0.2*found)
	}
	r.add(f)
	slices.Sort(meanMS)
	r.add(Figure{Name: "carpool search mix, " + size + " open rides (HTTP), mean latency", Value: meanMS[len(meanMS)/2], Unit: "ms"})
	r.note("HTTP: wrk -t1 -c32 against carpool on SQLite, %d rounds of %s taking turns with /livez; one commuter's search answering %d rides (the first of the in-process ones); capacity is requests per CPU-second of the server process", rounds, per, results)
	return nil
}

// countResults runs the search once and counts its answer's rides.
func countResults(url, token string) (int, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("search: %d %s", resp.StatusCode, body)
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	return len(page.Items), nil
}
