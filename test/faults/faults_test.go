package faults_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/pgtest"
	"carpool/test/cluster"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	cluster.RemoveBinary()
	os.Exit(code)
}

// statementTimeout is the replicas' CARPOOL_DB_STATEMENT_TIMEOUT; the freeze lasts longer.
const statementTimeout = 2 * time.Second

// rig is three replicas on a PostgreSQL of the test's own, seeded, with readiness watched.
type rig struct {
	srv      *pgtest.Server
	url      string
	replicas []*cluster.Replica
	fx       fixture
	// notReady counts, per replica, readiness polls that did not answer 200.
	notReady []atomic.Int64
}

func newRig(t *testing.T) *rig {
	t.Helper()
	if testing.Short() {
		t.Skip("fault tests start PostgreSQL and three replicas; skipped with -short")
	}
	// Durable: the immediate shutdown must not lose commits the clients were told of.
	srv := pgtest.NewDurable(t)
	r := &rig{srv: srv, url: srv.NewDatabase(t)}
	env := []string{"CARPOOL_DATABASE_URL=" + r.url, "CARPOOL_DB_STATEMENT_TIMEOUT=" + statementTimeout.String(),
		"CARPOOL_DB_MAX_CONNS=8"}
	for i := range 3 {
		r.replicas = append(r.replicas, cluster.Start(t, "replica"+strconv.Itoa(i), env...))
	}
	r.fx = seed(t, r.url, 12, 6, 3)
	r.notReady = make([]atomic.Int64, len(r.replicas))
	return r
}

func (r *rig) bases() []string {
	var out []string
	for _, rep := range r.replicas {
		out = append(out, rep.Base)
	}
	return out
}

