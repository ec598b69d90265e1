package carpool

import (
	"time"
)

// BookingMode says whether a booking is confirmed at once or waits for the driver.
type BookingMode string

const (
	BookingInstant  BookingMode = "instant"
	BookingApproval BookingMode = "approval"
)

// Valid reports whether m is a known booking mode.
func (m BookingMode) Valid() bool { return m == BookingInstant || m == BookingApproval }

// RideStatus is open until the driver cancels. A ride whose departure has passed is still
// open in the data but no longer bookable.
type RideStatus string

const (
	RideOpen      RideStatus = "open"
	RideCancelled RideStatus = "cancelled"
)

// Place is a labelled point: a ride's origin or destination.
type Place struct {
	Label string
	Lat   float64
	Lon   float64
}

// Point returns the place's coordinates.
func (p Place) Point() Point { return Point{Lat: p.Lat, Lon: p.Lon} }

func (p *Place) validate(field string) error {
	var fe fieldErrors
	var err error
	p.Label, err = labelText.Clean(field+".label", p.Label)
	fe.add(err)
	fe.add(validateCoordinates(field+".", p.Lat, p.Lon))
	return fe.err()
}

// MaxNotes is the longest note a driver may add to a ride.
const MaxNotes = 1000

// Ride is a trip a driver offers with free seats. SeatsTaken counts confirmed seats; the
// database refuses any write that would make it exceed Seats.
type Ride struct {
	ID            string
	DriverID      string
	CarID         string
	ReservationID string
	From          Place
	To            Place
	DepartAt      time.Time
	Seats         int
	SeatsTaken    int
	BookingMode   BookingMode
	Notes         string
	Status        RideStatus
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// DetourKM is how many road kilometres the driver will go out of the way to pick up
	// and drop off a passenger (see Insert).
	DetourKM float64
	// Sharing is the driver's choice for partner operators for this ride alone.
	Sharing PartnerSharing
}

// FreeSeats returns the seats still bookable.
func (r Ride) FreeSeats() int { return r.Seats - r.SeatsTaken }

// Bookable reports whether the ride takes bookings at now, and why not.
func (r Ride) Bookable(now time.Time) error {
	if r.Status == RideCancelled {
		return Errorf(ECONFLICT, "ride is cancelled")
	}
	if !r.DepartAt.After(now) {
		return Errorf(ECONFLICT, "ride has already departed")
	}
	return nil
}

// RideInput is what a driver gives to offer a ride.
type RideInput struct {
	CarID         string
	ReservationID string
	From          Place
	To            Place
	DepartAt      time.Time
	Seats         int
	BookingMode   BookingMode
	Notes         string
	// DetourKM is the detour budget; nil means DefaultDetourKM.
	DetourKM *float64
	// Sharing overrides the driver's profile for partner operators (zero: follow it).
	Sharing PartnerSharing
}

// Check reports every field of the offer that is wrong on its own, before any car or
// reservation is looked at: a form that could not read some of its inputs shows these
// beside its own errors, as one answer.
func (in RideInput) Check(now time.Time) error {
	_, _, fe := in.normalised(now)
	return fe.err()
}

