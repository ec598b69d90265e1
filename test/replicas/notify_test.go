package replicas_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/mail/mailtest"
	"carpool/internal/pgtest"
)

// EnvNotifySoak runs TestNotificationsAcrossReplicas with this many bookings plus
// cancellations (scripts/checks/80-notify.sh sets 1000). Unset, the test is skipped: it
// takes minutes on a small machine and `go test ./...` must stay quick.
const EnvNotifySoak = "CARPOOL_NOTIFY_SOAK"

// soakCluster is the replicas of one test, any of which may be gone.
type soakCluster struct {
	mu   sync.Mutex
	live []*replica
	next int
}

func (c *soakCluster) pick() *replica {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next++
	return c.live[c.next%len(c.live)]
}

func (c *soakCluster) kill(r *replica) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = r.Cmd.Process.Kill() // SIGKILL: no drain, no release of claims
	var live []*replica
	for _, x := range c.live {
		if x != r {
			live = append(live, x)
		}
	}
	c.live = live
}

// do sends a request to some live replica; a replica that does not answer (killed) is
// skipped and the request sent to another, with the same Idempotency-Key.
func (c *soakCluster) do(method, path, token, idemKey string, body any) (int, []byte, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	var lastErr error
	for range 6 {
		r := c.pick()
		req, err := http.NewRequest(method, r.Base+path, bytes.NewReader(raw))
		if err != nil {
			return 0, nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if idemKey != "" {
			req.Header.Set("Idempotency-Key", idemKey)
		}
		resp, err := apiClient.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		out, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, out, err
	}
	return 0, nil, fmt.Errorf("%s %s: no replica answered: %w", method, path, lastErr)
}

type soakMember struct {
	id, token string
}

// TestNotificationsAcrossReplicas runs three replicas on one PostgreSQL with a real SMTP
// server, books and cancels from many clients while one replica is SIGKILLed halfway,
// and checks that every expected notification is in the inbox exactly once and at the
// SMTP server under its own Message-ID.
func TestNotificationsAcrossReplicas(t *testing.T) {
	ops, _ := strconv.Atoi(os.Getenv(EnvNotifySoak))
	if ops <= 0 {
		t.Skipf("set %s=1000 to run (scripts/checks/80-notify.sh does)", EnvNotifySoak)
	}
	pit := mailtest.Start(t)
	url := pgtest.NewDatabase(t)
	carpoolBinary(t)
	// The shortest lease: what the killed replica held goes out again after it, and
	// the test waits for that, idle, with the default minute.
	env := []string{"CARPOOL_DATABASE_URL=" + url, "CARPOOL_SMTP_URL=" + pit.SMTPURL(),
		"CARPOOL_MAIL_FROM=Carpool <carpool@example.com>", "CARPOOL_PUBLIC_URL=https://carpool.example.com",
		"CARPOOL_NOTIFY_LEASE=20s"}
	c := &soakCluster{}
	for i := range 3 {
		c.live = append(c.live, startReplica(t, fmt.Sprintf("replica-%d", i), env...))
	}
	victim := c.live[0]

	newMember := func(name string) soakMember {
		t.Helper()
		email := strings.ToLower(name) + "@example.com"
		var m struct{ ID string }
		code, raw, err := c.do("POST", "/api/v1/members", "", "", map[string]any{"email": email, "name": name, "password": "a long test password"})
		if err != nil || code != 201 || json.Unmarshal(raw, &m) != nil {
			t.Fatalf("sign up %s: %d %s %v", name, code, raw, err)
		}
		var tok struct{ Token string }
		code, raw, err = c.do("POST", "/api/v1/tokens", "", "", map[string]any{"email": email, "password": "a long test password"})
		if err != nil || code != 201 || json.Unmarshal(raw, &tok) != nil {
			t.Fatalf("token %s: %d %s %v", name, code, raw, err)
		}
		every := []string{"booking.requested", "booking.confirmed", "booking.rejected", "booking.cancelled", "ride.updated", "reservation.cancelled", "ride.reminder"}
		if code, raw, err := c.do("PUT", "/api/v1/notifications/preferences", tok.Token, "", map[string]any{"email": every}); err != nil || code != 200 {
			t.Fatalf("preferences %s: %d %s %v", name, code, raw, err)
		}
		return soakMember{id: m.ID, token: tok.Token}
	}
	var rides []string
	for i := range 4 {
		d := newMember(fmt.Sprintf("Driver%d", i))
		var car, ride struct{ ID string }
		_, raw, _ := c.do("POST", "/api/v1/cars", d.token, "", map[string]any{"kind": "private", "plate": fmt.Sprintf("SOAK %d", i),
			"make": "VW", "model": "Touran", "seats": 8})
		if json.Unmarshal(raw, &car) != nil || car.ID == "" {
			t.Fatalf("car: %s", raw)
		}
		_, raw, _ = c.do("POST", "/api/v1/rides", d.token, "", map[string]any{"car_id": car.ID,
			"from": map[string]any{"label": "HQ", "lat": 48.1, "lon": 11.5}, "to": map[string]any{"label": "Plant", "lat": 48.3, "lon": 11.7},
			"depart_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "seats": 7, "booking_mode": "instant"})
		if json.Unmarshal(raw, &ride) != nil || ride.ID == "" {
			t.Fatalf("ride: %s", raw)
		}
		rides = append(rides, ride.ID)
	}
	var passengers []soakMember
	for i := range 12 {
		passengers = append(passengers, newMember(fmt.Sprintf("Passenger%d", i)))
	}

	// Each passenger books a seat and cancels it, again and again, on the rides in turn.
	var done atomic.Int64
	var killOnce sync.Once
	errs := make(chan error, len(passengers))
	var wg sync.WaitGroup
	for pi, p := range passengers {
		wg.Go(func() {
			for k := 0; done.Load() < int64(ops); k++ {
				ride := rides[(pi+k)%len(rides)]
				key := fmt.Sprintf("soak-%d-%d", pi, k)
				code, raw, err := c.do("POST", "/api/v1/rides/"+ride+"/bookings", p.token, key, map[string]any{"seats": 1})
				if err != nil {
					errs <- err
					return
				}
				if code == http.StatusConflict {
					continue // the ride is full right now
				}
				var b struct{ ID string }
				if code != 201 || json.Unmarshal(raw, &b) != nil {
					errs <- fmt.Errorf("book: %d %s", code, raw)
					return
				}
				if done.Add(1) == int64(ops/2) {
					killOnce.Do(func() { c.kill(victim) })
				}
				code, raw, err = c.do("POST", "/api/v1/bookings/"+b.ID+"/cancel", p.token, "", nil)
				if err != nil {
					errs <- err
					return
				}
				// 409: the cancel committed on the killed replica before it could answer.
				if code != 200 && code != http.StatusConflict {
					errs <- fmt.Errorf("cancel: %d %s", code, raw)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	db := openSQL(t, url)
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var backlog int
		err := db.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM outbox_events WHERE seq > COALESCE((SELECT last_seq FROM relay_cursor), 0)) +
			(SELECT count(*) FROM deliveries WHERE status = 'pending')`).Scan(&backlog)
		if err != nil {
			t.Fatal(err)
		}
		if backlog == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backlog still %d after 5 minutes", backlog)
		}
		time.Sleep(200 * time.Millisecond) // polling, bounded by the deadline
	}

	// What the outbox says must be told: confirmations to passengers, passengers'
	// cancellations to drivers, and a confirmation nobody asked the driver for (instant,
	// or a waitlisted booking promoted) to the driver as well.
	want := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT id, recipient_id, payload FROM outbox_events
		WHERE type = 'booking.confirmed' OR (type = 'booking.cancelled' AND payload LIKE '%"reason":"passenger"%')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ev, member string
		var payload []byte
		rows.Scan(&ev, &member, &payload)
		want[ev+"/"+member] = true
		var p struct {
			DriverID string `json:"driver_id"`
			Reason   string `json:"reason"`
		}
		if json.Unmarshal(payload, &p) == nil && (p.Reason == "instant" || p.Reason == "waitlist_promoted") {
			want[ev+"/"+p.DriverID] = true
		}
	}
	rows.Close()
	if len(want) < ops*9/10 {
		t.Fatalf("outbox holds %d events to tell, want about %d", len(want), ops)
	}
	got := map[string]int{}
	rows, err = db.QueryContext(ctx, `SELECT event_id, member_id FROM notifications`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ev, member string
		rows.Scan(&ev, &member)
		got[ev+"/"+member]++
	}
	rows.Close()
	for k := range want {
		if got[k] != 1 {
			t.Errorf("inbox: %s stored %d times, want once", k, got[k])
		}
	}
	if len(got) != len(want) {
		t.Errorf("inbox: %d notifications, want %d", len(got), len(want))
	}

	var delivered, dead int
	db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status = 'dead') FROM deliveries`).Scan(&delivered, &dead)
	if delivered != len(want) || dead != 0 {
		t.Errorf("mail deliveries: %d delivered and %d dead, want %d and 0", delivered, dead, len(want))
	}
	ids := map[string]bool{}
	rows, err = db.QueryContext(ctx, `SELECT id FROM deliveries`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids[id+"@carpool.example.com"] = true
	}
	rows.Close()
	seen := map[string]int{}
	msgs := pit.Messages(t)
	for _, m := range msgs {
		if m.Subject == "Carpool: Your account is ready" {
			continue // the welcome mail of a sign-up goes straight to SMTP, not through a delivery
		}
		seen[strings.Trim(m.MessageID, "<>")]++
	}
	duplicates := 0
	for id := range ids {
		switch n := seen[id]; {
		case n == 0:
			t.Errorf("mail %s never reached the SMTP server", id)
		case n > 1:
			duplicates += n - 1
		}
	}
	for id := range seen {
		if !ids[id] {
			t.Errorf("the SMTP server got a mail %s that no delivery sent", id)
		}
	}
	t.Logf("%d operations, %d notifications, %d mails with %d distinct Message-IDs (%d resent after the kill)",
		done.Load(), len(got), len(msgs), len(seen), duplicates)
	if duplicates > 0 {
		// A replica killed between the server's 250 for DATA and the commit of that
		// delivery's outcome sends it again after its lease: at-least-once SMTP, the
		// same Message-ID, so mail clients show one message.
		t.Logf("resent mails carry the Message-ID of their first sending")
	}
}
