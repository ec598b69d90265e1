// Package geocode turns an address typed by a member into places to pick from. The one
// implementation talks to a Nominatim server (OpenStreetMap's geocoder) and keeps its
// usage policy: a User-Agent naming the deployment, at most one request per second per
// process, and results cached so the same search is asked once.
package geocode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/outbound"
)

// ErrUnavailable wraps every failure of the geocoder (time-out, refusal, garbage): the
// caller shows "address search unavailable" and the rest of the form keeps working.
var ErrUnavailable = errors.New("address search unavailable")

// Options tune a Nominatim client; the zero value keeps the policy's limits.
type Options struct {
	// UserAgent names the deployment; Nominatim blocks anonymous clients.
	UserAgent string
	// Timeout bounds one request (default 5s).
	Timeout time.Duration
	// Interval is the least time between two requests (default 1s, the policy's).
	Interval time.Duration
	// CacheSize bounds the remembered searches (default 1000); CacheTTL how long one is
	// remembered (default 24h).
	CacheSize int
	CacheTTL  time.Duration
	// Now and Sleep replace the clock in tests.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Client replaces the HTTP client (its Timeout is then the caller's); by default the
	// client keeps Policy.
	Client *http.Client
	// Policy is where the geocoder may be reached (an inside Nominatim needs its network
	// allowed).
	Policy outbound.Policy
	// Logger receives each failure, at error level, without the member's query.
	Logger *slog.Logger
}

// MaxResults is how many places a search offers.
const MaxResults = 5

// Nominatim is a client of a Nominatim server's /search endpoint.
type Nominatim struct {
	base   string
	opts   Options
	client *http.Client

	// gate serialises requests so that they leave at least Interval apart.
	gate sync.Mutex
	last time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	places []carpool.Place
	at     time.Time
}

// NewNominatim returns a client of the server at base (e.g. https://nominatim.openstreetmap.org).
func NewNominatim(base string, opts Options) *Nominatim {
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Interval == 0 {
		opts.Interval = time.Second
	}
	if opts.CacheSize == 0 {
		opts.CacheSize = 1000
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "carpool"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	client := opts.Client
	if client == nil {
		client = opts.Policy.Client(opts.Timeout)
	}
	return &Nominatim{base: strings.TrimSuffix(base, "/"), opts: opts, client: client, cache: map[string]cached{}}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Search returns up to MaxResults places for query, best first; an empty query finds
// nothing without asking the server.
func (n *Nominatim) Search(ctx context.Context, query string) ([]carpool.Place, error) {
	query = strings.Join(strings.Fields(query), " ")
	if query == "" {
		return nil, nil
	}
	key := strings.ToLower(query)
	if places, ok := n.cached(key); ok {
		return places, nil
	}
	places, err := n.fetch(ctx, query)
	if err != nil {
		// Not remembered: the next search asks again. The query is the member's own
		// words (often their home address), so neither the log nor the error holds it.
		n.opts.Logger.Error("geocode: search failed", "err", err)
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	n.remember(key, places)
	return places, nil
}

func (n *Nominatim) cached(key string) ([]carpool.Place, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	c, ok := n.cache[key]
	if !ok || n.opts.Now().Sub(c.at) > n.opts.CacheTTL {
		return nil, false
	}
	return c.places, true
}

func (n *Nominatim) remember(key string, places []carpool.Place) {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.opts.Now()
	if len(n.cache) >= n.opts.CacheSize {
		// Drop what has expired; if all is fresh, drop the oldest entry. A linear scan
		// is fine at this size and happens at most once a second.
		oldest := ""
		for k, c := range n.cache {
			if now.Sub(c.at) > n.opts.CacheTTL {
				delete(n.cache, k)
			} else if oldest == "" || c.at.Before(n.cache[oldest].at) {
				oldest = k
			}
		}
		if len(n.cache) >= n.opts.CacheSize {
			delete(n.cache, oldest)
		}
	}
	n.cache[key] = cached{places: places, at: now}
}

// result is one entry of Nominatim's jsonv2 answer; lat and lon come as strings.
type result struct {
	Lat         string `json:"lat"`
	Lon         string `json:"lon"`
	DisplayName string `json:"display_name"`
}

func (n *Nominatim) fetch(ctx context.Context, query string) ([]carpool.Place, error) {
	if err := n.wait(ctx); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, n.opts.Timeout)
	defer cancel()
	u := n.base + "/search?" + url.Values{
		"q": {query}, "format": {"jsonv2"}, "limit": {strconv.Itoa(MaxResults)},
	}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("geocode request: %w", err)
	}
	req.Header.Set("User-Agent", n.opts.UserAgent)
	req.Header.Set("Accept", "application/json")
	res, err := n.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text holds the URL, and so the query
		}
		return nil, fmt.Errorf("geocode: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("geocode: server answered %s", res.Status)
	}
	var results []result
	if err := json.NewDecoder(http.MaxBytesReader(nil, res.Body, 1<<20)).Decode(&results); err != nil {
		return nil, fmt.Errorf("geocode: decode answer: %w", err)
	}
	places := make([]carpool.Place, 0, len(results))
	for _, r := range results {
		lat, err1 := strconv.ParseFloat(r.Lat, 64)
		lon, err2 := strconv.ParseFloat(r.Lon, 64)
		if err1 != nil || err2 != nil || !finite(lat) || !finite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 || r.DisplayName == "" {
			continue // one odd entry should not hide the good ones
		}
		label := r.DisplayName
		if runes := []rune(label); len(runes) > 200 {
			label = string(runes[:200]) // a ride's label holds at most 200 characters
		}
		places = append(places, carpool.Place{Label: label, Lat: lat, Lon: lon})
		if len(places) == MaxResults {
			break
		}
	}
	return places, nil
}

// finite reports whether f is a number (ParseFloat reads "NaN" and "Inf" too).
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// wait holds the caller until a request may leave: Interval after the previous one.
// Callers queue on the gate, so a burst leaves one per Interval, in order.
func (n *Nominatim) wait(ctx context.Context) error {
	n.gate.Lock()
	defer n.gate.Unlock()
	if !n.last.IsZero() {
		if d := n.opts.Interval - n.opts.Now().Sub(n.last); d > 0 {
			if err := n.opts.Sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	n.last = n.opts.Now()
	return nil
}