// watchReadiness polls every replica's /readyz until ctx ends.
func (r *rig) watchReadiness(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i, rep := range r.replicas {
		wg.Go(func() {
			for ctx.Err() == nil {
				if code, _ := cluster.Probe(rep.Base + "/readyz"); code != http.StatusOK {
					r.notReady[i].Add(1)
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
	return &wg
}

// waitNotReady waits until some replica has reported not ready (the probes cache a
// ping for a second, so a shorter outage may pass unseen); it fails the test after d.
func (r *rig) waitNotReady(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		for i := range r.notReady {
			if r.notReady[i].Load() > 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no replica reported not ready within %s of the fault", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitAllReady fails the test unless every replica answers /readyz 200 within d.
func (r *rig) waitAllReady(t *testing.T, d time.Duration) {
	t.Helper()
	for _, rep := range r.replicas {
		rep.WaitReady(t, d)
	}
}

// exercise runs the load, calls fault after a second of steady traffic, keeps the load
// going for two seconds after the fault has healed (fault returns then), and checks the
// outcome.
func (r *rig) exercise(t *testing.T, name string, fault func()) {
	t.Helper()
	l := newLoad(r.fx, r.bases())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watch := r.watchReadiness(ctx)
	done := make(chan struct{})
	go func() { l.run(ctx); close(done) }()

	time.Sleep(time.Second) // steady traffic before the fault; a duration, not a wait for a condition
	before := l.attempts.Load()
	fault()
	r.waitAllReady(t, time.Minute)
	time.Sleep(2 * time.Second) // traffic after recovery
	cancel()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		t.Fatal("load did not finish within 3 minutes of the end")
	}
	watch.Wait()

	for _, e := range l.errs {
		t.Error(e)
	}
	var down int64
	for i := range r.notReady {
		down += r.notReady[i].Load()
	}
	if down == 0 {
		t.Error("readiness never went down during the fault, want at least one replica to report it")
	}
	attempts, failed := l.attempts.Load(), l.failed.Load()
	if attempts-before < 10 {
		t.Errorf("got %d requests after the fault began, want steady load", attempts-before)
	}
	r.checkBookings(t, l)
	frac := float64(failed) / float64(max(attempts, 1))
	t.Logf("%s: %d requests, %d without a definite answer (%.2f%%), %d readiness polls not ready", name, attempts, failed, 100*frac, down)
	report(t, name, attempts, failed)
}

// checkBookings compares the database with what the clients were told: every booking a
// client holds is confirmed, no passenger has a confirmed booking the client does not
// hold, no ride has more confirmed seats than it offers and seats_taken agrees.
func (r *rig) checkBookings(t *testing.T, l *load) {
	t.Helper()
	db := cluster.OpenSQL(t, r.url)
	held := map[string]bool{}
	for _, m := range l.held {
		for _, id := range m {
			held[id] = true
		}
	}
	rows, err := db.Query(`SELECT id, status FROM bookings`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	confirmed := 0
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			t.Fatal(err)
		}
		switch {
		case status == "confirmed" && !held[id]:
			t.Errorf("booking %s is confirmed but no client holds it (duplicated or an answer lost)", id)
		case status != "confirmed" && held[id]:
			t.Errorf("booking %s is %s but its client was told it is confirmed (lost)", id, status)
		}
		if status == "confirmed" {
			confirmed++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if confirmed != len(held) {
		t.Errorf("got %d confirmed bookings, clients hold %d", confirmed, len(held))
	}
	var over int
	if err := db.QueryRow(`SELECT count(*) FROM rides r WHERE r.seats_taken > r.seats
		OR r.seats_taken <> (SELECT coalesce(sum(b.seats), 0) FROM bookings b WHERE b.ride_id = r.id AND b.status = 'confirmed')`).Scan(&over); err != nil {
		t.Fatal(err)
	}
	if over != 0 {
		t.Errorf("%d rides overbooked or with seats_taken out of step, want 0", over)
	}
}

// report appends the figure to the file CARPOOL_FAULTS_REPORT names, if any.
func report(t *testing.T, name string, attempts, failed int64) {
	path := os.Getenv("CARPOOL_FAULTS_REPORT")
	if path == "" {
		return
	}
	type figure struct {
		Name  string  `json:"name"`
		Value float64 `json:"value"`
		Unit  string  `json:"unit"`
	}
	var doc struct {
		Part    string   `json:"part"`
		At      string   `json:"at"`
		Figures []figure `json:"figures"`
		Notes   []string `json:"notes"`
	}
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &doc)
	}
	doc.Part, doc.At = "faults", time.Now().UTC().Format(time.RFC3339)
	doc.Figures = append(doc.Figures, figure{Name: name + ": requests without a definite answer", Value: 100 * float64(failed) / float64(max(attempts, 1)), Unit: "%"},
		figure{Name: name + ": requests", Value: float64(attempts), Unit: "requests"})
	b, _ := json.MarshalIndent(doc, "", "  ")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Errorf("write %s: %v", path, err)
	}
}

func TestKillReplica(t *testing.T) {
	r := newRig(t)
	r.exercise(t, "kill -9 one replica", func() {
		r.replicas[1].Kill(t)
		r.waitNotReady(t, 10*time.Second)
		time.Sleep(time.Second) // clients keep sending to it meanwhile
		r.replicas[1].Restart(t)
	})
}

func TestPostgresFastRestart(t *testing.T) {
	r := newRig(t)
	r.exercise(t, "PostgreSQL fast restart", func() {
		r.srv.Stop(t)
		r.waitNotReady(t, 10*time.Second)
		r.srv.Start(t)
	})
}

func TestPostgresImmediateRestart(t *testing.T) {
	r := newRig(t)
	r.exercise(t, "PostgreSQL immediate restart", func() {
		r.srv.StopImmediate(t)
		r.waitNotReady(t, 10*time.Second)
		r.srv.Start(t)
	})
}

func TestPostgresFrozen(t *testing.T) {
	r := newRig(t)
	r.exercise(t, "PostgreSQL frozen (SIGSTOP) 2× the statement timeout", func() {
		r.srv.Pause(t)
		defer r.srv.Resume(t)
		time.Sleep(2 * statementTimeout)
	})
}
