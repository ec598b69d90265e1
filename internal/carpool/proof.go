package carpool

import (
	"slices"
	"time"
)

// Proof of carpooling: one record per ride and passenger saying who checked in where
// and when, graded as the French proof-of-carpooling register grades a journey. A record
// may change while its day lasts (a late check-in, a no-show) and never after: the day
// the check-in window closes on, in the deployment's zone, seals it. Only the erasure
// of one of its two people removes it.

// ProofClass is a record's grade in the register's terms.
type ProofClass string

const (
	// ProofA: carpool matched the driver and the passenger (a confirmed booking), and
	// neither checked in.
	ProofA ProofClass = "A"
	// ProofB: one of the two occupants checked in.
	ProofB ProofClass = "B"
	// ProofC: both occupants checked in, and they are two distinct people.
	ProofC ProofClass = "C"
	// ProofNoShow: the driver marked the passenger as not there; the record proves no
	// shared trip and is never exported to the register.
	ProofNoShow ProofClass = "none"
)

// ProofPoint is where and when a journey started or ended.
type ProofPoint struct {
	At       time.Time
	Lat, Lon float64
}

// Proof is the record of one passenger's journey on one ride.
type Proof struct {
	RideID      string
	PassengerID string
	DriverID    string
	BookingID   string
	// Day is the local day the record belongs to; SealedAt the instant it ends, after
	// which the record never changes.
	Day      Date
	SealedAt time.Time
	// Start and End are the passenger's pickup and drop-off (the ride's ends when they
	// named none) with the estimated times; DistanceM the road distance between them.
	Start, End ProofPoint
	DistanceM  int
	Seats      int
	// DriverCheckIn and PassengerCheckIn are the two occupants' check-ins, when made.
	DriverCheckIn, PassengerCheckIn *CheckIn
	// NoShowAt is when the driver marked the passenger as not there; zero otherwise.
	NoShowAt  time.Time
	Class     ProofClass
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Sealed reports whether the record's day is over at now.
func (p Proof) Sealed(now time.Time) bool { return !now.Before(p.SealedAt) }

// grade returns the class the record's facts earn.
func (p Proof) grade() ProofClass {
	switch {
	case !p.NoShowAt.IsZero():
		return ProofNoShow
	case p.DriverCheckIn != nil && p.PassengerCheckIn != nil && p.DriverID != p.PassengerID:
		return ProofC
	case p.DriverCheckIn != nil || p.PassengerCheckIn != nil:
		return ProofB
	}
	return ProofA
}

// ProofDay returns the local day a ride's records belong to in zone (the day its
// check-in window closes on) and the instant that day ends.
func ProofDay(r Ride, zone *time.Location) (Date, time.Time) {
	if zone == nil {
		zone = time.UTC
	}
	_, closes := CheckInWindow(r)
	local := closes.In(zone)
	end := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, zone)
	return DateOf(local), end.UTC()
}

// ProofBook is a ride with what its proof records are made of: the confirmed bookings,
// the check-ins and the records so far. Like RideBook, its methods decide and record
// what changed; the store writes Added and Changed in the transaction it read it in.
type ProofBook struct {
	Ride     Ride
	Bookings []Booking // the ride's confirmed bookings
	CheckIns []CheckIn
	Proofs   []Proof
	// Zone is the deployment's zone, whose days seal the records; nil means UTC.
	Zone *time.Location

	added   []CheckIn
	changed []Proof
}

// Added returns the check-ins the operations made.
func (pb *ProofBook) Added() []CheckIn { return pb.added }

// Changed returns the records the operations created or changed.
func (pb *ProofBook) Changed() []Proof { return pb.changed }

// CheckIn records who's check-in at p (see CheckInRule) and grades the records again.
func (pb *ProofBook) CheckIn(rule CheckInRule, who Member, p Point, method CheckInMethod, siteID string, now time.Time) (CheckIn, error) {
	ci, err := rule.decide(pb, who, p, method, siteID, now)
	if err != nil {
		return CheckIn{}, err
	}
	pb.CheckIns = append(pb.CheckIns, ci)
	pb.added = append(pb.added, ci)
	pb.Refresh(now)
	return ci, nil
}

