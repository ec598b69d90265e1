package replicas_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// testParking: a site has three carpool spaces; thirty carpools arriving there form at
// once, each by a passenger booking through another replica than the last, beside
// rides nobody joins. Exactly three rides hold a space that day, each a carpool, each
// space once, and each holder's driver got one "space granted" event.
func (c *cluster) testParking(t *testing.T) {
	const spaces, carpools, solos = 3, 30, 5
	var site struct{ ID string }
	// Basel station, far from every other subtest's destination.
	if code := call(t, "POST", c.at(0, "/api/v1/sites"), c.admin,
		map[string]any{"name": "Basel", "address": "Centralbahnplatz 1", "lat": 47.5476, "lon": 7.5897}, &site); code != http.StatusCreated {
		t.Fatalf("create site: got %d, want 201", code)
	}
	for i := range spaces {
		if code := call(t, "POST", c.at(i, "/api/v1/sites/"+site.ID+"/parking-spaces"), c.admin,
			map[string]string{"label": fmt.Sprintf("P%d", i+1)}, nil); code != http.StatusCreated {
			t.Fatalf("add space: got %d, want 201", code)
		}
	}
	drivers := c.members(t, "park-driver", carpools+solos)
	passengers := c.members(t, "park-passenger", carpools)
	at := time.Now().UTC().AddDate(0, 0, 1)
	depart := time.Date(at.Year(), at.Month(), at.Day(), 7, 0, 0, 0, time.UTC)
	rides := make([]string, len(drivers))
	for i, tok := range drivers {
		var car, ride struct{ ID string }
		if code := call(t, "POST", c.at(i, "/api/v1/cars"), tok, map[string]any{
			"kind": "private", "plate": fmt.Sprintf("BS %d", 1000+i), "make": "VW", "model": "Golf", "seats": 4,
		}, &car); code != http.StatusCreated {
			t.Fatalf("add car: got %d, want 201", code)
		}
		if code := call(t, "POST", c.at(i+1, "/api/v1/rides"), tok, map[string]any{
			"car_id": car.ID, "from": map[string]any{"label": "HQ", "lat": 47.37, "lon": 8.54},
			"to":        map[string]any{"label": "Basel SBB", "lat": 47.5479, "lon": 7.5898},
			"depart_at": depart.Add(time.Duration(i) * time.Minute).Format(time.RFC3339), "seats": 3, "booking_mode": "instant",
		}, &ride); code != http.StatusCreated {
			t.Fatalf("offer ride: got %d, want 201", code)
		}
		rides[i] = ride.ID
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	var failures sync.Map
	for i, tok := range passengers {
		wg.Go(func() {
			<-start
			code, body, err := send("POST", c.at(i, "/api/v1/rides/"+rides[i]+"/bookings"), tok, map[string]int{"seats": 1})
			if err != nil || code != http.StatusCreated {
				failures.Store(i, fmt.Sprintf("%d %s %v", code, body, err))
			}
		})
	}
	close(start)
	wg.Wait()
	failures.Range(func(k, v any) bool {
		t.Errorf("passenger %v: got %v, want 201", k, v)
		return true
	})

	db := openSQL(t, c.url)
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT c.ride_id, c.space_id, r.seats_taken FROM parking_claims c JOIN rides r ON r.id = c.ride_id
		WHERE c.site_id = $1 AND c.on_date = $2 AND c.space_id IS NOT NULL`, site.ID, depart.Format("2006-01-02"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	solo := map[string]bool{}
	for _, id := range rides[carpools:] {
		solo[id] = true
	}
	held, used := map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var ride, space string
		var taken int
		if err := rows.Scan(&ride, &space, &taken); err != nil {
			t.Fatal(err)
		}
		if taken == 0 || solo[ride] {
			t.Errorf("ride %s holds space %s without a confirmed passenger", ride, space)
		}
		if used[space] {
			t.Errorf("space %s is held twice", space)
		}
		held[ride], used[space] = true, true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(held) != spaces {
		t.Errorf("got %d holders, want %d", len(held), spaces)
	}
	var granted int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM outbox_events WHERE type = 'ride.parking'
		AND payload LIKE '%space_granted%' AND payload LIKE '%' || $1 || '%'`, site.ID).Scan(&granted); err != nil {
		t.Fatal(err)
	}
	if granted != spaces {
		t.Errorf("got %d space_granted events, want %d", granted, spaces)
	}
	var waiting int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM parking_claims WHERE site_id = $1 AND space_id IS NULL`, site.ID).Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	if waiting != carpools-spaces {
		t.Errorf("got %d carpools waiting, want %d", waiting, carpools-spaces)
	}
}
