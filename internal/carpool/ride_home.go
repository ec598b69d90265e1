package carpool

import "time"

// A guaranteed ride home: a passenger whose ride from a site fell through (the driver
// cancelled or declined, the ride was cancelled, or nobody came) asks the fleet for
// another way home; a fleet manager approves with a pool car reserved for them or a taxi
// voucher, or declines with a reason. It is what makes leaving one's own car at home a
// safe bet, so it is bounded per member and year rather than per request.

// RideHomeStatus is where a request stands.
type RideHomeStatus string

const (
	RideHomeRequested RideHomeStatus = "requested"
	RideHomeApproved  RideHomeStatus = "approved"
	RideHomeDeclined  RideHomeStatus = "declined"
)

// RideHomeMeans is how an approved request takes the member home.
type RideHomeMeans string

const (
	RideHomePoolCar RideHomeMeans = "pool_car" // a pool car reserved for the member
	RideHomeTaxi    RideHomeMeans = "taxi"     // a taxi, paid by the voucher named
)

// DefaultRideHomesPerYear is how many rides home a member may ask for in a calendar year
// (declined requests do not count).
const DefaultRideHomesPerYear = 4

// RideHomeWindow is how far from the lost ride's departure a request may be made: a ride
// home is for the day itself, not for planning.
const RideHomeWindow = 12 * time.Hour

var (
	rideHomeNoteText   = Text{Min: 0, Max: 500, Multiline: true}
	rideHomeReasonText = Text{Min: 1, Max: 500, Multiline: true}
	voucherText        = Text{Min: 1, Max: 100}
)

// RideHomeRequest is one member's request for a ride home after losing a ride.
type RideHomeRequest struct {
	ID        string
	MemberID  string
	BookingID string
	RideID    string
	SiteID    string // where the lost ride was to leave from
	Note      string
	Status    RideHomeStatus
	// Means, ReservationID and Voucher say how an approved request takes the member
	// home; Reason why a declined one does not.
	Means         RideHomeMeans
	ReservationID string
	Voucher       string
	Reason        string
	DecidedBy     string
	CreatedAt     time.Time
	DecidedAt     time.Time
}

// RideHomeAsk is what the store and the rules know when a member asks for a ride home.
type RideHomeAsk struct {
	Booking Booking
	Ride    Ride
	// Site is the site the ride leaves from; ok false when it leaves from none.
	Site   Site
	AtSite bool
	// UsedThisYear counts the member's requests this calendar year that were not
	// declined; PerYear is the limit (0: none).
	UsedThisYear, PerYear int
	Note                  string
}

// NewRideHomeRequest decides whether me may ask for a ride home instead of the booking's
// ride: their own booking, on a ride from a site, lost (cancelled or declined by someone
// else, the ride cancelled, or its departure passed without them), within RideHomeWindow
// of the departure, and within the yearly limit. Every wrong field is reported at once.
func NewRideHomeRequest(me Member, in RideHomeAsk, now time.Time) (RideHomeRequest, error) {
	b, r := in.Booking, in.Ride
	if b.PassengerID != me.ID {
		return RideHomeRequest{}, Errorf(ENOTFOUND, "booking not found")
	}
	note, noteErr := rideHomeNoteText.Clean("note", in.Note)
	var errs []error
	if !in.AtSite {
		errs = append(errs, FieldErrorf(EINVALID, "booking_id", "the ride does not leave from a site: a ride home is for the way back from work"))
	}
	if noteErr != nil {
		errs = append(errs, noteErr)
	}
	if err := JoinInvalid(errs...); err != nil {
		return RideHomeRequest{}, err
	}
	if !RideLost(me, b, r, now) {
		return RideHomeRequest{}, Errorf(ECONFLICT, "the ride still takes you: ask for a ride home once it is cancelled, declined or has left without you")
	}
	if !InRideHomeWindow(r, now) {
		return RideHomeRequest{}, Errorf(ECONFLICT, "a ride home is asked for on the day: from 12 hours before the ride's departure to 12 hours after")
	}
	if in.PerYear > 0 && in.UsedThisYear >= in.PerYear {
		return RideHomeRequest{}, Errorf(ECONFLICT, "you have asked for %d rides home this year, the most there are", in.UsedThisYear)
	}
	return RideHomeRequest{ID: NewID(), MemberID: me.ID, BookingID: b.ID, RideID: r.ID, SiteID: in.Site.ID,
		Note: note, Status: RideHomeRequested, CreatedAt: Timestamp(now)}, nil
}

