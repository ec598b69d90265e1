package carpool

import (
	"context"
	"time"
)

// NoShowTx is the no-show part of a unit of work.
type NoShowTx interface {
	// DriverNoShowOf returns the passenger's mark on booking bookingID; ENOTFOUND
	// when there is none.
	DriverNoShowOf(ctx context.Context, bookingID string) (DriverNoShow, error)
	// InsertDriverNoShow stores a mark; ECONFLICT when the booking has one already.
	InsertDriverNoShow(ctx context.Context, n DriverNoShow) error
	// NoShowsSince counts the member's no-shows marked from since on, as passenger and
	// as driver together; the caller holds the member's lock.
	NoShowsSince(ctx context.Context, memberID string, since time.Time) (int, error)
	// EraseDriverNoShows removes every mark that names the member, as driver or
	// passenger: like a proof record, a mark is about two people.
	EraseDriverNoShows(ctx context.Context, memberID string) error
}

// NoShowStore reads no-shows.
type NoShowStore interface {
	// DriverNoShow returns the passenger's mark on booking bookingID; ENOTFOUND when
	// there is none.
	DriverNoShow(ctx context.Context, bookingID string) (DriverNoShow, error)
	// NoShowCounts returns, for every member with a no-show marked from..to, how many
	// as passenger and as driver, by member id.
	NoShowCounts(ctx context.Context, from, to time.Time) ([]NoShowCount, error)
	// MemberDriverNoShows returns the passengers' marks that name the member, as the
	// driver marked or the passenger who marked, oldest first (their data export).
	MemberDriverNoShows(ctx context.Context, memberID string) ([]DriverNoShow, error)
}
