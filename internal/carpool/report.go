package carpool

import "time"

// CarUsage is one pool car's use within a period: hours held by trip reservations and by
// maintenance blocks (clipped to the period), open rides that departed in it and the
// passenger seats those rides carried.
type CarUsage struct {
	Car         Car
	Reserved    time.Duration
	Maintenance time.Duration
	Rides       int
	SeatsShared int
}
