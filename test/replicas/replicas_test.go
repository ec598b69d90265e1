// Package replicas_test proves that carpool scales out on PostgreSQL: it builds the real
// binary, runs several `carpool serve` processes against one database, and checks that
// the integrity rules hold across processes, that `carpool migrate` is safe to run
// several times at once, and that readiness follows the database.
package replicas_test

import (
	"context"
	"fmt"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/pgtest"
	"carpool/internal/postgres"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	removeBinary()
	os.Exit(code)
}

// TestMigrateProcessesAtOnce starts three `carpool migrate` together on one empty
// database: all exit 0, and every migration is applied exactly once.
func TestMigrateProcessesAtOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	env := carpoolEnv("CARPOOL_DATABASE_URL=" + url)
	carpoolBinary(t) // build before the clock starts
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const runners = 3
	outs := make([]string, runners)
	errs := make([]error, runners)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range runners {
		wg.Go(func() {
			<-start
			outs[i], errs[i] = runCarpool(ctx, t, "", env, "migrate")
		})
	}
	close(start)
	wg.Wait()
	for i := range runners {
		if errs[i] != nil {
			t.Errorf("migrate %d: %v, want exit 0\n%s", i, errs[i], outs[i])
		}
	}

	db := openSQL(t, url)
	rows, err := db.QueryContext(ctx, "SELECT version_id, count(*) FROM goose_db_version WHERE version_id > 0 GROUP BY version_id")
	if err != nil {
		t.Fatalf("read goose_db_version: %v", err)
	}
	defer rows.Close()
	applied := map[int64]bool{}
	for rows.Next() {
		var v int64
		var n int
		if err := rows.Scan(&v, &n); err != nil {
			t.Fatal(err)
		}
		applied[v] = true
		if n != 1 {
			t.Errorf("migration %d recorded %d times, want once", v, n)
		}
	}
	_, known, err := postgres.SchemaVersion(ctx, db)
	if err != nil {
		t.Fatalf("schema version: %v", err)
	}
	// Versions may have gaps (branches number their migrations ahead): the newest must be
	// among the applied ones.
	if !applied[known] {
		t.Errorf("got migrations %v applied, want %d among them", applied, known)
	}
}

