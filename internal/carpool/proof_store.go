package carpool

import (
	"context"
	"time"
)

// ProofTx reads and writes check-ins and proof records inside a transaction.
type ProofTx interface {
	// LoadProofBook reads a ride under its lock with its confirmed bookings, its
	// check-ins and its proof records (Zone is left for the caller to set).
	LoadProofBook(ctx context.Context, rideID string) (*ProofBook, error)
	// SaveProofBook writes the check-ins the book added and the records it changed;
	// the schema refuses to change a check-in, or a record whose day is over.
	SaveProofBook(ctx context.Context, pb *ProofBook) error
	// UnprovenRides returns the rides departing from..to whose check-in window closed
	// by closed, with a confirmed passenger and no proof record of them yet, leaving
	// out the bookings of erased people.
	UnprovenRides(ctx context.Context, from, to, closed time.Time) ([]string, error)
	// EraseProofs removes the check-ins of the member and every proof record that
	// names them, as driver or passenger.
	EraseProofs(ctx context.Context, memberID string) error
}

// ProofStore reads check-ins and proof records.
type ProofStore interface {
	// Proofs returns the records whose journey starts from..to, by start.
	Proofs(ctx context.Context, from, to time.Time) ([]Proof, error)
	// MemberProofs returns the records that name the member, as driver or passenger.
	MemberProofs(ctx context.Context, memberID string) ([]Proof, error)
	// RideCheckIns returns the ride's check-ins, oldest first.
	RideCheckIns(ctx context.Context, rideID string) ([]CheckIn, error)
	// RideProofs returns the ride's proof records.
	RideProofs(ctx context.Context, rideID string) ([]Proof, error)
}