// NoShow marks the passenger of booking bookingID as not there: only the ride's driver,
// only once the ride has departed and while its day lasts, and never a passenger who
// checked in.
func (pb *ProofBook) NoShow(bookingID string, by Member, now time.Time) (Proof, error) {
	i := slices.IndexFunc(pb.Bookings, func(b Booking) bool { return b.ID == bookingID })
	if i < 0 {
		return Proof{}, Errorf(ECONFLICT, "only a confirmed passenger can be marked as not there")
	}
	b := pb.Bookings[i]
	if by.ID != pb.Ride.DriverID {
		return Proof{}, Errorf(EFORBIDDEN, "only the driver marks a passenger as not there")
	}
	if now.Before(pb.Ride.DepartAt) {
		return Proof{}, Errorf(ECONFLICT, "a passenger can be marked as not there only after departure")
	}
	if _, end := ProofDay(pb.Ride, pb.Zone); !now.Before(end) {
		return Proof{}, Errorf(ECONFLICT, "the ride's day is over: its proof records are final")
	}
	if _, ok := pb.checkIn(b.PassengerID); ok {
		return Proof{}, Errorf(ECONFLICT, "the passenger has checked in")
	}
	if pr, ok := pb.proof(b.PassengerID); ok && !pr.NoShowAt.IsZero() {
		return Proof{}, Errorf(ECONFLICT, "the passenger is already marked as not there")
	}
	pr := pb.build(b, now)
	pr.NoShowAt = now
	pb.put(pr, now)
	out, _ := pb.proof(b.PassengerID)
	return out, nil
}

// Refresh brings the record of every confirmed passenger up to date with the facts,
// except those already sealed at now, which stay as they are.
func (pb *ProofBook) Refresh(now time.Time) {
	for _, b := range pb.Bookings {
		pb.put(pb.build(b, now), now)
	}
}

// build makes b's record from the facts, keeping what only the record holds (when it
// was created, the no-show mark).
func (pb *ProofBook) build(b Booking, now time.Time) Proof {
	r := pb.Ride
	day, end := ProofDay(r, pb.Zone)
	start, stop := r.From.Point(), r.To.Point()
	startAt := r.DepartAt
	if b.Pickup != nil && b.Dropoff != nil {
		start, stop = b.Pickup.Point(), b.Dropoff.Point()
		startAt, _ = b.PickupAt(r)
	}
	km := RoadKM(start, stop)
	pr := Proof{
		RideID: r.ID, PassengerID: b.PassengerID, DriverID: r.DriverID, BookingID: b.ID,
		Day: day, SealedAt: end, Seats: b.Seats, DistanceM: int(km*1000 + 0.5),
		Start:     ProofPoint{At: startAt, Lat: start.Lat, Lon: start.Lon},
		End:       ProofPoint{At: startAt.Add(TravelTime(km)), Lat: stop.Lat, Lon: stop.Lon},
		CreatedAt: now, UpdatedAt: now,
	}
	if ci, ok := pb.checkIn(r.DriverID); ok {
		pr.DriverCheckIn = &ci
	}
	if ci, ok := pb.checkIn(b.PassengerID); ok {
		pr.PassengerCheckIn = &ci
	}
	if old, ok := pb.proof(b.PassengerID); ok {
		pr.CreatedAt, pr.NoShowAt = old.CreatedAt, old.NoShowAt
	}
	return pr
}

// put stores pr as the passenger's record if it differs from the one held and that
// one is not sealed; the class follows from the facts.
func (pb *ProofBook) put(pr Proof, now time.Time) {
	pr.Class = pr.grade()
	i := slices.IndexFunc(pb.Proofs, func(p Proof) bool { return p.PassengerID == pr.PassengerID })
	if i >= 0 {
		old := pb.Proofs[i]
		if old.Sealed(now) {
			return
		}
		pr.UpdatedAt = old.UpdatedAt
		if sameProof(old, pr) {
			return
		}
		pr.UpdatedAt = now
		pb.Proofs[i] = pr
	} else {
		pb.Proofs = append(pb.Proofs, pr)
	}
	if j := slices.IndexFunc(pb.changed, func(p Proof) bool { return p.PassengerID == pr.PassengerID }); j >= 0 {
		pb.changed[j] = pr
	} else {
		pb.changed = append(pb.changed, pr)
	}
}

func sameProof(a, b Proof) bool {
	eq := func(x, y *CheckIn) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	a2, b2 := a, b
	a2.DriverCheckIn, a2.PassengerCheckIn, b2.DriverCheckIn, b2.PassengerCheckIn = nil, nil, nil, nil
	return a2 == b2 && eq(a.DriverCheckIn, b.DriverCheckIn) && eq(a.PassengerCheckIn, b.PassengerCheckIn)
}

func (pb *ProofBook) booking(passengerID string) *Booking {
	for i := range pb.Bookings {
		if pb.Bookings[i].PassengerID == passengerID && pb.Bookings[i].Status == BookingConfirmed {
			return &pb.Bookings[i]
		}
	}
	return nil
}

func (pb *ProofBook) checkIn(memberID string) (CheckIn, bool) {
	for _, c := range pb.CheckIns {
		if c.MemberID == memberID {
			return c, true
		}
	}
	return CheckIn{}, false
}

func (pb *ProofBook) proof(passengerID string) (Proof, bool) {
	for _, p := range pb.Proofs {
		if p.PassengerID == passengerID {
			return p, true
		}
	}
	return Proof{}, false
}
