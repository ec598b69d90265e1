package carpool

import (
	"math"
	"strings"
	"time"
)

// Site is an office where pool cars are kept.
type Site struct {
	ID        string
	Name      string
	Address   string
	Lat       float64
	Lon       float64
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks a site's fields and trims its texts.
func (s *Site) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	s.Address = strings.TrimSpace(s.Address)
	if err := validateText("name", s.Name, 1, 100); err != nil {
		return err
	}
	if err := validateText("address", s.Address, 1, 300); err != nil {
		return err
	}
	return validateCoordinates("", s.Lat, s.Lon)
}

// validateCoordinates checks a latitude and longitude; prefix names the enclosing field
// ("from." for a ride's origin), so an error points at the exact input.
func validateCoordinates(prefix string, lat, lon float64) error {
	if math.IsNaN(lat) || lat < -90 || lat > 90 {
		return FieldErrorf(EINVALID, prefix+"lat", "lat must be between -90 and 90")
	}
	if math.IsNaN(lon) || lon < -180 || lon > 180 {
		return FieldErrorf(EINVALID, prefix+"lon", "lon must be between -180 and 180")
	}
	return nil
}
