package carpool

import "time"

// Timestamp returns t in UTC with microsecond precision, the precision both storage
// engines keep, so a time read back equals the time written.
func Timestamp(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}
