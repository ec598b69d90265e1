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
	UnitOfWork

	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error

	MemberStore
	AdminStore
	TokenStore
	SiteStore
	CarStore
	ReservationStore
	RideStore
	BookingStore
	SeriesStore
	ReportStore
	OutboxStore
	IdempotencyStore
	ThrottleStore
	PlaceStore
	AccountLinkStore
	PartnerStore
	PartnerSeriesStore
	PartnerRateStore
	AddressSearchRateStore
	ParkingStore
	ParkingReportStore
	MessageStore
	RideHomeStore
	ProofStore
	NoShowStore
	RideHomeReportStore
}

// MemberStore keeps members.
type MemberStore interface {
	// CreateMember stores a new member; ECONFLICT (field email) if the email is taken.
	CreateMember(ctx context.Context, m Member) error
	Member(ctx context.Context, id string) (Member, error)
	MemberByEmail(ctx context.Context, email string) (Member, error)
	// Members returns the members with the given ids that exist, in any order.
	Members(ctx context.Context, ids []string) ([]Member, error)
}

// AdminStore administers members and keeps the audit log. Role changes and
// deactivations write their audit entry in their own transaction.
type AdminStore interface {
	ListMembers(ctx context.Context, f MemberFilter, p Page) ([]Member, string, error)
	// MemberTokens returns a member's unexpired tokens, newest first.
	MemberTokens(ctx context.Context, memberID string, now time.Time) ([]Token, error)
	// DeleteMemberTokens revokes a member's tokens except keep ("" for all).
	DeleteMemberTokens(ctx context.Context, memberID, keep string) (int, error)
	AppendAudit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, f AuditFilter, p Page) ([]AuditEntry, string, error)
}

// TokenStore keeps API tokens and web sessions (as hashes).
type TokenStore interface {
	CreateToken(ctx context.Context, t Token) error
	// MemberByToken returns the member and token for a token hash that has not expired
	// at now; EUNAUTHORIZED otherwise.
	MemberByToken(ctx context.Context, hash string, now time.Time) (Member, Token, error)
	DeleteToken(ctx context.Context, id string) error
}

// SiteStore keeps sites.
type SiteStore interface {
	CreateSite(ctx context.Context, s Site) error
	Site(ctx context.Context, id string) (Site, error)
	Sites(ctx context.Context, p Page) ([]Site, string, error)
	// UpdateSite applies change to the site if its version equals ifVersion (0: any
	// version), increments the version and returns the result.
	UpdateSite(ctx context.Context, id string, ifVersion int, change func(*Site) error) (Site, error)
}

// CarStore keeps pool and private cars.
type CarStore interface {
	// CreateCar stores a car; ECONFLICT (field plate) if the plate is taken, EINVALID
	// (field site_id) if the site does not exist.
	CreateCar(ctx context.Context, c Car) error
	Car(ctx context.Context, id string) (Car, error)
	Cars(ctx context.Context, f CarFilter, p Page) ([]Car, string, error)
	// CarsByID returns the cars with the given ids that exist, in any order.
	CarsByID(ctx context.Context, ids []string) ([]Car, error)
}

// ReservationStore reads pool-car reservations and maintenance blocks; every change is
// the application layer's, in a Tx.
type ReservationStore interface {
	Reservation(ctx context.Context, id string) (Reservation, error)
	Reservations(ctx context.Context, f ReservationFilter, p Page) ([]Reservation, string, error)
}

// RideStore reads rides; every change is the application layer's, in a Tx.
type RideStore interface {
	Ride(ctx context.Context, id string) (Ride, error)
	Rides(ctx context.Context, f RideFilter, p Page) ([]Ride, string, error)
	// RidesByID returns the rides with the given ids that exist, in any order.
	RidesByID(ctx context.Context, ids []string) ([]Ride, error)
	// SearchRides returns the rides matching a normalised query, ranked, at most limit
	// after offset.
	SearchRides(ctx context.Context, q RideQuery, offset, limit int) ([]RideMatch, error)
}

// BookingStore reads bookings; every change is a RideBook decision the application
// layer saves through Tx.
type BookingStore interface {
	// Booking returns a booking; the caller decides whether the viewer may see it.
	Booking(ctx context.Context, id string) (Booking, error)
	Bookings(ctx context.Context, f BookingFilter, p Page) ([]Booking, string, error)
	// RideBookings returns the active bookings of the given rides, oldest first.
	RideBookings(ctx context.Context, rideIDs ...string) ([]Booking, error)
	// PassengerBookings returns a passenger's active bookings on the given rides.
	PassengerBookings(ctx context.Context, passengerID string, rideIDs []string) ([]Booking, error)
}

// ReportStore computes reports with aggregates in the database.
type ReportStore interface {
	// Utilisation returns every pool car's use within [from, to).
	Utilisation(ctx context.Context, from, to time.Time) ([]CarUsage, error)
	// RideFigures sums the rides f selects.
	RideFigures(ctx context.Context, f RideFigureFilter) (RideFigures, error)
	// FleetUsage reads a report's cars and spans with a fixed number of grouped queries,
	// however many spans the period has.
	FleetUsage(ctx context.Context, f FleetUsageFilter) (FleetUsage, error)
}

// OutboxStore reads the transactional outbox.
type OutboxStore interface {
	// Events returns outbox events with Seq greater than afterSeq, oldest first.
	Events(ctx context.Context, afterSeq int64, limit int) ([]Event, error)
}

// IdempotencyStore remembers the answers to creating requests by their key.
type IdempotencyStore interface {
	// IdempotencyKey returns the record under scope and key; a record older than
	// IdempotencyTTL counts as absent.
	IdempotencyKey(ctx context.Context, scope, key string) (IdempotencyRecord, bool, error)
	// ReserveIdempotencyKey stores rec (Status IdempotencyInFlight) unless its scope and
	// key exist; then it returns the stored record and true. A reservation of the same
	// request still IdempotencyInFlight after IdempotencyLease is taken over: rec replaces
	// it and is returned with false.
	ReserveIdempotencyKey(ctx context.Context, rec IdempotencyRecord) (IdempotencyRecord, bool, error)
	// CompleteIdempotencyKey stores the answer to the request rec reserved or, for an
	// Unreserved rec, claimed; it fails with ECONFLICT when another request holds the key.
	CompleteIdempotencyKey(ctx context.Context, rec IdempotencyRecord) error
	// ReleaseIdempotencyKey forgets the reservation rec of a request that failed before
	// it changed anything, so it can be retried; it leaves a key that was taken over or
	// whose request committed alone.
	ReleaseIdempotencyKey(ctx context.Context, rec IdempotencyRecord) error
	// HoldCommit returns a context under which the request's writes to this store share
	// one transaction, which commits only through the returned HeldCommit, with the
	// answer: for an Unreserved claim rec.
	HoldCommit(ctx context.Context, rec IdempotencyRecord) (context.Context, HeldCommit)
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

// RideFilter selects rides by driver and departure. A zero DepartAfter or DepartBefore
// does not limit.
type RideFilter struct {
	DriverID      string
	DepartAfter   time.Time
	DepartBefore  time.Time // rides departing before this time only
	IncludeClosed bool      // cancelled rides too
}

// BookingFilter selects bookings by passenger or ride.
type BookingFilter struct {
	PassengerID string
	RideID      string
	ActiveOnly  bool
	// DepartAfter, when set, keeps the bookings of rides that depart after it.
	DepartAfter time.Time
}
