package app

import (
	"time"

	"carpool/internal/carpool"
)

// ExportedProof is a proof record naming the member, as their data export shows it:
// their own check-in in full, and of the other occupant only whether they checked in,
// since where a colleague stood is the colleague's data.
type ExportedProof struct {
	RideID      string    `json:"ride_id"`
	Role        string    `json:"role"` // "driver" or "passenger"
	Date        string    `json:"date"`
	Class       string    `json:"class"`
	StartAt     time.Time `json:"start_at"`
	EndAt       time.Time `json:"end_at"`
	DistanceM   int       `json:"distance_m"`
	CheckedInAt time.Time `json:"checked_in_at"`
	CheckInLat  float64   `json:"check_in_lat"`
	CheckInLon  float64   `json:"check_in_lon"`
	// OtherCheckedIn says whether the other occupant checked in.
	OtherCheckedIn bool      `json:"other_checked_in"`
	NoShowAt       time.Time `json:"no_show_at"`
}

func exportProof(p carpool.Proof, memberID string) ExportedProof {
	x := ExportedProof{RideID: p.RideID, Role: "passenger", Date: p.Day.String(), Class: string(p.Class),
		StartAt: p.Start.At, EndAt: p.End.At, DistanceM: p.DistanceM, NoShowAt: p.NoShowAt}
	mine, other := p.PassengerCheckIn, p.DriverCheckIn
	if p.DriverID == memberID {
		x.Role, mine, other = "driver", p.DriverCheckIn, p.PassengerCheckIn
	}
	if mine != nil {
		x.CheckedInAt, x.CheckInLat, x.CheckInLon = mine.At, mine.Lat, mine.Lon
	}
	x.OtherCheckedIn = other != nil
	return x
}
