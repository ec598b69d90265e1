package carpool

import (
	"math"
	"time"
)

// Check-in: the driver and the confirmed passengers of a ride say "I am here" around
// its departure, from a position near the ride's route or the rider's own pickup, or
// by scanning the code shown at a site (which stands for the site's location). Two
// check-ins of distinct occupants make the strongest proof of a shared trip (ProofC).

const (
	// CheckInOpensBefore is how long before departure check-in opens: people meet a
	// little early, and a car park's QR code is scanned on arrival.
	CheckInOpensBefore = 30 * time.Minute
	// CheckInClosesAfter is how long after departure check-in stays open: long enough
	// for a commute's arrival scan, short enough that a check-in still says "we rode".
	CheckInClosesAfter = 2 * time.Hour
	// DefaultCheckInRadiusM is how far, in metres, a check-in's position may lie from
	// the ride's route or the rider's pickup: a phone's position indoors is often a
	// few hundred metres off, and a car park lies beside the road, not on it.
	DefaultCheckInRadiusM = 500
)

// CheckInMethod says how a check-in's position was known.
type CheckInMethod string

const (
	CheckInPosition CheckInMethod = "position" // the rider's device gave it
	CheckInQR       CheckInMethod = "qr"       // the rider scanned a site's code
)

// CheckIn is one occupant's "I am here" on a ride. A check-in is a fact: once written
// it never changes (only erasure of the person removes it).
type CheckIn struct {
	RideID   string
	MemberID string
	At       time.Time
	Lat, Lon float64
	Method   CheckInMethod
	// SiteID is the site whose code was scanned (Method CheckInQR), else "".
	SiteID string
}

// CheckInRule holds the setting of the rule: how near the route a check-in must be.
type CheckInRule struct {
	// RadiusM is the distance in metres; zero means DefaultCheckInRadiusM.
	RadiusM float64
}

func (c CheckInRule) radiusKM() float64 {
	if c.RadiusM <= 0 {
		return DefaultCheckInRadiusM / 1000.0
	}
	return c.RadiusM / 1000
}

// CheckInWindow returns when check-in on r opens and closes (inclusive).
func CheckInWindow(r Ride) (opens, closes time.Time) {
	return r.DepartAt.Add(-CheckInOpensBefore), r.DepartAt.Add(CheckInClosesAfter)
}

// CheckPosition validates a reported position, naming each coordinate at fault.
func CheckPosition(lat, lon float64) error { return validateCoordinates("", lat, lon) }

// Near reports whether p lies within the rule's radius of the ride's route (the
// straight way from its origin to its destination) or of pickup, when there is one.
func (c CheckInRule) Near(r Ride, pickup *Point, p Point) bool {
	km := c.radiusKM()
	if DistanceToSegmentKM(p, r.From.Point(), r.To.Point()) <= km {
		return true
	}
	return pickup != nil && DistanceKM(p, *pickup) <= km
}

// DistanceToSegmentKM returns the distance from p to the segment a–b. It projects onto
// a plane tangent at p (equirectangular), which is exact to well under a metre at a
// check-in's scale of hundreds of metres, and falls back to the nearer end for a
// segment too long for a plane (a few hundred km), where only the ends matter anyway
// for a rider standing near them.
func DistanceToSegmentKM(p, a, b Point) float64 {
	const rad = math.Pi / 180
	if DistanceKM(a, b) > 500 {
		return math.Min(DistanceKM(p, a), DistanceKM(p, b))
	}
	cos := math.Cos(p.Lat * rad)
	xy := func(q Point) (float64, float64) {
		dLon := q.Lon - p.Lon
		// The shorter way round, for a segment across the antimeridian.
		if dLon > 180 {
			dLon -= 360
		} else if dLon < -180 {
			dLon += 360
		}
		return dLon * rad * cos * earthRadiusKM, (q.Lat - p.Lat) * rad * earthRadiusKM
	}
	ax, ay := xy(a)
	bx, by := xy(b)
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	cx, cy := ax+t*dx, ay+t*dy
	return math.Hypot(cx, cy)
}

// decide checks who's check-in at p on the book's ride at now: only the driver and
// the passengers of confirmed bookings, within the window, near the route or the
// rider's pickup; a rider checks in once, and a passenger the driver marked as not
// there cannot.
func (c CheckInRule) decide(pb *ProofBook, who Member, p Point, method CheckInMethod, siteID string, now time.Time) (CheckIn, error) {
	r := pb.Ride
	b := pb.booking(who.ID)
	if who.ID != r.DriverID && b == nil {
		return CheckIn{}, Errorf(EFORBIDDEN, "only the driver and confirmed passengers check in")
	}
	if r.Status == RideCancelled {
		return CheckIn{}, Errorf(ECONFLICT, "ride is cancelled")
	}
	opens, closes := CheckInWindow(r)
	if now.Before(opens) {
		return CheckIn{}, Errorf(ECONFLICT, "check-in opens 30 minutes before departure")
	}
	if now.After(closes) {
		return CheckIn{}, Errorf(ECONFLICT, "check-in closed 2 hours after departure")
	}
	if pr, ok := pb.proof(who.ID); ok && !pr.NoShowAt.IsZero() {
		return CheckIn{}, Errorf(ECONFLICT, "the driver marked you as not there")
	}
	if _, ok := pb.checkIn(who.ID); ok {
		return CheckIn{}, Errorf(ECONFLICT, "you have already checked in")
	}
	if err := CheckPosition(p.Lat, p.Lon); err != nil {
		return CheckIn{}, err
	}
	var pickup *Point
	if b != nil && b.Pickup != nil {
		pt := b.Pickup.Point()
		pickup = &pt
	}
	if !c.Near(r, pickup, p) {
		var fe fieldErrors
		m := math.Round(c.radiusKM() * 1000)
		fe.add(FieldErrorf(EINVALID, "lat", "the position is more than %g m from the ride's route and your pickup", m))
		fe.add(FieldErrorf(EINVALID, "lon", "the position is more than %g m from the ride's route and your pickup", m))
		return CheckIn{}, fe.err()
	}
	return CheckIn{RideID: r.ID, MemberID: who.ID, At: now, Lat: p.Lat, Lon: p.Lon, Method: method, SiteID: siteID}, nil
}
