package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"carpool/bench/internal/benchdb"
	"carpool/internal/postgres"
)

// The minimal transaction that enforces the booking rules: lock the ride, count its
// confirmed seats, insert the booking and its event, keep the running total; and the
// cancellation that undoes it. The database's own limit for this work.
const pgbenchMinimal = `\set r (:client_id + 32 * random(0, 1)) % 48
SELECT r.id AS ride, r.driver_id AS drv, p.id AS pid FROM bench_rides r, bench_passengers p WHERE r.n = :r AND p.n = :client_id \gset
BEGIN;
SELECT seats FROM rides WHERE id = ':ride' FOR NO KEY UPDATE;
SELECT coalesce(sum(seats), 0) FROM bookings WHERE ride_id = ':ride' AND status = 'confirmed';
INSERT INTO bookings (id, ride_id, driver_id, passenger_id, seats, status, created_at, updated_at) VALUES (md5(random()::text), ':ride', ':drv', ':pid', 1, 'confirmed', now(), now()) RETURNING id AS bid \gset
UPDATE rides SET seats_taken = seats_taken + 1 WHERE id = ':ride';
INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at) VALUES (md5(random()::text), 'booking.confirmed', ':bid', ':pid', '{}', now());
COMMIT;
BEGIN;
SELECT seats FROM rides WHERE id = ':ride' FOR NO KEY UPDATE;
UPDATE bookings SET status = 'cancelled', cancelled_by = ':pid', updated_at = now() WHERE id = ':bid';
UPDATE rides SET seats_taken = seats_taken - 1 WHERE id = ':ride';
INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at) VALUES (md5(random()::text), 'booking.cancelled', ':bid', ':drv', '{}', now());
COMMIT;
`

// What carpool sends for one book+cancel cycle, statement by statement as written in
// internal/sqlstore (token lookups, the idempotent POST's read of its key, the booking's
// transaction ending with the key and its answer, the seat decisions reading the ride's
// active bookings, full-row writes).
const pgbenchCarpool = `\set r (:client_id + 32 * random(0, 1)) % 48
SELECT r.id AS ride, r.driver_id AS drv, p.id AS pid, p.token_hash AS th FROM bench_rides r, bench_passengers p WHERE r.n = :r AND p.n = :client_id \gset
SELECT m.id, m.email, m.name, m.phone, m.role, m.password_hash, m.created_at, m.updated_at, t.id, t.member_id, t.hash, t.created_at, t.expires_at FROM tokens t JOIN members m ON m.id = t.member_id WHERE t.hash = ':th' AND t.expires_at > now();
SELECT md5(random()::text) AS k \gset
SELECT scope, idem_key, request_hash, status, location, body, created_at FROM idempotency_keys WHERE scope = ':pid' AND idem_key = ':k';
BEGIN;
SELECT id, driver_id, car_id, seats, seats_taken, status, version FROM rides WHERE id = ':ride' FOR NO KEY UPDATE;
SELECT id, ride_id, driver_id, passenger_id, seats, status, cancelled_by, created_at, updated_at FROM bookings WHERE ride_id = ':ride' AND status IN ('pending', 'confirmed', 'waitlisted') ORDER BY created_at, id;
UPDATE rides SET seats_taken = seats_taken + 1, version = version + 1, updated_at = now() WHERE id = ':ride';
INSERT INTO bookings (id, ride_id, driver_id, passenger_id, seats, status, cancelled_by, created_at, updated_at) VALUES (md5(random()::text), ':ride', ':drv', ':pid', 1, 'confirmed', NULL, now(), now()) RETURNING id AS bid \gset
INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, location, body, created_at) VALUES (':pid', ':k', 'h', 201, '/x', 'b', now()) ON CONFLICT (scope, idem_key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status, location = excluded.location, body = excluded.body, created_at = excluded.created_at WHERE idempotency_keys.created_at < now() - interval '1 day';
INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at) VALUES (md5(random()::text), 'booking.confirmed', ':bid', ':pid', '{"seats":1}', now());
COMMIT;
SELECT m.id, m.email, m.name, m.phone, m.role, m.password_hash, m.created_at, m.updated_at, t.id, t.member_id, t.hash, t.created_at, t.expires_at FROM tokens t JOIN members m ON m.id = t.member_id WHERE t.hash = ':th' AND t.expires_at > now();
BEGIN;
SELECT ride_id FROM bookings WHERE id = ':bid';
SELECT id, driver_id, car_id, seats, seats_taken, status, version FROM rides WHERE id = ':ride' FOR NO KEY UPDATE;
SELECT id, ride_id, driver_id, passenger_id, seats, status, cancelled_by, created_at, updated_at FROM bookings WHERE ride_id = ':ride' AND status IN ('pending', 'confirmed', 'waitlisted') ORDER BY created_at, id;
UPDATE rides SET seats_taken = seats_taken - 1, version = version + 1, updated_at = now() WHERE id = ':ride';
UPDATE bookings SET status = 'cancelled', cancelled_by = ':pid', updated_at = now() WHERE id = ':bid';
INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at) VALUES (md5(random()::text), 'booking.cancelled', ':bid', ':drv', '{"seats":1}', now());
COMMIT;
`

