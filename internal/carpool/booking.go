package carpool

import (
	"time"
)

// BookingStatus is where a booking stands. pending → confirmed | rejected | cancelled;
// waitlisted → confirmed (promoted, instant mode) | pending (moved up, approval mode) |
// rejected | cancelled; confirmed → cancelled.
type BookingStatus string

const (
	BookingPending    BookingStatus = "pending"
	BookingConfirmed  BookingStatus = "confirmed"
	BookingWaitlisted BookingStatus = "waitlisted"
	BookingRejected   BookingStatus = "rejected"
	BookingCancelled  BookingStatus = "cancelled"
)

// Active reports whether a booking still counts: a passenger holds at most one active
// booking per ride.
func (s BookingStatus) Active() bool {
	return s == BookingPending || s == BookingConfirmed || s == BookingWaitlisted
}

// Booking is a passenger's claim on seats of a ride. DriverID is copied from the ride so
// the database itself can refuse a driver booking their own ride.
type Booking struct {
	ID          string
	RideID      string
	DriverID    string
	PassengerID string
	Seats       int
	Status      BookingStatus
	CancelledBy string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Pickup and Dropoff are where the passenger boards and leaves, when they said so;
	// the driver sees them once the booking is confirmed.
	Pickup, Dropoff *Place
}

// BookingRequest is a passenger's request for seats.
type BookingRequest struct {
	Seats    int
	Waitlist bool

	// Pickup and Dropoff, both or neither, say where along the ride the passenger joins.
	Pickup, Dropoff *Place
}

// RideBook is a ride with its active bookings (oldest first): the unit that every seat
// decision locks, reads and writes at once. Its methods apply the rules and record what
// changed; the store writes Change() in the same transaction it read the RideBook in.
type RideBook struct {
	Ride     Ride
	Bookings []Booking

	change Change
}

// Change is what a RideBook operation altered and must be written back.
type Change struct {
	RideChanged bool
	Created     []Booking
	Updated     []Booking
	Events      []Event
}

// Change returns what the operations so far altered.
func (rb *RideBook) Change() Change { return rb.change }

// Book asks for seats on the ride for passenger. The booking is confirmed at once
// (instant mode, seats free), pending (approval mode, seats free), waitlisted (no room and
// the passenger asked for the waitlist), or refused with ECONFLICT when full.
func (rb *RideBook) Book(passenger Member, req BookingRequest, now time.Time) (Booking, error) {
	ride := &rb.Ride
	if err := ride.Bookable(now); err != nil {
		return Booking{}, err
	}
	if passenger.ID == ride.DriverID {
		return Booking{}, Errorf(EFORBIDDEN, "you cannot book a seat on your own ride")
	}
	if req.Seats < 1 || req.Seats > ride.Seats {
		return Booking{}, FieldErrorf(EINVALID, "seats", "seats must be between 1 and %d", ride.Seats)
	}
	if err := req.validatePoints(); err != nil {
		return Booking{}, err
	}
	if err := rb.fits(Booking{Pickup: req.Pickup, Dropoff: req.Dropoff}); err != nil {
		return Booking{}, err
	}
	for _, b := range rb.Bookings {
		if b.PassengerID == passenger.ID && b.Status.Active() {
			return Booking{}, Errorf(ECONFLICT, "you already hold a %s booking on this ride", b.Status)
		}
	}
	b := Booking{
		ID: NewID(), RideID: ride.ID, DriverID: ride.DriverID, PassengerID: passenger.ID,
		Seats: req.Seats, CreatedAt: now, UpdatedAt: now,
	}
	b.Pickup, b.Dropoff = req.Pickup, req.Dropoff
	switch {
	case req.Seats > ride.FreeSeats() && req.Waitlist:
		b.Status = BookingWaitlisted
		rb.record(bookingEvent(EventBookingWaitlisted, b, b.PassengerID, "", now))
	case req.Seats > ride.FreeSeats():
		if ride.FreeSeats() == 0 {
			return Booking{}, FieldErrorf(ECONFLICT, "seats", "ride is full")
		}
		return Booking{}, FieldErrorf(ECONFLICT, "seats", "only %d seats are free", ride.FreeSeats())
	case ride.BookingMode == BookingApproval:
		b.Status = BookingPending
		rb.record(bookingEvent(EventBookingRequested, b, ride.DriverID, "", now))
	default:
		b.Status = BookingConfirmed
		rb.takeSeats(b.Seats, now)
		rb.record(bookingEvent(EventBookingConfirmed, b, b.PassengerID, ReasonInstant, now))
	}
	rb.Bookings = append(rb.Bookings, b)
	rb.change.Created = append(rb.change.Created, b)
	return b, nil
}

