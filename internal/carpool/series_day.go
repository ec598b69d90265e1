package carpool

import (
	"errors"
	"fmt"
	"time"
)

// SeriesDay is what making one day of a series decided: the car's reservation for the
// day (pool car), the day's ride as it is made (NewRide, to insert) and as the
// subscribers' bookings changed it (Ride, saved after), and the events to write before
// the ride's own booking events. A day whose pool car is taken, or whose
// ride the rules refuse (the car was retired), is a conflict: no ride, and the driver
// and fleet managers are told (ConflictNotices).
type SeriesDay struct {
	Occurrence  Occurrence
	Reservation *Reservation
	NewRide     Ride
	Ride        *RideBook
	Events      []Event
}

// Conflict reports whether the day could not be made.
func (d SeriesDay) Conflict() bool { return d.Occurrence.Status == OccurrenceConflict }

// MakeDay decides day d of the series, with the car as it is, the car's active
// reservations overlapping the day's window (pool car), and the series' subscribers.
// A subscriber the ride cannot take (it cannot happen while Fits holds) misses that day
// rather than everyone else losing it.
func (s Series) MakeDay(d Date, car Car, taken []Reservation, subs []Subscription, now time.Time) (SeriesDay, error) {
	day := SeriesDay{Occurrence: Occurrence{SeriesID: s.ID, On: d, Status: OccurrenceScheduled, CreatedAt: now, UpdatedAt: now}}
	driver := Member{ID: s.DriverID, Role: RoleMember}
	if s.UsesPoolCar() {
		start, end := s.ReservationWindow(d)
		r, err := NewReservation(car, driver, ReservationTrip, start, end, now)
		if err == nil {
			err = CheckCarFree(taken, start, end)
		}
		if refused(err) {
			return s.conflictDay(day), nil
		}
		if err != nil {
			return day, err
		}
		day.Reservation, day.Occurrence.ReservationID = &r, r.ID
		day.Events = append(day.Events, ReservationEvent(EventReservationCreated, r, now))
	}
	ride, err := NewRide(s.RideInput(d, day.Occurrence.ReservationID), driver, car, day.Reservation, now)
	if refused(err) {
		if day.Reservation != nil {
			// The reservation was decided for this ride alone, from the same car.
			return day, fmt.Errorf("ride refused after its reservation was made: %w", err)
		}
		return s.conflictDay(day), nil
	}
	if err != nil {
		return day, err
	}
	day.Occurrence.RideID = ride.ID
	day.Events = append(day.Events, RideCreatedEvent(ride, now))
	day.NewRide, day.Ride = ride, &RideBook{Ride: ride}
	for _, sub := range subs {
		if sub.Covers(d) {
			_, _ = day.Ride.Book(Member{ID: sub.PassengerID}, sub.BookingRequest(), now)
		}
	}
	return day, nil
}

func (s Series) conflictDay(day SeriesDay) SeriesDay {
	day.Occurrence.Status, day.Occurrence.ReservationID, day.Occurrence.RideID = OccurrenceConflict, "", ""
	day.Reservation, day.Ride, day.Events = nil, nil, nil
	return day
}

// refused reports whether err is the rules saying no (as opposed to a failure).
func refused(err error) bool {
	code := ErrorCode(err)
	return err != nil && (code == ECONFLICT || code == EINVALID)
}

// ConflictNotices tells the driver and every fleet manager (managers: their ids) that
// day d could not be made because its pool car was taken.
func (s Series) ConflictNotices(d Date, managers []string, now time.Time) []Event {
	events := []Event{SeriesEvent(EventSeriesConflict, s, d, s.DriverID, now)}
	for _, m := range managers {
		if m != s.DriverID {
			events = append(events, SeriesEvent(EventSeriesConflict, s, d, m, now))
		}
	}
	return events
}

// SkipNotices tells each subscriber who rides on day d that the driver skipped it (also
// when its ride was not made yet, so no booking event says it).
func (s Series) SkipNotices(subs []Subscription, d Date, now time.Time) []Event {
	var events []Event
	for _, sub := range subs {
		if sub.Covers(d) {
			events = append(events, SeriesEvent(EventSeriesSkipped, s, d, sub.PassengerID, now))
		}
	}
	return events
}

// EndNotices tells the driver and every subscriber that the series has ended.
func (s Series) EndNotices(subs []Subscription, now time.Time) []Event {
	events := []Event{SeriesEvent(EventSeriesEnded, s, Date{}, s.DriverID, now)}
	for _, sub := range subs {
		events = append(events, SeriesEvent(EventSeriesEnded, s, Date{}, sub.PassengerID, now))
	}
	return events
}

// Ahead reports whether the ride is open and still to leave: the days a change to the
// series, its end or a subscription still reaches.
func (r Ride) Ahead(now time.Time) bool { return r.Status == RideOpen && r.DepartAt.After(now) }

// Leave cancels the passenger's active booking on the ride while it is still ahead;
// ENOTFOUND when they hold none.
func (rb *RideBook) Leave(passenger Member, now time.Time) (Booking, error) {
	if rb.Ride.DepartAt.After(now) {
		for _, b := range rb.Bookings {
			if b.PassengerID == passenger.ID && b.Status.Active() {
				return rb.Cancel(b.ID, passenger, now)
			}
		}
	}
	return Booking{}, Errorf(ENOTFOUND, "you hold no booking on that day")
}

// OnDay names day d in a domain error, so a driver learns which day's ride refused.
func OnDay(d Date, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return FieldErrorf(e.Code, e.Field, "%s: %s", d, e.Phrase())
	}
	return err
}
