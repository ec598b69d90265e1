package replicas_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/mail/mailtest"
	"carpool/internal/pgtest"
)

// EnvNotifyLagOut makes TestNotificationLag run and write its figures (JSON) to this
// file; bench/notifylag/run.sh sets it. Unset, the test is skipped.
const EnvNotifyLagOut = "CARPOOL_NOTIFY_LAG_OUT"

// LagFigures are what one lag run measured. Lag is from the event's transaction time to
// the notification's storing in the inbox, or to the SMTP server's acceptance of its mail.
type LagFigures struct {
	Replicas       int     `json:"replicas"`
	TargetPerSec   float64 `json:"target_events_per_second"`
	AchievedPerSec float64 `json:"achieved_events_per_second"`
	Seconds        float64 `json:"seconds"`
	Events         int     `json:"events"`
	InboxP50       float64 `json:"inbox_p50_seconds"`
	InboxP99       float64 `json:"inbox_p99_seconds"`
	InboxMax       float64 `json:"inbox_max_seconds"`
	EmailP50       float64 `json:"email_p50_seconds"`
	EmailP99       float64 `json:"email_p99_seconds"`
	EmailMax       float64 `json:"email_max_seconds"`
	CPUs           int     `json:"cpus"`
	At             string  `json:"at"`
}

// TestNotificationLag offers a steady rate of events (bookings and cancellations, each
// one event telling one member, who also wants it by e-mail) to three replicas on one
// PostgreSQL with Mailpit as the SMTP server, and measures the delivery lag. It asserts
// nothing about speed; it writes the figures.
func TestNotificationLag(t *testing.T) {
	out := os.Getenv(EnvNotifyLagOut)
	if out == "" {
		t.Skipf("set %s=file to run (bench/notifylag/run.sh does)", EnvNotifyLagOut)
	}
	rate, _ := strconv.ParseFloat(os.Getenv("CARPOOL_NOTIFY_LAG_RATE"), 64)
	if rate <= 0 {
		rate = 100
	}
	seconds, _ := strconv.Atoi(os.Getenv("CARPOOL_NOTIFY_LAG_SECONDS"))
	if seconds <= 0 {
		seconds = 30
	}
	pit := mailtest.Start(t)
	url := pgtest.NewDatabase(t)
	carpoolBinary(t)
	env := []string{"CARPOOL_DATABASE_URL=" + url, "CARPOOL_SMTP_URL=" + pit.SMTPURL(),
		"CARPOOL_MAIL_FROM=carpool@example.com", "CARPOOL_PUBLIC_URL=https://carpool.example.com"}
	c := &soakCluster{}
	for i := range 3 {
		c.live = append(c.live, startReplica(t, fmt.Sprintf("replica-%d", i), env...))
	}
	every := []string{"booking.confirmed", "booking.cancelled"}
	member := func(name string) soakMember {
		email := name + "@example.com"
		var m struct{ ID string }
		_, raw, _ := c.do("POST", "/api/v1/members", "", "", map[string]any{"email": email, "name": name, "password": "a long test password"})
		json.Unmarshal(raw, &m)
		var tok struct{ Token string }
		_, raw, _ = c.do("POST", "/api/v1/tokens", "", "", map[string]any{"email": email, "password": "a long test password"})
		if json.Unmarshal(raw, &tok) != nil || tok.Token == "" {
			t.Fatalf("token for %s: %s", name, raw)
		}
		c.do("PUT", "/api/v1/notifications/preferences", tok.Token, "", map[string]any{"email": every})
		return soakMember{id: m.ID, token: tok.Token}
	}
	var rides []string
	for i := range 4 {
		d := member(fmt.Sprintf("driver%d", i))
		var car, ride struct{ ID string }
		_, raw, _ := c.do("POST", "/api/v1/cars", d.token, "", map[string]any{"kind": "private", "plate": fmt.Sprintf("LAG %d", i), "make": "VW", "model": "T6", "seats": 8})
		json.Unmarshal(raw, &car)
		_, raw, _ = c.do("POST", "/api/v1/rides", d.token, "", map[string]any{"car_id": car.ID,
			"from": map[string]any{"label": "HQ", "lat": 48.1, "lon": 11.5}, "to": map[string]any{"label": "Plant", "lat": 48.3, "lon": 11.7},
			"depart_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "seats": 7, "booking_mode": "instant"})
		if json.Unmarshal(raw, &ride) != nil || ride.ID == "" {
			t.Fatalf("ride: %s", raw)
		}
		rides = append(rides, ride.ID)
	}
	const people = 20
	var ps []soakMember
	for i := range people {
		ps = append(ps, member(fmt.Sprintf("p%d", i)))
	}

	// Each passenger books, then cancels, at rate/people operations per second.
	var events atomic.Int64
	start := time.Now()
	stop := start.Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for pi, p := range ps {
		wg.Go(func() {
			tick := time.NewTicker(time.Duration(float64(time.Second) * people / rate))
			defer tick.Stop()
			booking := ""
			for k := 0; time.Now().Before(stop); k++ {
				<-tick.C
				if booking == "" {
					code, raw, err := c.do("POST", "/api/v1/rides/"+rides[(pi+k)%len(rides)]+"/bookings", p.token, fmt.Sprintf("lag-%d-%d", pi, k), map[string]any{"seats": 1})
					var b struct{ ID string }
					if err == nil && code == http.StatusCreated && json.Unmarshal(raw, &b) == nil {
						booking = b.ID
						events.Add(1)
					}
					continue
				}
				if code, _, err := c.do("POST", "/api/v1/bookings/"+booking+"/cancel", p.token, "", nil); err == nil && code == http.StatusOK {
					events.Add(1)
				}
				booking = ""
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	db := openSQL(t, url)
	ctx := context.Background()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var backlog int
		db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM outbox_events WHERE seq > COALESCE((SELECT last_seq FROM relay_cursor), 0)) +
			(SELECT count(*) FROM deliveries WHERE status = 'pending')`).Scan(&backlog)
		if backlog == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backlog still %d three minutes after the load", backlog)
		}
		time.Sleep(200 * time.Millisecond) // polling, bounded by the deadline
	}
	f := LagFigures{Replicas: 3, TargetPerSec: rate, Seconds: elapsed.Seconds(), Events: int(events.Load()),
		AchievedPerSec: float64(events.Load()) / elapsed.Seconds(), CPUs: runtime.NumCPU(), At: time.Now().UTC().Format(time.RFC3339)}
	err := db.QueryRowContext(ctx, `SELECT
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM n.created_at - e.created_at)),
		percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM n.created_at - e.created_at)),
		max(extract(epoch FROM n.created_at - e.created_at))
		FROM notifications n JOIN outbox_events e ON e.id = n.event_id`).Scan(&f.InboxP50, &f.InboxP99, &f.InboxMax)
	if err != nil {
		t.Fatal(err)
	}
	err = db.QueryRowContext(ctx, `SELECT
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - event_created_at)),
		percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - event_created_at)),
		max(extract(epoch FROM delivered_at - event_created_at))
		FROM deliveries WHERE channel = 'email' AND status = 'delivered'`).Scan(&f.EmailP50, &f.EmailP99, &f.EmailMax)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", b)
}