// Confirm accepts a pending booking; only the driver may, and only while seats are free.
func (rb *RideBook) Confirm(bookingID string, by Member, now time.Time) (Booking, error) {
	b, err := rb.find(bookingID, by)
	if err != nil {
		return Booking{}, err
	}
	if by.ID != rb.Ride.DriverID {
		return Booking{}, Errorf(EFORBIDDEN, "only the driver can confirm a booking")
	}
	if err := rb.Ride.Bookable(now); err != nil {
		return Booking{}, err
	}
	if b.Status != BookingPending {
		return Booking{}, Errorf(ECONFLICT, "booking is %s, not pending", b.Status)
	}
	if b.Seats > rb.Ride.FreeSeats() {
		return Booking{}, Errorf(ECONFLICT, "only %d seats are free", rb.Ride.FreeSeats())
	}
	if err := rb.fits(*b); err != nil {
		return Booking{}, err // the driver lowered the budget after the request came
	}
	b.Status = BookingConfirmed
	b.UpdatedAt = now
	rb.takeSeats(b.Seats, now)
	rb.update(*b)
	rb.record(bookingEvent(EventBookingConfirmed, *b, b.PassengerID, ReasonApproved, now))
	return *b, nil
}

// Reject turns down a pending or waitlisted booking; only the driver may.
func (rb *RideBook) Reject(bookingID string, by Member, now time.Time) (Booking, error) {
	b, err := rb.find(bookingID, by)
	if err != nil {
		return Booking{}, err
	}
	if by.ID != rb.Ride.DriverID {
		return Booking{}, Errorf(EFORBIDDEN, "only the driver can reject a booking")
	}
	if b.Status != BookingPending && b.Status != BookingWaitlisted {
		return Booking{}, Errorf(ECONFLICT, "booking is %s and cannot be rejected", b.Status)
	}
	b.Status = BookingRejected
	b.UpdatedAt = now
	rb.update(*b)
	rb.record(bookingEvent(EventBookingRejected, *b, b.PassengerID, ReasonDriver, now))
	return *b, nil
}

// Cancel ends an active booking, by its passenger or by the driver; who did it is
// recorded. Seats it held go to the oldest waitlisted bookings that fit, in this same
// change (see promoteWaitlist for what that means in approval mode).
func (rb *RideBook) Cancel(bookingID string, by Member, now time.Time) (Booking, error) {
	b, err := rb.find(bookingID, by)
	if err != nil {
		return Booking{}, err
	}
	if !b.Status.Active() {
		return Booking{}, Errorf(ECONFLICT, "booking is already %s", b.Status)
	}
	wasConfirmed := b.Status == BookingConfirmed
	b.Status = BookingCancelled
	b.CancelledBy = by.ID
	b.UpdatedAt = now
	rb.update(*b)
	reason, recipient := ReasonPassenger, rb.Ride.DriverID
	if by.ID != b.PassengerID {
		reason, recipient = ReasonDriver, b.PassengerID
	}
	rb.record(bookingEvent(EventBookingCancelled, *b, recipient, reason, now))
	if wasConfirmed {
		rb.Ride.SeatsTaken -= b.Seats
		rb.touchRide(now)
		rb.promoteWaitlist(now)
	}
	return *b, nil
}

// CancelRide cancels the ride and every active booking on it; each passenger is told
// through an event of their own.
func (rb *RideBook) CancelRide(by Member, now time.Time) error {
	if by.ID != rb.Ride.DriverID && by.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only the driver can cancel this ride")
	}
	if rb.Ride.Status == RideCancelled {
		return Errorf(ECONFLICT, "ride is already cancelled")
	}
	rb.Ride.Status = RideCancelled
	rb.Ride.SeatsTaken = 0
	rb.touchRide(now)
	for i := range rb.Bookings {
		b := &rb.Bookings[i]
		if !b.Status.Active() {
			continue
		}
		b.Status = BookingCancelled
		b.CancelledBy = by.ID
		b.UpdatedAt = now
		rb.update(*b)
		rb.record(bookingEvent(EventBookingCancelled, *b, b.PassengerID, ReasonRideCancelled, now))
	}
	rb.record(rideCancelledEvent(rb.Ride, by, now))
	return nil
}

