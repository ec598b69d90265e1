package partnerapi

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// params reads the standard's query parameters, collecting an error for each one at
// fault so that one answer names them all. A parameter left out reads as the zero
// value, for the domain to apply the standard's default.
type params struct {
	q    url.Values
	errs []error
}

func (p *params) fail(err error) { p.errs = append(p.errs, err) }

func (p *params) err() error { return carpool.JoinInvalid(p.errs...) }

func (p *params) text(name string) string { return strings.TrimSpace(p.q.Get(name)) }

func (p *params) number(name string) (float64, bool) {
	v := p.text(name)
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.fail(carpool.FieldErrorf(carpool.EINVALID, name, "%s must be a number", name))
		return 0, false
	}
	return f, true
}

func (p *params) integer(name string) (int64, bool) {
	v := p.text(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.fail(carpool.FieldErrorf(carpool.EINVALID, name, "%s must be an integer", name))
		return 0, false
	}
	return n, true
}

// point reads a latitude and longitude pair; nil unless both are numbers.
func (p *params) point(latName, lngName string) *carpool.Point {
	lat, okLat := p.number(latName)
	lng, okLng := p.number(lngName)
	if !okLat || !okLng {
		return nil
	}
	return &carpool.Point{Lat: lat, Lon: lng}
}

// unix reads a UNIX UTC timestamp in seconds.
func (p *params) unix(name string) (time.Time, bool) {
	v, ok := p.integer(name)
	if !ok {
		return time.Time{}, false
	}
	if v < 0 || v > 1<<40 {
		p.fail(carpool.FieldErrorf(carpool.EINVALID, name, "%s must be UNIX seconds", name))
		return time.Time{}, false
	}
	return time.Unix(v, 0).UTC(), true
}

// seconds reads a positive margin in seconds of at most limit.
func (p *params) seconds(name string, limit time.Duration) time.Duration {
	v, ok := p.integer(name)
	if !ok {
		return 0
	}
	if v <= 0 || v > int64(limit/time.Second) {
		p.fail(carpool.FieldErrorf(carpool.EINVALID, name, "%s must be between 1 and %d seconds", name, int64(limit/time.Second)))
		return 0
	}
	return time.Duration(v) * time.Second
}

// radius reads a positive radius in kilometres.
func (p *params) radius(name string) float64 {
	v, ok := p.number(name)
	if ok && v <= 0 {
		p.fail(carpool.FieldErrorf(carpool.EINVALID, name, "%s must be positive", name))
	}
	return v
}

func (p *params) count() int {
	v, ok := p.integer("count")
	if !ok {
		return 0
	}
	if v < 1 || v > 1<<20 {
		p.fail(carpool.FieldErrorf(carpool.EINVALID, "count", "count must be a positive integer"))
		return 0
	}
	return int(v)
}

// timeOfDay reads an RFC 3339 partial-time (07:30:00, fractions allowed); carpool plans
// to the minute, so seconds are dropped.
func (p *params) timeOfDay(name string) *carpool.Clock {
	v := p.text(name)
	if v == "" {
		return nil
	}
	for _, layout := range []string{"15:04:05.999999999", "15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return &carpool.Clock{Hour: t.Hour(), Minute: t.Minute()}
		}
	}
	p.fail(carpool.FieldErrorf(carpool.EINVALID, name, "%s must be a time of day HH:MM:SS", name))
	return nil
}

// weekdays reads the standard's comma-separated MON,TUE,... (any case).
func (p *params) weekdays(name string) carpool.Weekdays {
	v := p.text(name)
	if v == "" {
		return 0
	}
	w, err := carpool.ParseWeekdays(strings.Split(v, ","))
	if err != nil || w == 0 {
		p.fail(carpool.FieldErrorf(carpool.EINVALID, name, "%s must list days among MON,TUE,WED,THU,FRI,SAT,SUN", name))
		return 0
	}
	return w
}
