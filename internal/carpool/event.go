package carpool

import (
	"encoding/json"
	"fmt"
	"time"
)

// Event types written to the outbox. Each is written in the same transaction as the state
// change it reports, so no notification is lost or invented when a process dies.
const (
	EventBookingRequested     = "booking.requested"
	EventBookingConfirmed     = "booking.confirmed"
	EventBookingWaitlisted    = "booking.waitlisted"
	EventBookingRejected      = "booking.rejected"
	EventBookingCancelled     = "booking.cancelled"
	EventRideCreated          = "ride.created"
	EventRideUpdated          = "ride.updated"
	EventRideCancelled        = "ride.cancelled"
	EventReservationCreated   = "reservation.created"
	EventReservationCancelled = "reservation.cancelled"
	// EventRideParking tells a driver that their ride got (ReasonSpaceGranted) or lost
	// (ReasonSpaceReleased) a carpool space at the site it arrives at.
	EventRideParking = "ride.parking"
	EventRideMessage = "ride.message" // someone wrote in a ride's thread
)

// Event is one outbox entry: what happened, to which object, and whom it concerns. Seq is
// given by the store and orders events for delivery.
type Event struct {
	ID          string
	Seq         int64
	Type        string
	SubjectID   string // the booking, ride or reservation the event is about
	RecipientID string // the member who should hear about it
	Payload     json.RawMessage
	CreatedAt   time.Time
}

// Reason says why a booking changed; booking events carry it, and what a member is told
// depends on it.
type Reason string

const (
	ReasonInstant          Reason = "instant"           // confirmed at once on an instant ride
	ReasonApproved         Reason = "approved"          // the driver confirmed a request
	ReasonWaitlistPromoted Reason = "waitlist_promoted" // a freed seat confirmed a waitlisted booking
	ReasonWaitlistMovedUp  Reason = "waitlist_moved_up" // a freed seat made a waitlisted booking a request
	ReasonRideCancelled    Reason = "ride_cancelled"    // the ride was cancelled under the booking
	ReasonPassenger        Reason = "passenger"         // the passenger cancelled
	ReasonDriver           Reason = "driver"            // the driver rejected or cancelled
	ReasonSpaceGranted     Reason = "space_granted"     // the ride holds a parking space
	ReasonSpaceReleased    Reason = "space_released"    // the ride no longer holds its space
	ReasonNotTheDriver     Reason = "not_the_driver"    // a fleet manager or an admin cancelled a driver's ride
)

// bookingPayload is the body of booking events.
type bookingPayload struct {
	BookingID   string `json:"booking_id"`
	RideID      string `json:"ride_id"`
	PassengerID string `json:"passenger_id"`
	DriverID    string `json:"driver_id"`
	Seats       int    `json:"seats"`
	Status      string `json:"status"`
	Reason      Reason `json:"reason,omitempty"`
}

// Payload is what a consumer reads of any outbox event: the union of the fields of every
// kind's payload (booking, ride, reservation, series), each under the name the writer
// gives it, so the relay and the webhooks read one type whatever the kind.
type Payload struct {
	BookingID     string    `json:"booking_id"`
	RideID        string    `json:"ride_id"`
	PassengerID   string    `json:"passenger_id"`
	DriverID      string    `json:"driver_id"`
	Seats         int       `json:"seats"`
	Status        string    `json:"status"`
	Reason        Reason    `json:"reason"`
	DepartAt      time.Time `json:"depart_at"`
	ReservationID string    `json:"reservation_id"`
	CarID         string    `json:"car_id"`
	MemberID      string    `json:"member_id"`
	Kind          string    `json:"kind"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	SeriesID      string    `json:"series_id"`
	Date          string    `json:"date"`
	SiteID        string    `json:"site_id"`
	Space         string    `json:"space"`
}

// Decode reads the event's payload.
func (e Event) Decode() (Payload, error) {
	var p Payload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return p, fmt.Errorf("decode %s payload: %w", e.Type, err)
	}
	return p, nil
}

func newEvent(typ, subject, recipient string, payload any, now time.Time) Event {
	body, err := json.Marshal(payload)
	if err != nil {
		// The payloads are plain structs of strings and numbers; Marshal cannot fail on them.
		body = []byte("{}")
	}
	return Event{ID: NewID(), Type: typ, SubjectID: subject, RecipientID: recipient, Payload: body, CreatedAt: now}
}

func bookingEvent(typ string, b Booking, recipient string, reason Reason, now time.Time) Event {
	return newEvent(typ, b.ID, recipient, bookingPayload{
		BookingID: b.ID, RideID: b.RideID, PassengerID: b.PassengerID, DriverID: b.DriverID,
		Seats: b.Seats, Status: string(b.Status), Reason: reason,
	}, now)
}

type ridePayload struct {
	RideID   string    `json:"ride_id"`
	DriverID string    `json:"driver_id"`
	DepartAt time.Time `json:"depart_at"`
	Seats    int       `json:"seats"`
	Status   string    `json:"status"`
	Reason   Reason    `json:"reason,omitempty"`
}

func rideEvent(typ string, r Ride, recipient string, now time.Time) Event {
	return newEvent(typ, r.ID, recipient, ridePayload{
		RideID: r.ID, DriverID: r.DriverID, DepartAt: r.DepartAt, Seats: r.Seats, Status: string(r.Status),
	}, now)
}

// rideCancelledEvent records a cancelled ride; when someone other than its driver
// cancelled it (ReasonNotTheDriver), the driver is to hear of it.
func rideCancelledEvent(r Ride, by Member, now time.Time) Event {
	p := ridePayload{RideID: r.ID, DriverID: r.DriverID, DepartAt: r.DepartAt, Seats: r.Seats, Status: string(r.Status)}
	if by.ID != r.DriverID {
		p.Reason = ReasonNotTheDriver
	}
	return newEvent(EventRideCancelled, r.ID, r.DriverID, p, now)
}

type reservationPayload struct {
	ReservationID string    `json:"reservation_id"`
	CarID         string    `json:"car_id"`
	MemberID      string    `json:"member_id"`
	Kind          string    `json:"kind"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Status        string    `json:"status"`
}

// ReservationEvent returns the outbox event for a reservation's creation or cancellation.
func ReservationEvent(typ string, r Reservation, now time.Time) Event {
	return newEvent(typ, r.ID, r.MemberID, reservationPayload{
		ReservationID: r.ID, CarID: r.CarID, MemberID: r.MemberID, Kind: string(r.Kind),
		Start: r.Start, End: r.End, Status: string(r.Status),
	}, now)
}

type parkingPayload struct {
	RideID   string `json:"ride_id"`
	DriverID string `json:"driver_id"`
	SiteID   string `json:"site_id"`
	Date     string `json:"date"`
	Space    string `json:"space"`
	Reason   Reason `json:"reason"`
}

func parkingEvent(reason Reason, c ParkingClaim, label string, now time.Time) Event {
	return newEvent(EventRideParking, c.RideID, c.DriverID, parkingPayload{
		RideID: c.RideID, DriverID: c.DriverID, SiteID: c.SiteID, Date: c.Day.String(), Space: label, Reason: reason,
	}, now)
}

// RideCreatedEvent returns the outbox event for a new ride.
func RideCreatedEvent(r Ride, now time.Time) Event {
	return rideEvent(EventRideCreated, r, r.DriverID, now)
}