// Update applies a driver's patch. Seats can shrink no lower than the seats already
// confirmed; growing them promotes waitlisted bookings. A ride in a pool car rests on its
// driver's reservation res (nil when the ride has none): a new departure must still lie
// within it, or the car would be promised to the next member who reserves that time.
func (rb *RideBook) Update(p RidePatch, by Member, car Car, res *Reservation, now time.Time) error {
	ride := &rb.Ride
	if by.ID != ride.DriverID {
		return Errorf(EFORBIDDEN, "only the driver can change this ride")
	}
	if ride.Status == RideCancelled {
		return Errorf(ECONFLICT, "ride is cancelled")
	}
	if p.DepartAt != nil {
		t := Timestamp(*p.DepartAt)
		if !t.After(now) {
			return FieldErrorf(EINVALID, "depart_at", "depart_at must be in the future")
		}
		if err := stillCovered(*ride, car, res, t); err != nil {
			return err
		}
		ride.DepartAt = t
	}
	if p.Seats != nil {
		if err := validateOfferedSeats(*p.Seats, car); err != nil {
			return err
		}
		if *p.Seats < ride.SeatsTaken {
			return FieldErrorf(ECONFLICT, "seats", "%d seats are already confirmed", ride.SeatsTaken)
		}
		ride.Seats = *p.Seats
	}
	if p.BookingMode != nil {
		if !p.BookingMode.Valid() {
			return FieldErrorf(EINVALID, "booking_mode", "booking_mode must be instant or approval")
		}
		ride.BookingMode = *p.BookingMode
	}
	if p.Notes != nil {
		notes, err := notesText.Clean("notes", *p.Notes)
		if err != nil {
			return err
		}
		ride.Notes = notes
	}
	if p.DetourKM != nil {
		if err := rb.checkDetour(*p.DetourKM); err != nil {
			return err
		}
		ride.DetourKM = *p.DetourKM
	}
	if p.Sharing != nil {
		if !p.Sharing.Valid() {
			return FieldErrorf(EINVALID, "share_with_partners", "share_with_partners must be true, false or null")
		}
		ride.Sharing = *p.Sharing
	}
	rb.touchRide(now)
	if p.Sharing != nil && p.DepartAt == nil && p.Seats == nil && p.BookingMode == nil && p.Notes == nil && p.DetourKM == nil {
		// Whether partners list the ride changes nothing for its passengers: no news.
		return nil
	}
	rb.record(rideEvent(EventRideUpdated, *ride, ride.DriverID, now))
	rb.promoteWaitlist(now)
	return nil
}

// checkDetour checks a new detour budget for the ride. A larger one is always fine. A
// smaller one must still hold every confirmed passenger who gave a pickup and drop-off:
// the driver promised them that detour, and a search that no longer finds the ride along
// their way must not be how they learn it was taken back.
func (rb *RideBook) checkDetour(km float64) error {
	if err := validateDetour(km); err != nil {
		return err
	}
	if km >= rb.Ride.DetourKM {
		return nil
	}
	for _, b := range rb.Bookings {
		if b.Status != BookingConfirmed {
			continue
		}
		if need := rb.detourNeeded(b); need > km+detourSlack {
			return FieldErrorf(ECONFLICT, "max_detour_km",
				"a confirmed passenger's pickup and drop-off need a detour of %.1f km; cancel their booking first or keep at least that budget", need)
		}
	}
	return nil
}

// detourSlack absorbs floating-point noise when a detour is compared with a budget.
const detourSlack = 1e-9

// detourNeeded is the extra distance b's pickup and drop-off ask of the ride; 0 for a
// booking that gave neither.
func (rb *RideBook) detourNeeded(b Booking) float64 {
	if b.Pickup == nil || b.Dropoff == nil {
		return 0
	}
	p, q := b.Pickup.Point(), b.Dropoff.Point()
	return rb.Ride.Insert(&p, &q).DetourKM
}

// fits checks that b's pickup and drop-off lie within the ride's detour budget, on every
// path to a seat (booking, the driver's confirmation, the waitlist): the search only
// shows rides within it, and a seat beyond it is a promise the driver never made.
func (rb *RideBook) fits(b Booking) error {
	if need := rb.detourNeeded(b); need > rb.Ride.DetourKM+detourSlack {
		return FieldErrorf(ECONFLICT, "pickup",
			"the pickup and drop-off need a detour of %.1f km, more than the %.1f km the driver offers", need, rb.Ride.DetourKM)
	}
	return nil
}

