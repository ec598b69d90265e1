package carpool

import (
	"strings"
	"time"
)

// ValidTimeZone checks an IANA time-zone name such as "Europe/Berlin" (the field
// time_zone, wherever it is asked) and returns it trimmed; empty stays empty (the installation's default
// zone). "Local" is refused: it names the server's zone, which differs between machines.
func ValidTimeZone(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil
	}
	if _, err := time.LoadLocation(name); err != nil || name == "Local" {
		return "", FieldErrorf(EINVALID, "time_zone", "time_zone must be an IANA zone such as Europe/Berlin")
	}
	return name, nil
}

// ZoneOr returns the zone named name, or def when name is empty or no longer known to
// the zone database (a stored zone was valid when it was saved; showing times in the
// default beats failing).
func ZoneOr(name string, def *time.Location) *time.Location {
	if name == "" {
		return def
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return def
	}
	return loc
}
