package carpool

import "time"

// "Take the pool car yourself": when a ride falls through (a driver's ride cancelled
// under them, a passenger's seat lost), a pool car free at the ride's start site when it
// was to leave lets the member drive instead. The offer names the window a reservation
// would cover, so that one tap reserves it.

// poolCarLead is how long before departure an offered pool car is reserved from: time
// to collect the key. poolCarSpare is what the reservation holds beyond the drive.
const (
	poolCarLead  = 15 * time.Minute
	poolCarSpare = time.Hour
)

// PoolCarWindow returns the reservation window a pool car taken instead of ride r would
// need at now: from a quarter hour before departure, on the minute (or the next minute, if that is
// later) to the drive's estimated end plus an hour. ok is false once the ride has left:
// a car for a ride already gone helps nobody.
func PoolCarWindow(r Ride, now time.Time) (start, end time.Time, ok bool) {
	if !now.Before(r.DepartAt) {
		return time.Time{}, time.Time{}, false
	}
	start = r.DepartAt.Add(-poolCarLead).Truncate(time.Minute)
	if soon := now.Truncate(time.Minute).Add(time.Minute); start.Before(soon) {
		start = soon
	}
	end = r.DepartAt.Add(TravelTime(RoadKM(r.From.Point(), r.To.Point())) + poolCarSpare).Truncate(time.Minute)
	return start, end, true
}

// PoolCarFree reports whether car, a pool car of the site, can be reserved for
// [start, end): in service, and none of held (its reservations) active across it.
func PoolCarFree(car Car, held []Reservation, start, end time.Time) bool {
	if car.Kind != CarPool || car.Status != CarActive {
		return false
	}
	for _, r := range held {
		if r.CarID == car.ID && r.Status == ReservationActive && r.Overlaps(start, end) {
			return false
		}
	}
	return true
}
