package sqlstore

import (
	"database/sql"

	"carpool/internal/carpool"
)

// bookingPointCols are a booking's pickup and drop-off, NULL when the passenger gave none.
const bookingPointCols = "pickup_label, pickup_lat, pickup_lon, dropoff_label, dropoff_lat, dropoff_lon"

// pointCols scans three nullable columns (label, lat, lon) into a *carpool.Place that
// stays nil for NULL.
type pointCols struct {
	dst   **carpool.Place
	label sql.NullString
	lat   sql.NullFloat64
	lon   sql.NullFloat64
}

func (p *pointCols) targets() []any { return []any{&p.label, &p.lat, &p.lon} }

func (p *pointCols) finish() {
	*p.dst = nil
	if p.label.Valid && p.lat.Valid && p.lon.Valid {
		*p.dst = &carpool.Place{Label: p.label.String, Lat: p.lat.Float64, Lon: p.lon.Float64}
	}
}

// pointArgs returns the three column values of a place, NULLs for nil.
func pointArgs(p *carpool.Place) []any {
	if p == nil {
		return []any{nil, nil, nil}
	}
	return []any{p.Label, p.Lat, p.Lon}
}
