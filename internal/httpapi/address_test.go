package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/geocode"
	"carpool/internal/geocode/geocodetest"
	"carpool/internal/outbound/outboundtest"
)

// TestAddressSearch looks addresses up through the real Nominatim client against a local
// fake Nominatim.
func TestAddressSearch(t *testing.T) {
	nominatim := geocodetest.Start(t)
	e := newEnv(t, envOptions{Geocoder: geocode.NewNominatim(nominatim.URL, geocode.Options{UserAgent: "carpool test", Interval: 1,
		Policy: outboundtest.Allowing(t, nominatim.URL)})})
	ann := e.member(t, "Ann", carpool.RoleMember)
	search := func(q string) string { return "/api/v1/places/search?" + url.Values{"q": {q}}.Encode() }

	var found struct{ Items []map[string]any }
	res := e.do(t, call{method: "GET", path: search("Oranienplatz Berlin"), token: ann.token}).want(t, 200)
	res.decode(t, &found)
	if len(found.Items) != 2 || found.Items[0]["lat"] != 52.5018 || !strings.HasPrefix(str(found.Items[0]["label"]), "Oranienplatz, Kreuzberg") {
		t.Fatalf("got %v, want Oranienplatz in Kreuzberg first, then Potsdam", found.Items)
	}
	if cc := res.header.Get("Cache-Control"); cc != "private, max-age=3600" {
		t.Errorf("Cache-Control: got %q, want private, max-age=3600", cc)
	}
	e.do(t, call{method: "GET", path: search("Nowhere at all"), token: ann.token}).want(t, 200).decode(t, &found)
	if len(found.Items) != 0 {
		t.Fatalf("got %v, want an empty list", found.Items)
	}

	e.do(t, call{method: "GET", path: search("Oranienplatz"), invalid: true}).problem(t, 401, carpool.EUNAUTHORIZED, "")
	e.do(t, call{method: "GET", path: search(" "), token: ann.token, invalid: true}).problem(t, 422, carpool.EINVALID, "q")
	e.do(t, call{method: "GET", path: search(strings.Repeat("a", 201)), token: ann.token, invalid: true}).problem(t, 422, carpool.EINVALID, "q")

	t.Run("geocoder failing", func(t *testing.T) {
		nominatim.Down.Store(true)
		defer nominatim.Down.Store(false)
		res := e.do(t, call{method: "GET", path: search("Alexanderplatz"), token: ann.token})
		if p := res.problem(t, 503, carpool.EUNAVAILABLE, ""); p.Detail != "address search unavailable" {
			t.Fatalf("detail: got %q, want address search unavailable", p.Detail)
		}
		if res.header.Get("Retry-After") == "" {
			t.Errorf("no Retry-After on a failing geocoder")
		}
	})
	t.Run("off", func(t *testing.T) {
		off := newEnv(t, envOptions{})
		bob := off.member(t, "Bob", carpool.RoleMember)
		p := off.do(t, call{method: "GET", path: search("Oranienplatz"), token: bob.token}).problem(t, 503, carpool.EUNAVAILABLE, "")
		if p.Detail != "address search unavailable" {
			t.Fatalf("detail: got %q, want address search unavailable", p.Detail)
		}
	})
}

// blockingGeocoder holds every search until release is closed, counting those started.
type blockingGeocoder struct {
	started chan string
	release chan struct{}
}

func (g blockingGeocoder) Search(ctx context.Context, query string) ([]carpool.Place, error) {
	g.started <- query
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return []carpool.Place{{Label: query, Lat: 52.5, Lon: 13.4}}, nil
}

// TestAddressSearchBoundedPerMember: one member's burst of searches takes one slot and a
// short queue; the next is refused with 429 at once, and another member's search is not
// held behind the burst.
func TestAddressSearchBoundedPerMember(t *testing.T) {
	g := blockingGeocoder{started: make(chan string, 10), release: make(chan struct{})}
	e := newEnv(t, envOptions{Geocoder: g, AddressSearchWait: time.Minute}) // the queued ones wait for the test, however slow the machine
	ann := e.member(t, "Ann", carpool.RoleMember)
	bob := e.member(t, "Bob", carpool.RoleMember)
	search := func(q string) string { return "/api/v1/places/search?" + url.Values{"q": {q}}.Encode() }

	// Four at once: one goes to the geocoder, two wait, and the fourth is refused. While
	// the geocoder holds the first, only a refusal can come back.
	answers := make(chan response, 4)
	for i := range 4 {
		go func() {
			answers <- e.do(t, call{method: "GET", path: search(fmt.Sprintf("Ann %d", i)), token: ann.token, invalid: true})
		}()
	}
	<-g.started
	refused := <-answers
	refused.problem(t, 429, carpool.ETHROTTLED, "")
	if refused.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}

	bobDone := make(chan int, 1)
	go func() { bobDone <- e.do(t, call{method: "GET", path: search("Bob"), token: bob.token}).status }()
	if q := <-g.started; q != "Bob" {
		t.Fatalf("the geocoder got %q, want Bob's search while Ann's wait", q)
	}
	close(g.release)
	if s := <-bobDone; s != 200 {
		t.Errorf("Bob's search: got %d, want 200", s)
	}
	for range 3 {
		if got := <-answers; got.status != 200 {
			t.Errorf("one of Ann's first three searches: got %d, want 200", got.status)
		}
	}
}
