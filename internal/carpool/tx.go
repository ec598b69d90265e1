package carpool

import (
	"context"
	"time"
)

// UnitOfWork opens transactions. The application layer runs each use case that changes
// state as one call of InTx: load what the decision needs (under lock), let the domain
// decide, save what the domain changed with its events. fn may be run again from the
// start when the engine reports a failure a rerun may cure (a serialisation failure, a
// deadlock), so it must not keep state between runs: reset its results at its start.
type UnitOfWork interface {
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is one transaction of the store: reads (the Lock ones take the row's lock where
// the engine has one, so concurrent transactions on the same row queue across every
// replica) and writes of values the domain already decided. It decides nothing.
type Tx interface {
	// Now is the transaction's clock reading, captured once when it began.
	Now() time.Time
	// Append writes outbox events in this transaction.
	Append(ctx context.Context, events ...Event) error

	// LockMember takes the member's row lock and returns the member, so that counting
	// what the member holds and adding to it happen one request at a time.
	LockMember(ctx context.Context, id string) (Member, error)
	// ActiveMemberIDs returns those of ids whose member has not been deactivated.
	ActiveMemberIDs(ctx context.Context, ids []string) ([]string, error)
	// FleetManagerIDs returns every member with the fleet manager or admin role.
	FleetManagerIDs(ctx context.Context) ([]string, error)

	MemberTx
	CarTx
	ReservationTx
	RideTx
	SeriesTx
	PartnerTx
	ParkingTx
	MessageTx
	RideHomeTx
	ProofTx
	NoShowTx
	RetentionTx
}

// MemberTx administers members inside a transaction.
type MemberTx interface {
	// LockForAdmin reads a member under its row lock with the number of active admins,
	// whose rows it locks first, in id order, so that two admins acting on each other at
	// once cannot both see the other still in place.
	LockForAdmin(ctx context.Context, id string) (Member, int, error)
	// SaveRole writes the member's role.
	SaveRole(ctx context.Context, m Member) error
	// SaveProfile writes what a member changes of themselves: name, phone, password
	// hash, language, time zone, sharing with partners (not e-mail or role).
	SaveProfile(ctx context.Context, m Member) error
	// SetDeactivated writes when the member was deactivated (zero: active again).
	SetDeactivated(ctx context.Context, id string, at time.Time) error
	// EndSessions revokes every token and web session of the member and the links mailed
	// to them, returning how many sessions ended.
	EndSessions(ctx context.Context, memberID string) (int, error)
	// HeldAhead returns what the member holds that has not happened yet at now.
	HeldAhead(ctx context.Context, memberID string, now time.Time) (Holdings, error)
	// ScrubMember writes the erased member's replaced personal data and forgets what
	// else holds it: their cars' plates, their rides' notes, stored answers, undelivered
	// events, their notifications (and their name in other people's texts).
	ScrubMember(ctx context.Context, old, erased Member) error
	AppendAudit(ctx context.Context, e AuditEntry) error
}

// Holdings is what a member holds ahead: the open rides they drive, their active
// bookings, and their active reservations.
type Holdings struct {
	RideIDs        []string
	Bookings       []Booking
	ReservationIDs []string
}

// CarTx reads and writes cars inside a transaction.
type CarTx interface {
	Car(ctx context.Context, id string) (Car, error)
	// LockCar reads a car under its row lock: creating a reservation or ride of the car,
	// and retiring it, take it, so none slips in between a check and a change.
	LockCar(ctx context.Context, id string) (Car, error)
	// CarLoad returns what the car carries from now on (see CarLoad).
	CarLoad(ctx context.Context, carID string, now time.Time) (CarLoad, error)
	// SaveCar writes a changed car if its version is still oldVersion; a plate another
	// car has, or a site or owner that does not exist, is refused naming the field.
	SaveCar(ctx context.Context, c Car, oldVersion int) error
}

// ReservationTx reads and writes reservations inside a transaction.
type ReservationTx interface {
	LockReservation(ctx context.Context, id string) (Reservation, error)
	// ActiveReservations returns the car's active reservations overlapping start..end.
	ActiveReservations(ctx context.Context, carID string, start, end time.Time) ([]Reservation, error)
	// ActiveTrips counts the member's active trip reservations that end after now.
	ActiveTrips(ctx context.Context, memberID string, now time.Time) (int, error)
	// OpenRidesOnReservation counts the open rides still ahead that rest on it.
	OpenRidesOnReservation(ctx context.Context, reservationID string, now time.Time) (int, error)
	InsertReservation(ctx context.Context, r Reservation) error
	// SaveReservation writes a reservation's status change.
	SaveReservation(ctx context.Context, r Reservation) error
}

// RideTx reads and writes rides and their bookings inside a transaction.
type RideTx interface {
	// LoadRideBook reads a ride under its lock with its active bookings, oldest first;
	// wantID adds that booking even if it has ended.
	LoadRideBook(ctx context.Context, rideID, wantID string) (*RideBook, error)
	// RideOfBooking returns the id of the ride booking id is on.
	RideOfBooking(ctx context.Context, bookingID string) (string, error)
	// SaveRideBook writes what the RideBook's operations changed, with their events.
	SaveRideBook(ctx context.Context, rb *RideBook) error
	InsertRide(ctx context.Context, r Ride) error
	// OpenRidesOffered counts the driver's open rides ahead offered one by one (a
	// commute's days are the commute's, offered once).
	OpenRidesOffered(ctx context.Context, driverID string, now time.Time) (int, error)
	// OpenRides counts every open ride ahead the driver has, commute days included.
	OpenRides(ctx context.Context, driverID string, now time.Time) (int, error)
}

// SeriesTx reads and writes commutes (ride series) inside a transaction.
type SeriesTx interface {
	// LockSeries reads a series under its row lock: every change to a series, its days
	// or its subscriptions takes it first, so they happen one after the other.
	LockSeries(ctx context.Context, id string) (Series, error)
	InsertSeries(ctx context.Context, s Series) error
	// ActiveCommutes counts the active series the driver drives.
	ActiveCommutes(ctx context.Context, driverID string) (int, error)
	SaveSeries(ctx context.Context, s Series) error
	// SeriesDays returns the series' days from from on, by day.
	SeriesDays(ctx context.Context, seriesID string, from Date) ([]Occurrence, error)
	InsertOccurrence(ctx context.Context, o Occurrence) error
	SaveOccurrence(ctx context.Context, o Occurrence) error
	// ActiveSubscriptions returns the series' active subscriptions, oldest first.
	ActiveSubscriptions(ctx context.Context, seriesID string) ([]Subscription, error)
	// InsertSubscription stores a subscription; ECONFLICT when the passenger already
	// subscribes.
	InsertSubscription(ctx context.Context, s Subscription) error
	SaveSubscription(ctx context.Context, s Subscription) error
}
