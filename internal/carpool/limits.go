package carpool

import (
	"time"
)

// Limits are the fair-use rules that keep one member from holding the pool's cars or
// flooding the ride list. A zero field means no limit. Fleet managers and admins are
// exempt from the counts (they plan for everyone) and maintenance blocks from every
// limit; how far ahead a ride may depart binds everyone, since no ride needs to be
// offered years ahead.
type Limits struct {
	// MaxAdvance is how far ahead of now a ride may depart or a trip reservation start.
	MaxAdvance time.Duration
	// MaxOpenRides is how many open rides, not yet departed, one member may offer.
	MaxOpenRides int
	// MaxActiveReservations is how many trip reservations, not yet ended, one member
	// may hold.
	MaxActiveReservations int
	// MaxReservation is the longest window one trip reservation may cover.
	MaxReservation time.Duration
}

// DefaultLimits are the limits when none are configured.
func DefaultLimits() Limits {
	return Limits{
		MaxAdvance:            MaxDateAhead,
		MaxOpenRides:          20,
		MaxActiveReservations: 5,
		MaxReservation:        MaxReservation,
	}
}

// CheckDeparture refuses a ride departing further ahead than MaxAdvance (EINVALID on
// depart_at).
func (l Limits) CheckDeparture(departAt, now time.Time) error {
	if l.MaxAdvance > 0 && departAt.After(now.Add(l.MaxAdvance)) {
		return FieldErrorf(EINVALID, "depart_at", "a ride may depart at most %s ahead", days(l.MaxAdvance))
	}
	return nil
}

// CheckRide decides whether driver, who already offers openRides open rides that have
// not departed, may offer one more departing at departAt.
func (l Limits) CheckRide(driver Member, departAt, now time.Time, openRides int) error {
	if err := l.CheckDeparture(departAt, now); err != nil {
		return err
	}
	if l.MaxOpenRides > 0 && !driver.ManagesFleet() && openRides >= l.MaxOpenRides {
		return Errorf(ECONFLICT, "you already offer %d open rides, the most one member may: cancel one or wait until one has left", openRides)
	}
	return nil
}

// CheckReservation decides whether member, who already holds activeReservations trip
// reservations that have not ended, may reserve [start, end) of kind.
func (l Limits) CheckReservation(member Member, kind ReservationKind, start, end, now time.Time, activeReservations int) error {
	if kind == ReservationMaintenance {
		return nil
	}
	var fe fieldErrors
	if l.MaxAdvance > 0 && start.After(now.Add(l.MaxAdvance)) {
		fe.add(FieldErrorf(EINVALID, "start", "a reservation may start at most %s ahead", days(l.MaxAdvance)))
	}
	if l.MaxReservation > 0 && end.Sub(start) > l.MaxReservation {
		fe.add(FieldErrorf(EINVALID, "end", "a reservation may cover at most %s", days(l.MaxReservation)))
	}
	if err := fe.err(); err != nil {
		return err
	}
	if l.MaxActiveReservations > 0 && !member.ManagesFleet() && activeReservations >= l.MaxActiveReservations {
		return Errorf(ECONFLICT, "you already hold %d reservations, the most one member may: cancel one or wait until one has ended", activeReservations)
	}
	return nil
}

// days writes a limit for people: whole days where it is whole days.
func days(d time.Duration) Phrase {
	if d == 24*time.Hour {
		return Phrasef("1 day")
	}
	if d%(24*time.Hour) == 0 {
		return Phrasef("%d days", int(d/(24*time.Hour)))
	}
	return Phrasef("%s", d)
}
