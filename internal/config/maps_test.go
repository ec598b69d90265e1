package config_test

import (
	"strings"
	"testing"

	"carpool/internal/config"
)

func TestMapSettings(t *testing.T) {
	c, err := config.Load(nil, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.MapTilesURL != config.DefaultMapTilesURL || c.MapTilesOrigin() != "https://tile.openstreetmap.org" {
		t.Errorf("got tiles %q from %q, want OpenStreetMap's", c.MapTilesURL, c.MapTilesOrigin())
	}
	if c.GeocoderURL != "" {
		t.Errorf("got geocoder %q, want address search off by default", c.GeocoderURL)
	}
	c, err = config.Load(nil, envOf(map[string]string{
		"CARPOOL_MAP_TILES_URL": "https://tiles.example.com:8443/osm/{z}/{x}/{y}.png",
		"CARPOOL_GEOCODER_URL":  "https://geo.example.com/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MapTilesOrigin() != "https://tiles.example.com:8443" || c.GeocoderURL != "https://geo.example.com" {
		t.Errorf("got tiles origin %q, geocoder %q", c.MapTilesOrigin(), c.GeocoderURL)
	}
	for name, env := range map[string]map[string]string{
		"CARPOOL_MAP_TILES_URL":       {"CARPOOL_MAP_TILES_URL": "https://tiles.example.com/tile.png"},
		"CARPOOL_GEOCODER_URL":        {"CARPOOL_GEOCODER_URL": "geo.example.com"},
		"CARPOOL_GEOCODER_USER_AGENT": {"CARPOOL_GEOCODER_USER_AGENT": " "},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := config.Load(nil, envOf(env)); err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("got %v, want an error naming %s", err, name)
			}
		})
	}
}
