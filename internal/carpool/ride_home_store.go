package carpool

import (
	"context"
	"time"
)

// RideHomeFilter selects rides home: a member's, or all in a status (empty: any).
type RideHomeFilter struct {
	MemberID string
	Status   RideHomeStatus
}

// RideHomeStore reads rides home.
type RideHomeStore interface {
	RideHome(ctx context.Context, id string) (RideHomeRequest, error)
	// RideHomes lists requests newest first.
	RideHomes(ctx context.Context, f RideHomeFilter, p Page) ([]RideHomeRequest, string, error)
}

// RideHomeTx is the rides-home part of a unit of work.
type RideHomeTx interface {
	// RideHomesSince counts the member's requests made from since on that were not
	// declined; the caller holds the member's lock, so two requests at once cannot both
	// pass the yearly limit.
	RideHomesSince(ctx context.Context, memberID string, since time.Time) (int, error)
	// InsertRideHome stores a new request; ECONFLICT (field booking_id) when the booking
	// has one already.
	InsertRideHome(ctx context.Context, q RideHomeRequest) error
	LockRideHome(ctx context.Context, id string) (RideHomeRequest, error)
	SaveRideHome(ctx context.Context, q RideHomeRequest) error
	// ForgetRideHomeNotes empties the notes of an erased member's requests; the requests
	// stay, counted in reports, as the audit log keeps its lines.
	ForgetRideHomeNotes(ctx context.Context, memberID string) error
}