// RideLost reports whether me's booking b no longer takes them on ride r at now: declined,
// cancelled by someone else, the ride cancelled, or its departure passed with them
// still waiting.
func RideLost(me Member, b Booking, r Ride, now time.Time) bool {
	return b.PassengerID == me.ID && (r.Status == RideCancelled || b.Status == BookingRejected ||
		b.Status == BookingCancelled && b.CancelledBy != me.ID ||
		b.Status == BookingConfirmed && !now.Before(r.DepartAt))
}

// InRideHomeWindow reports whether now is within RideHomeWindow of r's departure.
func InRideHomeWindow(r Ride, now time.Time) bool {
	return !now.Before(r.DepartAt.Add(-RideHomeWindow)) && !now.After(r.DepartAt.Add(RideHomeWindow))
}

// RideHomeDecision is a fleet manager's answer: approve with a means (a pool car, whose
// reservation the application makes, or a taxi voucher), or decline with a reason.
type RideHomeDecision struct {
	Approve bool
	Means   RideHomeMeans
	CarID   string // for a pool car
	Voucher string // for a taxi
	Reason  string // for a decline
}

// Check validates the decision's fields, naming every one at fault.
func (d RideHomeDecision) Check() (RideHomeDecision, error) {
	var errs []error
	if !d.Approve {
		reason, err := rideHomeReasonText.Clean("reason", d.Reason)
		d.Reason = reason
		return d, JoinInvalid(err)
	}
	switch d.Means {
	case RideHomePoolCar:
		if d.CarID == "" {
			errs = append(errs, FieldErrorf(EINVALID, "car_id", "car_id is required for a pool car"))
		}
	case RideHomeTaxi:
		v, err := voucherText.Clean("voucher", d.Voucher)
		d.Voucher = v
		errs = append(errs, err)
	default:
		errs = append(errs, FieldErrorf(EINVALID, "means", "means must be pool_car or taxi"))
	}
	return d, JoinInvalid(errs...)
}

// Decidable says whether by may decide on the request now: a fleet manager, while it is
// pending.
func (q RideHomeRequest) Decidable(by Member) error {
	if !by.ManagesFleet() {
		return Errorf(EFORBIDDEN, "only fleet managers decide on rides home")
	}
	if q.Status != RideHomeRequested {
		return Errorf(ECONFLICT, "the request was answered already")
	}
	return nil
}

// Decide records a fleet manager's decision on a pending request; reservationID is the
// pool car reserved for an approval by car.
func (q *RideHomeRequest) Decide(by Member, d RideHomeDecision, reservationID string, now time.Time) error {
	if err := q.Decidable(by); err != nil {
		return err
	}
	q.DecidedBy, q.DecidedAt = by.ID, Timestamp(now)
	if !d.Approve {
		q.Status, q.Reason = RideHomeDeclined, d.Reason
		return nil
	}
	q.Status, q.Means, q.ReservationID, q.Voucher = RideHomeApproved, d.Means, reservationID, d.Voucher
	return nil
}

// RideHomeEvent tells recipient about the request: fleet managers of a new one, the
// member of the decision.
func RideHomeEvent(typ string, q RideHomeRequest, recipient string, now time.Time) Event {
	return newEvent(typ, q.ID, recipient, rideHomePayload{RideID: q.RideID, BookingID: q.BookingID, MemberID: q.MemberID,
		SiteID: q.SiteID, Status: string(q.Status), Kind: string(q.Means), ReservationID: q.ReservationID}, now)
}

type rideHomePayload struct {
	RideID        string `json:"ride_id"`
	BookingID     string `json:"booking_id"`
	MemberID      string `json:"member_id"`
	SiteID        string `json:"site_id"`
	Status        string `json:"status"`
	Kind          string `json:"kind,omitempty"`
	ReservationID string `json:"reservation_id,omitempty"`
}

// Events of rides home.
const (
	EventRideHomeRequested = "ride_home.requested" // to every fleet manager
	EventRideHomeDecided   = "ride_home.decided"   // to the member: approved or declined
)
