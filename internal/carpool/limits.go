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
	// MaxCommutes is how many active commutes (ride series) one member may drive.
	MaxCommutes int
	// MaxScheduledRides is how many open rides ahead one member may have in all, the
	// days their commutes make counted together with the rides they offer one by one:
	// a commute's days beyond it wait, and are made as earlier rides leave.
	MaxScheduledRides int
	// MaxMessagesPerHour is how many messages one member may write in an hour, on
	// every ride together.
	MaxMessagesPerHour int
	// MaxThreadMessages is how many messages one ride's thread may hold.
	MaxThreadMessages int
	// MaxRideHomesPerYear is how many rides home one member may ask for in a calendar
	// year, declined requests not counted.
	MaxRideHomesPerYear int
	// MaxNoShows is how many no-shows (as passenger and as driver together) within
	// NoShowPeriod stop a member from booking seats and offering rides until the
	// earliest leaves the period; 0 means no-shows only count, they stop nobody.
	MaxNoShows int
	// NoShowPeriod is the rolling period no-shows count over; 0 means
	// DefaultNoShowPeriod.
	NoShowPeriod time.Duration
}

// DefaultLimits are the limits when none are configured.
func DefaultLimits() Limits {
	return Limits{
		MaxAdvance:            MaxDateAhead,
		MaxOpenRides:          20,
		MaxActiveReservations: 5,
		MaxReservation:        MaxReservation,
		MaxCommutes:           5,
		MaxScheduledRides:     60,
		MaxMessagesPerHour:    30,
		MaxThreadMessages:     200,
		MaxRideHomesPerYear:   DefaultRideHomesPerYear,
		NoShowPeriod:          DefaultNoShowPeriod,
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

// CheckCommute decides whether driver, who already drives activeCommutes active
// commutes, may offer one more.
func (l Limits) CheckCommute(driver Member, activeCommutes int) error {
	if l.MaxCommutes > 0 && !driver.ManagesFleet() && activeCommutes >= l.MaxCommutes {
		return Errorf(ECONFLICT, "you already drive %d commutes, the most one member may: end one first", activeCommutes)
	}
	return nil
}

// DaysToMake returns how many more commute days a driver who has openRides open rides
// ahead (of every kind) may have made now; -1 means no limit.
func (l Limits) DaysToMake(driver Member, openRides int) int {
	if l.MaxScheduledRides <= 0 || driver.ManagesFleet() {
		return -1
	}
	return max(l.MaxScheduledRides-openRides, 0)
}