// TestServeRefusesNewerSchema: on a database that a newer carpool migrated, `carpool
// serve` and `carpool migrate` exit non-zero and say why.
func TestServeRefusesNewerSchema(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	env := carpoolEnv("CARPOOL_DATABASE_URL="+url, "CARPOOL_HTTP_ADDR=127.0.0.1:0", "CARPOOL_ADMIN_ADDR=127.0.0.1:0")
	if out, err := runCarpool(ctx, t, "", env, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if _, err := openSQL(t, url).ExecContext(ctx,
		"INSERT INTO goose_db_version (version_id, is_applied) VALUES (999999, true)"); err != nil {
		t.Fatalf("pretend a newer migration: %v", err)
	}
	for _, cmd := range []string{"serve", "migrate"} {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		out, err := runCarpool(ctx, t, "", env, cmd)
		timedOut := ctx.Err() != nil
		cancel()
		if err == nil || timedOut {
			t.Errorf("carpool %s on a newer schema: got %v, want a prompt non-zero exit", cmd, err)
		}
		if !strings.Contains(out, "newer") || !strings.Contains(out, "999999") {
			t.Errorf("carpool %s: got output %q, want it to say the schema (999999) is newer", cmd, out)
		}
	}
}

// cluster is three replicas on one database, with an admin, a driver and a pool car.
type cluster struct {
	url      string
	replicas []*replica
	admin    string // token
	siteID   string
}

// TestReplicas runs three `carpool serve` processes on one PostgreSQL of the test's
// own and proves, through them, that no ride is overbooked, no car double-booked and
// no confirmation goes without its outbox event; then it stops PostgreSQL to see
// readiness follow the database.
func TestReplicas(t *testing.T) {
	srv := pgtest.Own(t) // the readiness test stops and starts it
	url := srv.NewDatabase(t)
	ctx := context.Background()
	env := carpoolEnv("CARPOOL_DATABASE_URL=" + url)
	if out, err := runCarpool(ctx, t, "", env, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, err := runCarpool(ctx, t, "admin-password-1\n", env,
		"members", "add", "--email", "admin@example.com", "--name", "Admin", "--role", "admin"); err != nil {
		t.Fatalf("members add: %v\n%s", err, out)
	}

	c := &cluster{url: url}
	for i := range 2 {
		c.replicas = append(c.replicas, startReplica(t, fmt.Sprintf("replica-%d", i), "CARPOOL_DATABASE_URL="+url))
	}
	// The third finds the database through the course's ConfigMap keys, with the
	// credentials in files as a mounted Secret provides them.
	c.replicas = append(c.replicas, startReplica(t, "replica-2", courseEnv(t, url)...))
	c.admin = c.signIn(t, 0, "admin@example.com", "admin-password-1")
	var site struct{ ID string }
	if code := call(t, "POST", c.at(1, "/api/v1/sites"), c.admin,
		map[string]any{"name": "HQ", "address": "Main Street 1", "lat": 47.37, "lon": 8.54}, &site); code != http.StatusCreated {
		t.Fatalf("create site: got %d, want 201", code)
	}
	c.siteID = site.ID

	t.Run("NoOverbookingAcrossReplicas", c.testNoOverbooking)
	t.Run("NoOverlappingReservationsAcrossReplicas", c.testNoOverlap)
	t.Run("DeactivationReleasesEverythingAcrossReplicas", c.testDeactivation)
	t.Run("ParkingAcrossReplicas", c.testParking)
	t.Run("OneChangePerIdempotencyKeyAcrossReplicas", c.testOneChangePerKey)
	t.Run("ReadinessFollowsTheDatabase", func(t *testing.T) { c.testReadiness(t, srv) })
}

// courseEnv returns the POSTGRES_* settings that name the database at url, user and
// password given as files.
func courseEnv(t *testing.T, url string) []string {
	t.Helper()
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	userFile, passFile := filepath.Join(dir, "user"), filepath.Join(dir, "password")
	if err := os.WriteFile(userFile, []byte(u.User.Username()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The harness's own server trusts loopback connections and ignores the password;
	// a server named by CARPOOL_TEST_POSTGRES_URL gets the URL's.
	password, ok := u.User.Password()
	if !ok {
		password = "not-checked"
	}
	if err := os.WriteFile(passFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{
		"POSTGRES_HOST=" + u.Hostname(), "POSTGRES_PORT=" + u.Port(), "POSTGRES_DB=" + strings.TrimPrefix(u.Path, "/"),
		"POSTGRES_USER_FILE=" + userFile, "POSTGRES_PASSWORD_FILE=" + passFile, "POSTGRES_SSLMODE=disable",
	}
}

// at returns the URL of path on replica i (modulo the number of replicas).
func (c *cluster) at(i int, path string) string {
	return c.replicas[i%len(c.replicas)].Base + path
}

func (c *cluster) signIn(t *testing.T, replica int, email, password string) string {
	t.Helper()
	var tok struct{ Token string }
	if code := call(t, "POST", c.at(replica, "/api/v1/tokens"), "",
		map[string]string{"email": email, "password": password}, &tok); code != http.StatusCreated {
		t.Fatalf("sign in %s: got %d, want 201", email, code)
	}
	return tok.Token
}

// poolCar adds a pool car with seats seats at the cluster's site.
func (c *cluster) poolCar(t *testing.T, plate string, seats int) string {
	t.Helper()
	var car struct{ ID string }
	if code := call(t, "POST", c.at(2, "/api/v1/cars"), c.admin, map[string]any{
		"kind": "pool", "plate": plate, "make": "VW", "model": "Touran", "seats": seats, "site_id": c.siteID,
	}, &car); code != http.StatusCreated {
		t.Fatalf("create car: got %d, want 201", code)
	}
	return car.ID
}

// members creates n members with tokens straight in the database: the password hash
// is deliberately slow, and signing up hundreds of members through the API would test
// argon2, not the replicas. One member is signed up through the API as a check that
// the path works.
func (c *cluster) members(t *testing.T, prefix string, n int) []string {
	t.Helper()
	ctx := context.Background()
	store, err := postgres.Open(ctx, c.url, postgres.WithMaxConns(4))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	defer store.Close()
	hash, err := carpool.HashPassword("passenger-password")
	if err != nil {
		t.Fatal(err)
	}
	now := carpool.Timestamp(time.Now())
	tokens := make([]string, n)
	for i := range n {
		m := carpool.Member{
			ID: carpool.NewID(), Email: fmt.Sprintf("%s%d@example.com", prefix, i), Name: fmt.Sprintf("%s %d", prefix, i),
			Role: carpool.RoleMember, PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
		}
		if err := store.CreateMember(ctx, m); err != nil {
			t.Fatalf("create member: %v", err)
		}
		tok, secret, err := carpool.NewToken(m.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.CreateToken(ctx, tok); err != nil {
			t.Fatalf("create token: %v", err)
		}
		tokens[i] = secret
	}
	return tokens
}

// driverWithRide signs a driver up through the API, lets them reserve a 5-seat pool
// car and offer a 4-seat ride in it, each step on another replica.
func (c *cluster) driverWithRide(t *testing.T) (rideID string) {
	t.Helper()
	email := "driver-" + carpool.NewID()[:12] + "@example.com"
	if code := call(t, "POST", c.at(0, "/api/v1/members"), "",
		map[string]string{"email": email, "name": "Driver", "password": "driver-password"}, nil); code != http.StatusCreated {
		t.Fatalf("sign up driver: got %d, want 201", code)
	}
	driver := c.signIn(t, 1, email, "driver-password")
	carID := c.poolCar(t, "ZH "+carpool.NewID()[20:26], 5)
	start := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Hour)
	var res struct{ ID string }
	if code := call(t, "POST", c.at(2, "/api/v1/cars/"+carID+"/reservations"), driver, map[string]string{
		"start": start.Format(time.RFC3339), "end": start.Add(4 * time.Hour).Format(time.RFC3339),
	}, &res); code != http.StatusCreated {
		t.Fatalf("reserve: got %d, want 201", code)
	}
	var ride struct{ ID string }
	if code := call(t, "POST", c.at(0, "/api/v1/rides"), driver, map[string]any{
		"car_id": carID, "reservation_id": res.ID,
		"from":      map[string]any{"label": "HQ", "lat": 47.37, "lon": 8.54},
		"to":        map[string]any{"label": "Plant", "lat": 47.50, "lon": 8.72},
		"depart_at": start.Add(time.Hour).Format(time.RFC3339), "seats": 4, "booking_mode": "instant",
	}, &ride); code != http.StatusCreated {
		t.Fatalf("offer ride: got %d, want 201", code)
	}
	return ride.ID
}

// testNoOverbooking: 300 passengers, spread over the replicas, book one seat each of a
// 4-seat ride at once. Exactly four get it; the others hear 409; the database holds 4
// confirmed seats and one booking.confirmed event for each confirmed booking.
func (c *cluster) testNoOverbooking(t *testing.T) {
	const passengers = 300
	rideID := c.driverWithRide(t)
	tokens := c.members(t, "passenger", passengers)

	var confirmed, conflicts atomic.Int64
	var failures sync.Map
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() {
			<-start
			code, body, err := send("POST", c.at(i, "/api/v1/rides/"+rideID+"/bookings"), tok, map[string]int{"seats": 1})
			switch {
			case err != nil:
				failures.Store(i, err.Error())
			case code == http.StatusCreated:
				confirmed.Add(1)
			case code == http.StatusConflict:
				conflicts.Add(1)
			default:
				failures.Store(i, fmt.Sprintf("%d %s", code, body))
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d bookings over %d replicas in %v: %d created, %d conflicts",
		passengers, len(c.replicas), time.Since(began).Round(time.Millisecond), confirmed.Load(), conflicts.Load())
	failures.Range(func(k, v any) bool {
		t.Errorf("passenger %v: got %v, want 201 or 409", k, v)
		return true
	})
	if confirmed.Load() != 4 || conflicts.Load() != passengers-4 {
		t.Errorf("got %d bookings created and %d refused, want 4 and %d", confirmed.Load(), conflicts.Load(), passengers-4)
	}

	db := openSQL(t, c.url)
	ctx := context.Background()
	var seats, taken, bookings int
	if err := db.QueryRowContext(ctx,
		`SELECT coalesce(sum(b.seats), 0), count(*), (SELECT seats_taken FROM rides WHERE id = $1)
		   FROM bookings b WHERE b.ride_id = $1 AND b.status = 'confirmed'`, rideID).Scan(&seats, &bookings, &taken); err != nil {
		t.Fatalf("count seats: %v", err)
	}
	if seats != 4 || taken != 4 {
		t.Errorf("database: got %d confirmed seats (%d bookings), seats_taken %d; want 4 and 4", seats, bookings, taken)
	}
	var others int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE ride_id = $1 AND status <> 'confirmed'`, rideID).Scan(&others); err != nil {
		t.Fatal(err)
	}
	if others != 0 {
		t.Errorf("database: got %d bookings that are not confirmed, want none (refused bookings are not stored)", others)
	}

	// Every confirmed booking has exactly one booking.confirmed event, and no event
	// confirms a booking that is not confirmed.
	var withoutOne, orphans int
	if err := db.QueryRowContext(ctx, `
		SELECT count(*) FROM bookings b
		 WHERE b.ride_id = $1 AND b.status = 'confirmed'
		   AND (SELECT count(*) FROM outbox_events e WHERE e.type = 'booking.confirmed' AND e.subject_id = b.id) <> 1`,
		rideID).Scan(&withoutOne); err != nil {
		t.Fatalf("outbox: %v", err)
	}
	if err := db.QueryRowContext(ctx, `
		SELECT count(*) FROM outbox_events e
		 WHERE e.type = 'booking.confirmed'
		   AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.id = e.subject_id AND b.status = 'confirmed')`).Scan(&orphans); err != nil {
		t.Fatalf("outbox: %v", err)
	}
	if withoutOne != 0 || orphans != 0 {
		t.Errorf("outbox: %d confirmed bookings without exactly one booking.confirmed event, %d events for no confirmed booking; want 0 and 0", withoutOne, orphans)
	}
}

// testNoOverlap: 60 members reserve overlapping windows of one car through different
// replicas at once; exactly one reservation is made.
func (c *cluster) testNoOverlap(t *testing.T) {
	const members = 60
	carID := c.poolCar(t, "BE "+carpool.NewID()[20:26], 5)
	tokens := c.members(t, "reserver", members)
	base := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Hour)

	var created, conflicts atomic.Int64
	var failures sync.Map
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, tok := range tokens {
		wg.Go(func() {
			<-start
			// Every window contains base+1h, so each pair overlaps; their starts differ.
			from := base.Add(time.Duration(i) * time.Minute)
			code, body, err := send("POST", c.at(i, "/api/v1/cars/"+carID+"/reservations"), tok, map[string]string{
				"start": from.Format(time.RFC3339), "end": base.Add(2 * time.Hour).Format(time.RFC3339),
			})
			switch {
			case err != nil:
				failures.Store(i, err.Error())
			case code == http.StatusCreated:
				created.Add(1)
			case code == http.StatusConflict:
				conflicts.Add(1)
			default:
				failures.Store(i, fmt.Sprintf("%d %s", code, body))
			}
		})
	}
	close(start)
	wg.Wait()
	failures.Range(func(k, v any) bool {
		t.Errorf("member %v: got %v, want 201 or 409", k, v)
		return true
	})
	if created.Load() != 1 || conflicts.Load() != members-1 {
		t.Errorf("got %d reservations created and %d refused, want 1 and %d", created.Load(), conflicts.Load(), members-1)
	}
	var active int
	if err := openSQL(t, c.url).QueryRowContext(context.Background(),
		`SELECT count(*) FROM reservations WHERE car_id = $1 AND status = 'active'`, carID).Scan(&active); err != nil {
		t.Fatal(err)
	}
	if active != 1 {
		t.Errorf("database: got %d active reservations of the car, want 1", active)
	}
}

// testReadiness stops PostgreSQL: every replica's /readyz turns 503, answering within
// 2 s, while /livez stays 200. Started again, every replica becomes ready and serves
// requests, without being restarted.
func (c *cluster) testReadiness(t *testing.T, srv *pgtest.Server) {
	if !srv.Stoppable() {
		if pgtest.Required() {
			t.Fatalf("%s is set: the readiness test needs a PostgreSQL it may stop; unset it", pgtest.EnvURL)
		}
		t.Skipf("SKIPPED: %s is set, and this test must stop and start its PostgreSQL", pgtest.EnvURL)
	}
	srv.Stop(t)
	stopped := time.Now()
	for _, r := range c.replicas {
		deadline := time.Now().Add(10 * time.Second)
		for {
			asked := time.Now()
			code, err := probe(r.Base + "/readyz")
			if err != nil {
				t.Fatalf("%s /readyz with the database down: %v (want an answer within 2 s)", r.Name, err)
			}
			if took := time.Since(asked); took > 2*time.Second {
				t.Errorf("%s /readyz took %v, want an answer within 2 s", r.Name, took)
			}
			if code == http.StatusServiceUnavailable {
				t.Logf("%s: /readyz 503 %v after the database stopped", r.Name, time.Since(stopped).Round(time.Millisecond))
				break
			}
			if code != http.StatusOK {
				t.Fatalf("%s /readyz: got %d, want 503 (or 200 from a cached result at first)", r.Name, code)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s /readyz still 200 ten seconds after the database stopped", r.Name)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if code, err := probe(r.Base + "/livez"); err != nil || code != http.StatusOK {
			t.Errorf("%s /livez with the database down: got %d, %v; want 200", r.Name, code, err)
		}
	}
	// A request that needs the database fails cleanly, it does not hang. (GET /me may
	// be answered from the token cache alone; listing sites always reads.)
	if code, _, err := send("GET", c.at(0, "/api/v1/sites"), c.admin, nil); err != nil || code < 500 {
		t.Errorf("GET /api/v1/sites with the database down: got %d, %v; want a 5xx answer", code, err)
	}

	srv.Start(t)
	restarted := time.Now()
	for _, r := range c.replicas {
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, _ := probe(r.Base + "/readyz")
			if code == http.StatusOK {
				t.Logf("%s: ready again %v after the database restarted", r.Name, time.Since(restarted).Round(time.Millisecond))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s /readyz: got %d 30 s after the database came back, want 200", r.Name, code)
			}
			time.Sleep(50 * time.Millisecond)
		}
		select {
		case <-r.Exited:
			t.Fatalf("%s exited; it must ride out a database outage", r.Name)
		default:
		}
	}
	for i := range c.replicas {
		if code := call(t, "GET", c.at(i, "/api/v1/me"), c.admin, nil, nil); code != http.StatusOK {
			t.Errorf("replica %d GET /api/v1/me after the restart: got %d, want 200", i, code)
		}
	}
}
