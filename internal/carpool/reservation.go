package carpool

import (
	"time"
)

// ReservationKind tells a member's trip from a fleet manager's maintenance block.
type ReservationKind string

const (
	ReservationTrip        ReservationKind = "trip"
	ReservationMaintenance ReservationKind = "maintenance"
)

// ReservationStatus is active until the reservation is cancelled.
type ReservationStatus string

const (
	ReservationActive    ReservationStatus = "active"
	ReservationCancelled ReservationStatus = "cancelled"
)

// MaxReservation is the longest window one trip reservation may cover unless configured
// otherwise (Limits.MaxReservation).
const MaxReservation = 14 * 24 * time.Hour

// clockSlack lets a window start a little in the past, so a form filled in with "now"
// is not refused by the time it arrives.
const clockSlack = 5 * time.Minute

// Reservation holds a pool car for [Start, End) in UTC. No two active reservations of one
// car overlap; windows that touch (one ends when the next starts) do not overlap.
type Reservation struct {
	ID          string
	CarID       string
	MemberID    string
	Kind        ReservationKind
	Start       time.Time
	End         time.Time
	Status      ReservationStatus
	CancelledBy string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Overlaps reports whether the half-open windows [r.Start, r.End) and [start, end) share
// an instant.
func (r Reservation) Overlaps(start, end time.Time) bool {
	return r.Start.Before(end) && start.Before(r.End)
}

// Covers reports whether t lies within the reservation's window.
func (r Reservation) Covers(t time.Time) bool {
	return !t.Before(r.Start) && t.Before(r.End)
}

// NewReservation checks a request to reserve car for member and returns the reservation
// to store. It does not know about other reservations: the store checks overlaps and the
// fair-use Limits in the same transaction that inserts, and the database enforces
// overlaps again.
func NewReservation(car Car, member Member, kind ReservationKind, start, end, now time.Time) (Reservation, error) {
	if kind == "" {
		kind = ReservationTrip
	}
	start, end = Timestamp(start), Timestamp(end)
	switch kind {
	case ReservationTrip:
		if car.Status != CarActive {
			return Reservation{}, FieldErrorf(ECONFLICT, "car_id", "car is %s and cannot be reserved", car.Status)
		}
	case ReservationMaintenance:
		if !member.ManagesFleet() {
			return Reservation{}, Errorf(EFORBIDDEN, "only fleet managers can block a car for maintenance")
		}
		if car.Status == CarRetired {
			return Reservation{}, FieldErrorf(ECONFLICT, "car_id", "car is retired")
		}
	default:
		return Reservation{}, FieldErrorf(EINVALID, "kind", "kind must be trip or maintenance")
	}
	if car.Kind != CarPool {
		return Reservation{}, FieldErrorf(EINVALID, "car_id", "only pool cars can be reserved")
	}
	var fe fieldErrors
	switch {
	case start.IsZero():
		fe.add(FieldErrorf(EINVALID, "start", "start is required"))
	case start.Before(now.Add(-clockSlack)):
		fe.add(FieldErrorf(EINVALID, "start", "start must not be in the past"))
	}
	switch {
	case end.IsZero():
		fe.add(FieldErrorf(EINVALID, "end", "end is required"))
	case start.IsZero():
	case !end.After(start):
		fe.add(FieldErrorf(EINVALID, "end", "end must be after start"))
	}
	if err := fe.err(); err != nil {
		return Reservation{}, err
	}
	return Reservation{
		ID:        NewID(),
		CarID:     car.ID,
		MemberID:  member.ID,
		Kind:      kind,
		Start:     start,
		End:       end,
		Status:    ReservationActive,
		CreatedAt: now,
		UpdatedAt: now,
	}, nil
}

// Cancel ends an active reservation. The holder and fleet managers may cancel.
func (r *Reservation) Cancel(by Member, now time.Time) error {
	if r.MemberID != by.ID && !by.ManagesFleet() {
		return Errorf(EFORBIDDEN, "only the holder or a fleet manager can cancel this reservation")
	}
	if r.Status != ReservationActive {
		return Errorf(ECONFLICT, "reservation is already %s", r.Status)
	}
	r.Status = ReservationCancelled
	r.CancelledBy = by.ID
	r.UpdatedAt = now
	return nil
}

// VisibleTo reports whether m may see the reservation.
func (r Reservation) VisibleTo(m Member) bool {
	return r.MemberID == m.ID || m.ManagesFleet()
}

// CheckCarFree refuses start..end when one of the car's active reservations (taken, as
// the store read them under the car's lock) overlaps it. The schema refuses an overlap
// again, should any path get past this.
func CheckCarFree(taken []Reservation, start, end time.Time) error {
	for _, r := range taken {
		if r.Status == ReservationActive && r.Start.Before(end) && start.Before(r.End) {
			return FieldErrorf(ECONFLICT, "start", "the car is already reserved during that time")
		}
	}
	return nil
}
