package geocode_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/geocode"
	"carpool/internal/outbound/outboundtest"
)

// answer is a real shape of Nominatim's /search?format=jsonv2 answer (fields the client
// ignores included), as documented at nominatim.org/release-docs/latest/api/Output/.
const answer = `[
 {"place_id":132450,"licence":"Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
  "osm_type":"node","osm_id":2431,"lat":"52.5018","lon":"13.4178","category":"place","type":"square",
  "place_rank":25,"importance":0.41,"addresstype":"square","name":"Oranienplatz",
  "display_name":"Oranienplatz, Kreuzberg, Friedrichshain-Kreuzberg, Berlin, 10999, Deutschland",
  "boundingbox":["52.5012","52.5024","13.4170","13.4186"]},
 {"place_id":7,"lat":"not a number","lon":"13.4","display_name":"broken entry"},
 {"place_id":8,"lat":"52.4","lon":"13.0","display_name":"Oranienplatz, Potsdam"}
]`

type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

func TestNominatimSearch(t *testing.T) {
	var mu sync.Mutex
	var requests []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r)
		mu.Unlock()
		if r.URL.Path != "/search" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answer))
	}))
	t.Cleanup(srv.Close)
	clock := &fakeClock{now: time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC)}
	n := geocode.NewNominatim(srv.URL+"/", geocode.Options{UserAgent: "carpool at example.com (ops@example.com)", Now: clock.Now, Sleep: clock.Sleep,
		Policy: outboundtest.Allowing(t, srv.URL)})
	ctx := context.Background()

	got, err := n.Search(ctx, "  Oranienplatz   Berlin ")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Lat != 52.5018 || got[0].Lon != 13.4178 || got[0].Label[:12] != "Oranienplatz" || got[1].Label != "Oranienplatz, Potsdam" {
		t.Fatalf("got %+v, want the two well-formed entries in order", got)
	}
	r := requests[0]
	if ua := r.Header.Get("User-Agent"); ua != "carpool at example.com (ops@example.com)" {
		t.Errorf("User-Agent: got %q", ua)
	}
	if q := r.URL.Query(); q.Get("q") != "Oranienplatz Berlin" || q.Get("format") != "jsonv2" || q.Get("limit") != "5" {
		t.Errorf("query: got %v", q)
	}

	t.Run("the same search again is answered from the cache", func(t *testing.T) {
		if _, err := n.Search(ctx, "oranienplatz berlin"); err != nil {
			t.Fatal(err)
		}
		if len(requests) != 1 {
			t.Fatalf("got %d requests, want 1", len(requests))
		}
	})
	t.Run("a second request waits out the interval", func(t *testing.T) {
		clock.now = clock.now.Add(300 * time.Millisecond)
		if _, err := n.Search(ctx, "Alexanderplatz"); err != nil {
			t.Fatal(err)
		}
		if len(clock.slept) != 1 || clock.slept[0] != 700*time.Millisecond {
			t.Fatalf("slept %v, want once for the 700ms left of the second", clock.slept)
		}
		if _, err := n.Search(ctx, "Hermannplatz"); err != nil {
			t.Fatal(err)
		}
		if len(clock.slept) != 2 || clock.slept[1] != time.Second {
			t.Fatalf("slept %v, want a full second before the third request", clock.slept)
		}
	})
	t.Run("the cache forgets after a day", func(t *testing.T) {
		clock.now = clock.now.Add(25 * time.Hour)
		before := len(requests)
		if _, err := n.Search(ctx, "Oranienplatz Berlin"); err != nil {
			t.Fatal(err)
		}
		if len(requests) != before+1 {
			t.Fatalf("got %d requests, want %d", len(requests), before+1)
		}
	})
	t.Run("an empty query asks nobody", func(t *testing.T) {
		before := len(requests)
		if got, err := n.Search(ctx, "   "); err != nil || got != nil || len(requests) != before {
			t.Fatalf("got %v, %v and %d requests", got, err, len(requests)-before)
		}
	})
}

func TestNominatimFailures(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		}},
		{"blocked", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "bad user agent", http.StatusForbidden) }},
		{"not JSON", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) }},
		{"too slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			t.Cleanup(srv.Close)
			n := geocode.NewNominatim(srv.URL, geocode.Options{Timeout: 50 * time.Millisecond, Policy: outboundtest.Allowing(t, srv.URL)})
			_, err := n.Search(context.Background(), "Oranienplatz")
			if !errors.Is(err, geocode.ErrUnavailable) {
				t.Fatalf("got %v, want ErrUnavailable", err)
			}
		})
	}
}

// TestNonFiniteAndFailuresNotKept: NaN and infinite coordinates are no place; a failed
// search is not remembered (the next one asks again) and is logged at error level
// without the address the member typed.
func TestNonFiniteAndFailuresNotKept(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`[{"lat":"NaN","lon":"13.4","display_name":"nan"},{"lat":"52.5","lon":"+Inf","display_name":"inf"},
			{"lat":"52.5","lon":"13.4","display_name":"Oranienplatz"}]`))
	}))
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	n := geocode.NewNominatim(srv.URL, geocode.Options{Interval: time.Nanosecond, Policy: outboundtest.Allowing(t, srv.URL),
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	const home = "Lindenstraße 12 Berlin"
	if _, err := n.Search(context.Background(), home); !errors.Is(err, geocode.ErrUnavailable) {
		t.Fatalf("first search: got %v, want ErrUnavailable", err)
	}
	if !strings.Contains(logs.String(), `"level":"ERROR"`) || strings.Contains(logs.String(), "Lindenstra") {
		t.Fatalf("the failure's log: want an error line without the query, got %s", logs.String())
	}
	got, err := n.Search(context.Background(), home)
	if err != nil || calls.Load() != 2 {
		t.Fatalf("second search: %v after %d requests, want the server asked again", err, calls.Load())
	}
	if len(got) != 1 || got[0].Label != "Oranienplatz" {
		t.Fatalf("got %v, want only the finite place", got)
	}
}
