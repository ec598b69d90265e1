// Package geocodetest runs a local stand-in for a Nominatim server, so tests of the
// packages above internal/geocode exercise the real client over HTTP.
package geocodetest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Oranienplatz is what the server answers to a search containing "oranienplatz": the
// shape of Nominatim's /search?format=jsonv2 answer, with one entry the client must skip.
const Oranienplatz = `[
 {"place_id":132450,"licence":"Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
  "osm_type":"node","osm_id":2431,"lat":"52.5018","lon":"13.4178","category":"place","type":"square",
  "place_rank":25,"importance":0.41,"addresstype":"square","name":"Oranienplatz",
  "display_name":"Oranienplatz, Kreuzberg, Friedrichshain-Kreuzberg, Berlin, 10999, Deutschland",
  "boundingbox":["52.5012","52.5024","13.4170","13.4186"]},
 {"place_id":7,"lat":"not a number","lon":"13.4","display_name":"broken entry"},
 {"place_id":8,"lat":"52.4","lon":"13.0","display_name":"Oranienplatz, Potsdam"}
]`

// Server is a fake Nominatim. Down makes it answer 503 until cleared; Requests counts
// the searches that reached it.
type Server struct {
	URL      string
	Down     atomic.Bool
	Requests atomic.Int64
}

// Start runs a fake Nominatim until the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/search" {
			http.NotFound(w, r)
			return
		}
		s.Requests.Add(1)
		if s.Down.Load() {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(strings.ToLower(r.URL.Query().Get("q")), "oranienplatz") {
			_, _ = w.Write([]byte(Oranienplatz))
			return
		}
		_, _ = w.Write([]byte("[]"))
	}))
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}