// normalised returns the offer with its defaults applied and its notes cleaned, the
// detour budget, and the errors of its own fields.
func (in RideInput) normalised(now time.Time) (RideInput, float64, fieldErrors) {
	var fe fieldErrors
	fromBad := fe.add(in.From.validate("from"))
	toBad := fe.add(in.To.validate("to"))
	if !fromBad && !toBad && DistanceKM(in.From.Point(), in.To.Point()) < MinRideKM {
		fe.add(FieldErrorf(EINVALID, "to", "from and to must be different places"))
	}
	detour := DefaultDetourKM
	if in.DetourKM != nil {
		detour = *in.DetourKM
	}
	fe.add(validateDetour(detour))
	if !in.Sharing.Valid() {
		fe.add(FieldErrorf(EINVALID, "share_with_partners", "share_with_partners must be true, false or null"))
	}
	in.DepartAt = Timestamp(in.DepartAt)
	switch {
	case in.DepartAt.IsZero():
		fe.add(FieldErrorf(EINVALID, "depart_at", "depart_at is required"))
	case !in.DepartAt.After(now):
		fe.add(FieldErrorf(EINVALID, "depart_at", "depart_at must be in the future"))
	}
	if in.BookingMode == "" {
		in.BookingMode = BookingInstant
	}
	if !in.BookingMode.Valid() {
		fe.add(FieldErrorf(EINVALID, "booking_mode", "booking_mode must be instant or approval"))
	}
	var err error
	in.Notes, err = notesText.Clean("notes", in.Notes)
	fe.add(err)
	return in, detour, fe
}

// NewRide checks an offer and returns the ride to store. The car must be the driver's
// private car, or a pool car with res being the driver's active trip reservation that
// covers the departure; the store looks that reservation up in the same transaction.
func NewRide(in RideInput, driver Member, car Car, res *Reservation, now time.Time) (Ride, error) {
	in, detour, fe := in.normalised(now)
	if car.Status == CarActive {
		fe.add(validateOfferedSeats(in.Seats, car))
	}
	if err := fe.err(); err != nil {
		return Ride{}, err
	}
	if car.Status != CarActive {
		return Ride{}, FieldErrorf(ECONFLICT, "car_id", "car is %s", car.Status)
	}
	ride := Ride{
		ID:          NewID(),
		DriverID:    driver.ID,
		CarID:       car.ID,
		From:        in.From,
		To:          in.To,
		DepartAt:    in.DepartAt,
		Seats:       in.Seats,
		BookingMode: in.BookingMode,
		Notes:       in.Notes,
		DetourKM:    detour,
		Sharing:     in.Sharing,
		Status:      RideOpen,
		Version:     1,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	switch car.Kind {
	case CarPrivate:
		if car.OwnerID != driver.ID {
			return Ride{}, FieldErrorf(EFORBIDDEN, "car_id", "you can only offer rides in your own car or a pool car you reserved")
		}
		if in.ReservationID != "" {
			return Ride{}, FieldErrorf(EINVALID, "reservation_id", "a private car needs no reservation")
		}
	case CarPool:
		if res == nil || res.MemberID != driver.ID || res.CarID != car.ID ||
			res.Status != ReservationActive || res.Kind != ReservationTrip {
			return Ride{}, FieldErrorf(ECONFLICT, "reservation_id", "you hold no active reservation of this car")
		}
		if !res.Covers(in.DepartAt) {
			return Ride{}, FieldErrorf(EINVALID, "depart_at", "departure must lie within your reservation of the car")
		}
		ride.ReservationID = res.ID
	}
	return ride, nil
}

func validateOfferedSeats(seats int, car Car) error {
	if seats < 1 || seats > car.Seats-1 {
		if car.Seats <= 1 {
			return FieldErrorf(EINVALID, "seats", "this car has no seat besides the driver's")
		}
		return FieldErrorf(EINVALID, "seats", "seats must be between 1 and %d for this car", car.Seats-1)
	}
	return nil
}

// RidePatch is a driver's change to a ride; nil fields stay as they are.
type RidePatch struct {
	DepartAt    *time.Time
	Seats       *int
	BookingMode *BookingMode
	Notes       *string
	// DetourKM is a new detour budget (0 to MaxDetourKM). A smaller budget is refused
	// while a confirmed passenger's pickup and drop-off need a longer detour.
	DetourKM *float64
	// Sharing is a new choice for partner operators; passengers are not told of it.
	Sharing *PartnerSharing
}

// VisibleTo reports whether m may see the ride. Every member may see and search rides;
// contact details are a separate question (see ContactVisible).
func (r Ride) VisibleTo(m Member) bool { return m.ID != "" }