// runBookings measures book+cancel cycles/s through carpool on PostgreSQL next to
// pgbench on the same database, with fsync off and on, 1 and 3 replicas, and a ride
// history of 0 and 1,000 past bookings per ride.
func runBookings(r *Result, bin string, dur time.Duration) error {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return fmt.Errorf("pgbench not found: %w", err)
	}
	pg, err := newPG()
	if err != nil {
		return err
	}
	defer pg.close()
	scripts, err := os.MkdirTemp("", "carpool-perf-pgbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scripts)
	os.WriteFile(filepath.Join(scripts, "minimal.sql"), []byte(pgbenchMinimal), 0o644)
	os.WriteFile(filepath.Join(scripts, "carpool.sql"), []byte(pgbenchCarpool), 0o644)
	ctx := context.Background()

	for _, fsync := range []bool{false, true} {
		label := map[bool]string{true: "fsync on", false: "fsync off"}[fsync]
		if err := pg.start(fsync); err != nil {
			return err
		}
		if fsync {
			// a fresh database per setting: the history run below left rows behind
			pg.exec(ctx, "SELECT 1")
			admin := strings.Replace(pg.url(), "/carpool?", "/postgres?", 1)
			if err := execURL(ctx, admin, "DROP DATABASE carpool WITH (FORCE)"); err != nil {
				return err
			}
			if err := execURL(ctx, admin, "CREATE DATABASE carpool"); err != nil {
				return err
			}
		}
		db, err := postgres.Open(ctx, pg.url())
		if err != nil {
			return err
		}
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
		fx, err := seed(ctx, db, 32, 48)
		if err != nil {
			return err
		}
		// Rides with a history, booked by the same passengers: 1,000 cancelled bookings
		// each, so fresh and old rides can be measured in turn on one database.
		old, err := seed(ctx, db, 0, 48)
		if err != nil {
			return err
		}
		old.Passengers = fx.Passengers
		if _, err := db.DB().ExecContext(ctx, `INSERT INTO bookings (id, ride_id, driver_id, passenger_id, seats, status, cancelled_by, created_at, updated_at)
			SELECT md5(r.id || g::text), r.id, r.driver_id, p.id, 1, 'cancelled', p.id, now() - interval '1 hour', now() - interval '1 hour'
			FROM rides r CROSS JOIN generate_series(1, $2::int) g
			CROSS JOIN LATERAL (SELECT m.id FROM members m WHERE m.id <> r.driver_id ORDER BY m.id OFFSET (g % 32) LIMIT 1) p
			WHERE r.id = ANY($1)`, pgArray(old.Rides), pick(1000, 10)); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		db.DB().ExecContext(ctx, "ANALYZE")
		// pgbench finds the fixture by number
		var stmts []string
		stmts = append(stmts, "CREATE TABLE bench_rides (n int PRIMARY KEY, id text, driver_id text)", "CREATE TABLE bench_passengers (n int PRIMARY KEY, id text, token_hash text)")
		for i, id := range fx.Rides {
			stmts = append(stmts, fmt.Sprintf("INSERT INTO bench_rides SELECT %d, id, driver_id FROM rides WHERE id = '%s'", i, id))
		}
		for i, tok := range fx.Passengers {
			stmts = append(stmts, fmt.Sprintf("INSERT INTO bench_passengers SELECT %d, member_id, hash FROM tokens WHERE hash = '%s'", i, hashOf(tok)))
		}
		for _, q := range stmts {
			if _, err := db.DB().ExecContext(ctx, q); err != nil {
				db.Close()
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		db.Close()

		var admins []string
		start1 := func(n int) ([]*proc, []string, error) {
			admins = nil
			var ps []*proc
			var bases []string
			for range n {
				addr, admin := freeAddr(), freeAddr()
				p, err := start("http://"+addr+"/readyz", []string{"CARPOOL_DATABASE_URL=" + pg.url(), "CARPOOL_HTTP_ADDR=" + addr,
					"CARPOOL_ADMIN_ADDR=" + admin, "CARPOOL_SHUTDOWN_DELAY=0s", "CARPOOL_LOG_LEVEL=warn", "CARPOOL_DB_MAX_CONNS=16"},
					os.TempDir(), filepath.Join(bin, "carpool"), "serve")
				if err != nil {
					return ps, nil, err
				}
				ps = append(ps, p)
				bases = append(bases, "http://"+addr)
				admins = append(admins, "http://"+admin)
			}
			return ps, bases, nil
		}
		stopAll := func(ps []*proc) {
			for _, p := range ps {
				p.stop()
			}
		}
		// Four replicas: one measured alone, three measured together; the idle ones
		// cost next to nothing. Every measurement takes turns in short rounds, so a
		// burst of load on the shared machine hits each alike.
		ps, bases, err := start1(4)
		defer stopAll(ps)
		if err != nil {
			return err
		}
		rounds := pick(4, 1)
		// Rounds of 2 s had pgbench finish no transaction at all, twice at load 17-27 and
		// once at load 1.8 (the minimal script too), while 10 s rounds of the same run
		// went through: a round must outlast the start of 32 connections and the
		// replicas' first housekeeping.
		per := max(dur/time.Duration(rounds), pick(5*time.Second, time.Second))
		var minimal, carpoolSQL float64
		var one, three, fresh, aged loopResult
		var oneCost, threeCost cpuCost
		var loopErr error
		add := func(sum *loopResult, x loopResult) {
			if err := x.check(); err != nil && loopErr == nil {
				loopErr = fmt.Errorf("%s: %w", label, err)
			}
			sum.perSec += x.perSec / float64(rounds)
			sum.requests += x.requests
			sum.failed += x.failed
		}
		for round := range rounds {
			m, err := pgbench(pg, filepath.Join(scripts, "minimal.sql"), per)
			if err != nil {
				return err
			}
			minimal += m / float64(rounds)
			// CPU profiles of the single replica and of one of the three while they book,
			// for docs/performance.md.
			profile := func(admin, name string) {
				if round == 0 && profileDir != "" {
					go fetchProfile(admin, per, filepath.Join(profileDir, "bookings-"+name+"-"+strings.ReplaceAll(label, " ", "-")+".pprof"))
				}
			}
			profile(admins[0], "1-replica")
			add(&one, costOf(&oneCost, ps[:1], per, func() loopResult { return bookLoop(bases[0], fx, per) }))
			profile(admins[1], "1-of-3-replicas")
			add(&three, costOf(&threeCost, ps[1:], per, func() loopResult { return bookLoop(bases[1], fx, per, bases[2:]...) }))
			c, err := pgbench(pg, filepath.Join(scripts, "carpool.sql"), per)
			if err != nil {
				return err
			}
			carpoolSQL += c / float64(rounds)
			if !fsync {
				add(&fresh, bookLoop(bases[0], fx, per))
				add(&aged, bookLoop(bases[0], old, per))
			}
		}

		if loopErr != nil {
			return loopErr
		}
		r.add(Figure{Name: "pgbench minimal rule-enforcing book+cancel, " + label, Value: minimal, Unit: "cycles/s"})
		r.add(Figure{Name: "pgbench carpool's SQL book+cancel, " + label, Value: carpoolSQL, Unit: "cycles/s", Anchor: "pgbench minimal", Of: minimal})
		r.add(Figure{Name: "carpool 1 replica book+cancel, " + label, Value: one.perSec, Unit: "cycles/s", Anchor: "pgbench minimal", Of: minimal, Target: "≥ 0.8", Met: met(one.perSec >= 0.8*minimal)})
		r.add(Figure{Name: "carpool 3 replicas book+cancel, " + label, Value: three.perSec, Unit: "cycles/s", Anchor: "carpool 1 replica", Of: one.perSec, Target: "≥ 1.0", Met: met(three.perSec >= one.perSec)})
		r.add(Figure{Name: "machine CPU per cycle, 1 replica, " + label, Value: oneCost.machinePerCycle(), Unit: "ms"})
		r.add(Figure{Name: "machine CPU per cycle, 3 replicas, " + label, Value: threeCost.machinePerCycle(), Unit: "ms", Anchor: "1 replica", Of: oneCost.machinePerCycle()})
		r.add(Figure{Name: "carpool CPU per cycle, 1 replica, " + label, Value: oneCost.carpoolPerCycle(), Unit: "ms"})
		r.add(Figure{Name: "carpool CPU per cycle, 3 replicas, " + label, Value: threeCost.carpoolPerCycle(), Unit: "ms", Anchor: "1 replica", Of: oneCost.carpoolPerCycle()})
		r.note("%s: 1 replica %d of %d requests failed; 3 replicas %d of %d; the machine was busy %.0f%% of its %d cores' time with 1 replica, %.0f%% with 3",
			label, one.failed, one.requests, three.failed, three.requests, oneCost.busyPercent(), runtime.NumCPU(), threeCost.busyPercent())
		if !fsync {
			r.add(Figure{Name: "carpool book+cancel, rides without history, " + label, Value: fresh.perSec, Unit: "cycles/s"})
			r.add(Figure{Name: "carpool book+cancel, rides with 1,000 past bookings, " + label, Value: aged.perSec, Unit: "cycles/s", Anchor: "rides without history", Of: fresh.perSec, Target: "≥ 0.9", Met: met(aged.perSec >= 0.9*fresh.perSec)})
		}
		stopAll(ps)
		pg.stop()
	}
	r.note("32 passengers, 48 rides of 7 seats, each passenger on 2 rides; pgbench -M simple -c 32 -j 2 with the scripts in bench/perf/bookings.go; PostgreSQL 15 on the same machine; each figure is the mean of 4 rounds of DURATION/4 (at least 5 s) taking turns with the others; the rides without history gather some (one cancelled booking per cycle) as the rounds go on")
	return nil
}

var tpsRe = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbench runs a book+cancel script for dur; one script run is one cycle.
func pgbench(pg *pgServer, script string, dur time.Duration) (float64, error) {
	// A smoke run counts script runs instead of seconds: on a loaded machine 32
	// connections can take longer to open than a short run lasts.
	length := []string{"-T", strconv.Itoa(int(dur.Seconds()))}
	if smoke {
		length = []string{"-t", "2"}
	}
	cmd := exec.Command("pgbench", append(append([]string{"-n", "-M", "simple", "-c", "32", "-j", "2"}, length...),
		"-f", script, "-h", "127.0.0.1", "-p", strconv.Itoa(pg.port), "-U", "postgres", "carpool")...)
	out, err := cmd.CombinedOutput()
	m := tpsRe.FindSubmatch(out)
	if err != nil || m == nil {
		return 0, fmt.Errorf("pgbench %s: %v\n%s", filepath.Base(script), err, out)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v, nil
}

// profileDir, when set (-profile), receives CPU profiles taken during the runs.
var profileDir string

// fetchProfile saves a CPU profile of the process whose admin listener is at admin.
func fetchProfile(admin string, d time.Duration, path string) {
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", admin, max(int(d.Seconds()), 1)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	defer resp.Body.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	defer f.Close()
	io.Copy(f, resp.Body)
	fmt.Fprintln(os.Stderr, "  profile:", path)
}

// pgArray is a text[] literal for PostgreSQL.
func pgArray(ids []string) string {
	return "{" + strings.Join(ids, ",") + "}"
}

// cpuCost adds up what booking loops cost in CPU: the whole machine's (carpool,
// PostgreSQL, the load generator, anything else running) and carpool's replicas' own.
// With 3 replicas on 2 cores the figure that tells contention from a saturated machine
// is the CPU each cycle costs, not the cycles per second.
type cpuCost struct {
	machine, carpool, cycles, wall float64
}

// costOf runs loop, which books for dur, and adds its CPU, cycles and duration to c.
func costOf(c *cpuCost, replicas []*proc, dur time.Duration, loop func() loopResult) loopResult {
	replicaCPU := func() float64 {
		var sum float64
		for _, p := range replicas {
			sum += cpuSeconds(p.cmd.Process.Pid)
		}
		return sum
	}
	m0, c0, t0 := machineCPU(), replicaCPU(), time.Now()
	res := loop()
	c.machine += machineCPU() - m0
	c.carpool += replicaCPU() - c0
	c.wall += time.Since(t0).Seconds()
	c.cycles += res.perSec * dur.Seconds()
	return res
}

func (c cpuCost) machinePerCycle() float64 { return benchdb.Round(1000 * c.machine / max(c.cycles, 1)) }
func (c cpuCost) carpoolPerCycle() float64 { return benchdb.Round(1000 * c.carpool / max(c.cycles, 1)) }
func (c cpuCost) busyPercent() float64 {
	return 100 * c.machine / max(c.wall*float64(runtime.NumCPU()), 1e-9)
}
