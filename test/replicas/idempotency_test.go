package replicas_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"carpool/internal/carpool"
	harness "carpool/test/cluster"
)

// testOneChangePerKey: a passenger sends one message with one Idempotency-Key twelve
// times at once, through every replica. A key no one holds is taken by the transaction
// that makes the change, so the twelve race for it there: the thread holds exactly one
// message, and every answer is that message (201, made or replayed) or 409 while it is
// being made.
func (c *cluster) testOneChangePerKey(t *testing.T) {
	const sends = 12
	rideID := c.driverWithRide(t)
	passenger := c.members(t, "idem-"+carpool.NewID()[:8], 1)[0]
	if code := call(t, "POST", c.at(0, "/api/v1/rides/"+rideID+"/bookings"), passenger, map[string]any{"seats": 1}, nil); code != http.StatusCreated {
		t.Fatalf("book: got %d, want 201", code)
	}
	header := http.Header{"Idempotency-Key": {"gate-2-" + carpool.NewID()}}
	body := map[string]any{"body": "Ich stehe an Tor 2"}

	var mu sync.Mutex
	made := map[string]int{}
	inFlight := 0
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range sends {
		wg.Go(func() {
			<-start
			code, answer, err := harness.SendWith(apiClient, "POST", c.at(i, "/api/v1/rides/"+rideID+"/messages"), passenger, header, body)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("send %d: %v", i, err)
			case code == http.StatusCreated:
				var m struct{ ID string }
				if err := json.Unmarshal(answer, &m); err != nil || m.ID == "" {
					t.Errorf("send %d: 201 with %s", i, answer)
				}
				made[m.ID]++
			case code == http.StatusConflict:
				inFlight++
			default:
				t.Errorf("send %d: got %d %s, want 201 or 409", i, code, answer)
			}
		})
	}
	close(start)
	wg.Wait()
	if len(made) != 1 {
		t.Errorf("answers name %d different messages (%v), want 1", len(made), made)
	}
	var stored int
	if err := openSQL(t, c.url).QueryRowContext(context.Background(),
		`SELECT count(*) FROM ride_messages WHERE ride_id = $1`, rideID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 1 {
		t.Errorf("database: got %d messages in the thread, want 1", stored)
	}
	t.Logf("%d sends: %d answered 201 with the one message, %d answered 409", sends, sends-inFlight, inFlight)
}
