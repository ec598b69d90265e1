package carpool

import (
	"context"
	"time"
)

// AlternativeWindow is how far before or after the lost pickup an alternative may leave:
// near enough to keep the passenger's day, wide enough to find a colleague.
const AlternativeWindow = 90 * time.Minute

// MaxAlternatives is how many alternatives a passenger is offered: the best few, so a
// notification stays short.
const MaxAlternatives = 3

// NeedsAlternatives reports whether b ended without its passenger's doing, so that the
// passenger is left without the ride: rejected by the driver, or cancelled by the
// driver, a ride's cancellation or an administrator.
func (b Booking) NeedsAlternatives() bool {
	switch b.Status {
	case BookingRejected:
		return true
	case BookingCancelled:
		return b.CancelledBy != b.PassengerID
	}
	return false
}

// AlternativeQuery is the search for rides that take the passenger of b instead of the
// lost ride: along the way between their pickup and drop-off (or the ride's ends when
// they named none), leaving within AlternativeWindow of when the lost ride would have
// picked them up, with the seats they had.
func AlternativeQuery(lost Ride, b Booking) RideQuery {
	from, to := lost.From.Point(), lost.To.Point()
	if b.Pickup != nil && b.Dropoff != nil {
		from, to = b.Pickup.Point(), b.Dropoff.Point()
	}
	pickup := lost.PickupAt(lost.Insert(&from, &to))
	return RideQuery{From: &from, To: &to, Route: true, Seats: b.Seats,
		DepartAfter: pickup.Add(-AlternativeWindow), DepartBefore: pickup.Add(AlternativeWindow)}
}

// Alternatives keeps, of matches ranked best first, the first MaxAlternatives a
// passenger can book: not the lost ride, not one they drive themselves.
func Alternatives(matches []RideMatch, lost Ride, b Booking) []RideMatch {
	var out []RideMatch
	for _, m := range matches {
		if m.Ride.ID == lost.ID || m.Ride.DriverID == b.PassengerID {
			continue
		}
		out = append(out, m)
		if len(out) == MaxAlternatives {
			break
		}
	}
	return out
}

// RideSearcher is the ride search of a store, all SearchAlternatives needs.
type RideSearcher interface {
	SearchRides(ctx context.Context, q RideQuery, offset, limit int) ([]RideMatch, error)
}

// SearchAlternatives runs the search for b's lost ride at now and keeps the best few:
// the one way both the passenger's question and the notification relay find them.
func SearchAlternatives(ctx context.Context, s RideSearcher, lost Ride, b Booking, now time.Time) ([]RideMatch, error) {
	q := AlternativeQuery(lost, b)
	if q.DepartBefore.Before(now) {
		return nil, nil // the lost ride's time has passed: no ride can replace it now
	}
	q, err := q.Normalize(now)
	if err != nil {
		return nil, err
	}
	// A few more than are kept, for the lost ride and the passenger's own to drop.
	matches, err := s.SearchRides(ctx, q, 0, 2*MaxAlternatives+2)
	if err != nil {
		return nil, err
	}
	return Alternatives(matches, lost, b), nil
}
