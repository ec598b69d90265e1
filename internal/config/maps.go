package config

import (
	"errors"
	"net/url"
	"strings"
)

// DefaultMapTilesURL is the OpenStreetMap tile server. Its usage policy asks for the
// attribution the web UI shows and forbids heavy use: a company with many members points
// CARPOOL_MAP_TILES_URL at its own tile server.
const DefaultMapTilesURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

// mapSettings are the settings of maps and address search, kept apart from the core
// table so that a feature's settings read together.
var mapSettings = []setting{
	{env: "CARPOOL_MAP_TILES_URL", flag: "map-tiles-url", def: DefaultMapTilesURL,
		usage: "map tile URL template with {z}, {x} and {y}; the web UI's Content-Security-Policy allows its host",
		apply: func(c *Config, v string) error {
			if _, err := tileURL(v); err != nil {
				return err
			}
			c.MapTilesURL = v
			return nil
		},
		show: func(c *Config) string { return c.MapTilesURL }},
	{env: "CARPOOL_MAP_ATTRIBUTION", flag: "map-attribution", def: "© OpenStreetMap contributors",
		usage: "text shown on the map crediting the tiles' source",
		apply: func(c *Config, v string) error { c.MapAttribution = v; return nil },
		show:  func(c *Config) string { return c.MapAttribution }},
	{env: "CARPOOL_GEOCODER_URL", flag: "geocoder-url",
		usage: "base URL of a Nominatim server for address search; empty: address search off",
		apply: func(c *Config, v string) error {
			if v == "" {
				c.GeocoderURL = ""
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("must be an http(s) URL like https://nominatim.openstreetmap.org")
			}
			c.GeocoderURL = strings.TrimSuffix(v, "/")
			return nil
		},
		show: func(c *Config) string { return c.GeocoderURL }},
	{env: "CARPOOL_GEOCODER_USER_AGENT", flag: "geocoder-user-agent", def: "carpool (company carpool service)",
		usage: "User-Agent sent to the geocoder; Nominatim's policy asks it to name the deployment and a contact",
		apply: func(c *Config, v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("must name the deployment")
			}
			c.GeocoderUserAgent = v
			return nil
		},
		show: func(c *Config) string { return c.GeocoderUserAgent }},
}

func init() { settings = append(settings, mapSettings...) }

// tileURL checks a tile URL template and returns it parsed (placeholders intact).
func tileURL(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("must be an http(s) URL template like https://tile.example.com/{z}/{x}/{y}.png")
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(v, p) {
			return nil, errors.New("must contain {z}, {x} and {y}")
		}
	}
	return u, nil
}

// MapTilesOrigin returns the scheme and host the tiles come from, for the web UI's
// Content-Security-Policy; "" when no valid tile URL is configured.
func (c *Config) MapTilesOrigin() string {
	u, err := tileURL(c.MapTilesURL)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