// stillCovered checks that a ride in a pool car departing at t stays within the active
// trip reservation it rests on.
func stillCovered(ride Ride, car Car, res *Reservation, t time.Time) error {
	if car.Kind != CarPool && ride.ReservationID == "" {
		return nil
	}
	if res == nil || res.ID != ride.ReservationID || res.Status != ReservationActive || res.Kind != ReservationTrip {
		return FieldErrorf(ECONFLICT, "depart_at", "the ride's reservation of the car is no longer active")
	}
	if !res.Covers(t) {
		return FieldErrorf(ECONFLICT, "depart_at", "departure must lie within your reservation of the car (%s to %s)",
			Moment(res.Start), Moment(res.End))
	}
	return nil
}

// promoteWaitlist hands freed seats to waitlisted bookings, oldest first, while their
// seats fit. In instant mode they are confirmed. In approval mode nobody is confirmed
// without the driver: a waitlisted booking that fits becomes a pending request, behind
// the requests already pending, and the driver decides as for any other request.
func (rb *RideBook) promoteWaitlist(now time.Time) {
	if rb.Ride.Status != RideOpen || !rb.Ride.DepartAt.After(now) {
		return
	}
	for i := range rb.Bookings {
		b := &rb.Bookings[i]
		if b.Status != BookingWaitlisted || b.Seats > rb.Ride.FreeSeats() || rb.fits(*b) != nil {
			continue
		}
		b.UpdatedAt = now
		if rb.Ride.BookingMode == BookingApproval {
			b.Status = BookingPending
			rb.update(*b)
			rb.record(bookingEvent(EventBookingRequested, *b, rb.Ride.DriverID, ReasonWaitlistMovedUp, now))
			continue
		}
		b.Status = BookingConfirmed
		rb.takeSeats(b.Seats, now)
		rb.update(*b)
		rb.record(bookingEvent(EventBookingConfirmed, *b, b.PassengerID, ReasonWaitlistPromoted, now))
	}
}

// find returns the booking with id if by may act on it: its passenger or the driver.
// Anyone else gets ENOTFOUND, as if the booking did not exist.
func (rb *RideBook) find(id string, by Member) (*Booking, error) {
	for i := range rb.Bookings {
		b := &rb.Bookings[i]
		if b.ID == id && (b.PassengerID == by.ID || rb.Ride.DriverID == by.ID) {
			return b, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "booking not found")
}

func (rb *RideBook) takeSeats(n int, now time.Time) {
	rb.Ride.SeatsTaken += n
	rb.touchRide(now)
}

func (rb *RideBook) touchRide(now time.Time) {
	if !rb.change.RideChanged {
		rb.Ride.Version++
	}
	rb.Ride.UpdatedAt = now
	rb.change.RideChanged = true
}

func (rb *RideBook) record(e Event) { rb.change.Events = append(rb.change.Events, e) }

// update records b as changed; a booking created in this change is updated in place.
func (rb *RideBook) update(b Booking) {
	for i := range rb.change.Created {
		if rb.change.Created[i].ID == b.ID {
			rb.change.Created[i] = b
			return
		}
	}
	for i := range rb.change.Updated {
		if rb.change.Updated[i].ID == b.ID {
			rb.change.Updated[i] = b
			return
		}
	}
	rb.change.Updated = append(rb.change.Updated, b)
}

// ContactVisible reports whether viewer may see the contact details (phone, email) of
// other on a ride: only between the driver and a passenger whose booking is confirmed.
func ContactVisible(ride Ride, bookings []Booking, viewerID, otherID string) bool {
	if viewerID == otherID {
		return true
	}
	var passenger string
	switch ride.DriverID {
	case viewerID:
		passenger = otherID
	case otherID:
		passenger = viewerID
	default:
		return false
	}
	for _, b := range bookings {
		if b.RideID == ride.ID && b.PassengerID == passenger && b.Status == BookingConfirmed {
			return true
		}
	}
	return false
}

// VisibleTo reports whether m may see the booking: its passenger and the ride's driver.
func (b Booking) VisibleTo(m Member) bool {
	return m.ID != "" && (b.PassengerID == m.ID || b.DriverID == m.ID)
}
