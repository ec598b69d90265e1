package carpool

import (
	"context"
	"time"
)

// ParkingTx reads and writes carpool parking inside a transaction.
type ParkingTx interface {
	// LockSite reads a site under its row lock: every change of a site's spaces or of
	// a day's holders takes it first, so allocations of one site happen one at a time
	// across every replica.
	LockSite(ctx context.Context, id string) (Site, error)
	// SitesIn returns the sites whose location lies in box.
	SitesIn(ctx context.Context, box Box) ([]Site, error)
	// ParkingSpaces returns the site's spaces, retired ones included.
	ParkingSpaces(ctx context.Context, siteID string) ([]ParkingSpace, error)
	LockParkingSpace(ctx context.Context, id string) (ParkingSpace, error)
	// InsertParkingSpace stores a new space; ECONFLICT (field label) when an active
	// space of the site has its label.
	InsertParkingSpace(ctx context.Context, s ParkingSpace) error
	SaveParkingSpace(ctx context.Context, s ParkingSpace) error
	// ParkingRides returns the rides that may claim a space of the site's day: the open
	// rides with a confirmed passenger whose destination lies in box and which depart
	// from..to, and the rides of the day's claims whatever became of them.
	ParkingRides(ctx context.Context, siteID string, day Date, box Box, from, to time.Time) ([]Ride, error)
	// CarpoolsArriving returns the open rides with a confirmed passenger whose
	// destination lies in box and which depart from from on.
	CarpoolsArriving(ctx context.Context, box Box, from time.Time) ([]Ride, error)
	// ParkingClaims returns the claims of the site's day and those of rideIDs.
	ParkingClaims(ctx context.Context, siteID string, day Date, rideIDs []string) ([]ParkingClaim, error)
	// RideParkingClaim returns the ride's claim; ENOTFOUND when it has none.
	RideParkingClaim(ctx context.Context, rideID string) (ParkingClaim, error)
	// ParkingDays returns the days from from on with claims at the site, in order.
	ParkingDays(ctx context.Context, siteID string, from Date) ([]Date, error)
	// SaveParking writes what Allocate decided for a day.
	SaveParking(ctx context.Context, ch ParkingChange) error
}

// ParkingStore reads carpool parking.
type ParkingStore interface {
	// ActiveParkingSpaces returns the site's active spaces, by label.
	ActiveParkingSpaces(ctx context.Context, siteID string) ([]ParkingSpace, error)
	// ParkingHolders returns the day's holders at the site with what the day's list
	// shows of them.
	ParkingHolders(ctx context.Context, siteID string, day Date) ([]ParkingHolder, error)
	// RideParking returns the ride's claims that hold a space (none or one).
	RideParking(ctx context.Context, rideID string) ([]ParkingHolder, error)
}

// ParkingHolder is a claim that holds a space, with what the day's list shows.
type ParkingHolder struct {
	Claim      ParkingClaim
	Space      ParkingSpace
	Ride       Ride
	Plate      string
	DriverName string
}
