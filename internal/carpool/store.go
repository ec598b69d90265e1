package carpool

import (
	"context"
	"time"
)

// Store is the storage contract that every engine implements and internal/storetest
// checks. Each method is one transaction. Methods that change rides, bookings or
// reservations write their outbox events in that same transaction, and the engines
// enforce the integrity rules (seat accounting, one active booking per passenger and
// ride, no overlapping reservations) in the database schema as well as in code.
//
// Errors are *Error values with a code (ENOTFOUND for unknown ids, ECONFLICT for
// duplicates, overlaps, full rides and stale versions) wrapped with context; anything
// else is an internal failure.
type Store interface {
	NotificationStore

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error

	// CreateMember stores a new member; ECONFLICT (field email) if the email is taken.
	CreateMember(ctx context.Context, m Member) error
	Member(ctx context.Context, id string) (Member, error)
	MemberByEmail(ctx context.Context, email string) (Member, error)
	// Members returns the members with the given ids that exist, in any order.
	Members(ctx context.Context, ids []string) ([]Member, error)

	CreateToken(ctx context.Context, t Token) error
	// MemberByToken returns the member and token for a token hash that has not expired
	// at now; EUNAUTHORIZED otherwise.
	MemberByToken(ctx context.Context, hash string, now time.Time) (Member, Token, error)
	DeleteToken(ctx context.Context, id string) error

	CreateSite(ctx context.Context, s Site) error
	Site(ctx context.Context, id string) (Site, error)
	Sites(ctx context.Context, p Page) ([]Site, string, error)
	// UpdateSite applies change to the site if its version equals ifVersion (0: any
	// version), increments the version and returns the result.
	UpdateSite(ctx context.Context, id string, ifVersion int, change func(*Site) error) (Site, error)

	// CreateCar stores a car; ECONFLICT (field plate) if the plate is taken, EINVALID
	// (field site_id) if the site does not exist.
	CreateCar(ctx context.Context, c Car) error
	Car(ctx context.Context, id string) (Car, error)
	Cars(ctx context.Context, f CarFilter, p Page) ([]Car, string, error)
	UpdateCar(ctx context.Context, id string, ifVersion int, change func(*Car) error) (Car, error)

	// CreateReservation checks the request with NewReservation against the car as it is
	// in the transaction and stores it; ECONFLICT if it overlaps an active one.
	CreateReservation(ctx context.Context, carID string, by Member, kind ReservationKind, start, end time.Time) (Reservation, error)
	Reservation(ctx context.Context, id string) (Reservation, error)
	Reservations(ctx context.Context, f ReservationFilter, p Page) ([]Reservation, string, error)
	CancelReservation(ctx context.Context, id string, by Member) (Reservation, error)

	// CreateRide checks the offer with NewRide (finding the driver's covering
	// reservation when the car is a pool car) and stores it.
	CreateRide(ctx context.Context, in RideInput, driver Member) (Ride, error)
	Ride(ctx context.Context, id string) (Ride, error)
	Rides(ctx context.Context, f RideFilter, p Page) ([]Ride, string, error)
	// SearchRides returns the rides matching a normalised query, ranked, at most limit
	// after offset.
	SearchRides(ctx context.Context, q RideQuery, offset, limit int) ([]RideMatch, error)
	UpdateRide(ctx context.Context, id string, ifVersion int, p RidePatch, by Member) (Ride, error)
	CancelRide(ctx context.Context, id string, by Member) (Ride, error)

	BookSeats(ctx context.Context, rideID string, passenger Member, req BookingRequest) (Booking, error)
	// Booking returns a booking; the caller decides whether the viewer may see it.
	Booking(ctx context.Context, id string) (Booking, error)
	Bookings(ctx context.Context, f BookingFilter, p Page) ([]Booking, string, error)
	ConfirmBooking(ctx context.Context, id string, by Member) (Booking, error)
	RejectBooking(ctx context.Context, id string, by Member) (Booking, error)
	CancelBooking(ctx context.Context, id string, by Member) (Booking, error)

	// Events returns outbox events with Seq greater than afterSeq, oldest first.
	Events(ctx context.Context, afterSeq int64, limit int) ([]Event, error)

	// ReserveIdempotencyKey stores rec (Status 0) unless its scope and key exist; then it
	// returns the stored record and true.
	ReserveIdempotencyKey(ctx context.Context, rec IdempotencyRecord) (IdempotencyRecord, bool, error)
	// CompleteIdempotencyKey stores the answer to the first request.
	CompleteIdempotencyKey(ctx context.Context, rec IdempotencyRecord) error
	// ReleaseIdempotencyKey forgets a key whose request failed, so it can be retried.
	ReleaseIdempotencyKey(ctx context.Context, scope, key string) error
}

// CarFilter selects cars. VisibleTo (a member id) limits the list to pool cars and that
// member's private cars.
type CarFilter struct {
	Kind           CarKind
	SiteID         string
	OwnerID        string
	VisibleTo      string
	IncludeRetired bool
}

// ReservationFilter selects reservations. A zero Start/End does not limit; otherwise
// only reservations overlapping [Start, End) are returned.
type ReservationFilter struct {
	CarID      string
	MemberID   string
	ActiveOnly bool
	Start      time.Time
	End        time.Time
}

// RideFilter selects rides by driver and departure.
type RideFilter struct {
	DriverID      string
	DepartAfter   time.Time
	IncludeClosed bool // cancelled rides too
}

// BookingFilter selects bookings by passenger or ride.
type BookingFilter struct {
	PassengerID string
	RideID      string
	ActiveOnly  bool
}
