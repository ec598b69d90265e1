package web

import (
	"net/url"
	"strings"
)

// defaultTiles and defaultAttribution are OpenStreetMap's tile server and the credit its
// tile usage policy requires.
const (
	defaultTiles       = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	defaultAttribution = "© OpenStreetMap contributors"
)

// mapConfig is what the map script needs, written into the page as data attributes.
type mapConfig struct {
	Tiles       string
	Attribution string
}

// newMapConfig returns the maps' configuration and the Content-Security-Policy that
// allows images from the tiles' origin and nothing else besides this site.
func newMapConfig(tiles, attribution string) (mapConfig, string) {
	if tiles == "" {
		tiles = defaultTiles
	}
	if attribution == "" {
		attribution = defaultAttribution
	}
	return mapConfig{Tiles: tiles, Attribution: attribution}, MapCSP(tiles)
}

// MapCSP returns the Content-Security-Policy for maps whose tiles come from the URL
// template tiles: ContentSecurityPolicy with the tiles' origin added to img-src.
func MapCSP(tiles string) string {
	u, err := url.Parse(tiles)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ContentSecurityPolicy
	}
	return strings.Replace(ContentSecurityPolicy, "img-src 'self' data:;", "img-src 'self' data: "+u.Scheme+"://"+u.Host+";", 1)
}
