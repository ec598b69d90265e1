package app

import (
	"time"

	"carpool/internal/carpool"
)

// ExportedDriverNoShow is a passenger's mark of a driver who never came, as the data
// export of either shows it: the driver sees that they were marked, the passenger that
// they marked; neither sees the other's name (the ride names the rest).
type ExportedDriverNoShow struct {
	RideID    string    `json:"ride_id"`
	BookingID string    `json:"booking_id"`
	Role      string    `json:"role"` // "driver" (marked) or "passenger" (marked the driver)
	At        time.Time `json:"at"`
}

func exportDriverNoShow(n carpool.DriverNoShow, memberID string) ExportedDriverNoShow {
	role := "passenger"
	if n.DriverID == memberID {
		role = "driver"
	}
	return ExportedDriverNoShow{RideID: n.RideID, BookingID: n.BookingID, Role: role, At: n.At}
}
