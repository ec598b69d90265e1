package carpool

import "time"

// No-shows: a driver marks a confirmed passenger who did not come (see ProofBook.NoShow),
// and a passenger marks a driver who never came. Both are counted per member for the
// fleet managers, never shown to other members, and a deployment may stop a member
// who keeps not showing up from booking seats and offering rides for a while (Limits).

// DriverNoShowWindow is how long after departure a passenger may still say the driver
// never came: long enough to do it the next morning, short enough to be about that day.
const DriverNoShowWindow = 24 * time.Hour

// DefaultNoShowPeriod is the rolling period no-shows are counted over when none is
// configured: the fleet's list shows it by default, and the limit counts in it.
const DefaultNoShowPeriod = 30 * 24 * time.Hour

// DriverNoShow is a passenger's word that the driver of their ride never came.
type DriverNoShow struct {
	BookingID   string
	RideID      string
	DriverID    string
	PassengerID string
	At          time.Time
}

// MarkDriverNoShow decides whether by, the passenger of booking b on ride r, may say the
// driver never came: only on a confirmed booking of a ride that was not cancelled, from
// departure until DriverNoShowWindow after, and once per booking (reported says one is
// held already).
func MarkDriverNoShow(by Member, r Ride, b Booking, reported bool, now time.Time) (DriverNoShow, error) {
	if by.ID != b.PassengerID {
		return DriverNoShow{}, Errorf(EFORBIDDEN, "only the passenger marks the driver as not there")
	}
	if r.Status == RideCancelled {
		return DriverNoShow{}, Errorf(ECONFLICT, "the ride was cancelled: nobody was to come")
	}
	if b.Status != BookingConfirmed {
		return DriverNoShow{}, Errorf(ECONFLICT, "only a confirmed passenger can mark the driver as not there")
	}
	if now.Before(r.DepartAt) {
		return DriverNoShow{}, Errorf(ECONFLICT, "the driver can be marked as not there only after departure")
	}
	if !now.Before(r.DepartAt.Add(DriverNoShowWindow)) {
		return DriverNoShow{}, Errorf(ECONFLICT, "the driver can be marked as not there only within 24 hours of departure")
	}
	if reported {
		return DriverNoShow{}, Errorf(ECONFLICT, "you have already marked the driver as not there")
	}
	return DriverNoShow{BookingID: b.ID, RideID: r.ID, DriverID: r.DriverID, PassengerID: b.PassengerID, At: now}, nil
}

// CanMarkDriverNoShow reports whether MarkDriverNoShow would accept by's mark now.
func CanMarkDriverNoShow(by Member, r Ride, b Booking, reported bool, now time.Time) bool {
	_, err := MarkDriverNoShow(by, r, b, reported, now)
	return err == nil
}

// NoShowCount is how often one member did not show up in a period: as a passenger
// (their driver marked them) and as a driver (a passenger marked them).
type NoShowCount struct {
	MemberID    string
	AsPassenger int
	AsDriver    int
}

// Total is the member's no-shows in both roles.
func (c NoShowCount) Total() int { return c.AsPassenger + c.AsDriver }

// NoShowSpan returns the period no-shows are counted over at now: the configured
// rolling period, or DefaultNoShowPeriod.
func (l Limits) NoShowSpan(now time.Time) (from, to time.Time) {
	return now.Add(-l.noShowPeriod()), now
}

// CheckNoShows decides whether member, who did not show up noShows times (both roles
// together) within the rolling NoShowPeriod before now, may still book a seat or offer
// a ride: at MaxNoShows they may not, until the earliest of them leaves the period.
// Nobody is exempt: a no-show leaves a colleague waiting whoever caused it.
func (l Limits) CheckNoShows(noShows int) error {
	if l.MaxNoShows <= 0 || noShows < l.MaxNoShows {
		return nil
	}
	return Errorf(ECONFLICT, "you did not show up %d times in the last %s: you can book seats and offer rides again once the earliest is older than that", noShows, days(l.noShowPeriod()))
}

func (l Limits) noShowPeriod() time.Duration {
	if l.NoShowPeriod <= 0 {
		return DefaultNoShowPeriod
	}
	return l.NoShowPeriod
}
