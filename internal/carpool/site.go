package carpool

import (
	"math"
	"time"
)

// Site is an office where pool cars are kept.
type Site struct {
	ID      string
	Name    string
	Address string
	Lat     float64
	Lon     float64
	// TimeZone is the IANA zone of the site's clocks; empty is the installation's
	// default zone.
	TimeZone  string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Location returns the site's zone, or def when it has none of its own.
func (s Site) Location(def *time.Location) *time.Location { return ZoneOr(s.TimeZone, def) }

// Validate checks a site's fields and cleans its texts; every wrong field is reported at
// once.
func (s *Site) Validate() error {
	var fe fieldErrors
	var err error
	s.Name, err = nameText.Clean("name", s.Name)
	fe.add(err)
	s.Address, err = addressText.Clean("address", s.Address)
	fe.add(err)
	fe.add(validateCoordinates("", s.Lat, s.Lon))
	s.TimeZone, err = ValidTimeZone(s.TimeZone)
	fe.add(err)
	return fe.err()
}

// validateCoordinates checks a latitude and longitude; prefix names the enclosing field
// ("from." for a ride's origin), so an error points at the exact input.
func validateCoordinates(prefix string, lat, lon float64) error {
	var fe fieldErrors
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		fe.add(FieldErrorf(EINVALID, prefix+"lat", "lat must be between -90 and 90"))
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		fe.add(FieldErrorf(EINVALID, prefix+"lon", "lon must be between -180 and 180"))
	}
	return fe.err()
}
