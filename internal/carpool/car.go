package carpool

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CarKind tells a company pool car from a member's own car.
type CarKind string

const (
	CarPool    CarKind = "pool"
	CarPrivate CarKind = "private"
)

// CarStatus is the life cycle of a car. Only active cars can be reserved or offer rides.
type CarStatus string

const (
	CarActive      CarStatus = "active"
	CarMaintenance CarStatus = "maintenance"
	CarRetired     CarStatus = "retired"
)

// Valid reports whether s is a known status.
func (s CarStatus) Valid() bool {
	return s == CarActive || s == CarMaintenance || s == CarRetired
}

// Seat limits of a car, driver included.
const (
	MinCarSeats = 1
	MaxCarSeats = 8
)

// Car is a pool car (SiteID set, managed by fleet managers) or a private car (OwnerID set).
type Car struct {
	ID        string
	Kind      CarKind
	Plate     string
	Make      string
	Model     string
	Seats     int
	SiteID    string
	OwnerID   string
	Status    CarStatus
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NormalizePlate upper-cases a number plate and collapses its spaces, so "ab 123" and
// "AB  123" are the same plate.
func NormalizePlate(p string) string {
	return strings.Join(strings.Fields(strings.ToUpper(p)), " ")
}

// Validate checks a car's fields and normalises them; every wrong field is reported at
// once.
func (c *Car) Validate() error {
	c.Plate = NormalizePlate(norm.NFC.String(c.Plate))
	if c.Status == "" {
		c.Status = CarActive
	}
	var fe fieldErrors
	switch c.Kind {
	case CarPool:
		if c.SiteID == "" {
			fe.add(FieldErrorf(EINVALID, "site_id", "site_id is required for a pool car"))
		}
		c.OwnerID = ""
	case CarPrivate:
		if c.OwnerID == "" {
			fe.add(FieldErrorf(EINVALID, "owner_id", "a private car needs an owner"))
		}
		c.SiteID = ""
	default:
		fe.add(FieldErrorf(EINVALID, "kind", "kind must be pool or private"))
	}
	plate, err := plateText.Clean("plate", c.Plate)
	c.Plate = plate
	if !fe.add(err) {
		for _, r := range c.Plate {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-') {
				fe.add(FieldErrorf(EINVALID, "plate", "plate may hold letters, digits, spaces and dashes only"))
				break
			}
		}
	}
	c.Make, err = carText.Clean("make", c.Make)
	fe.add(err)
	c.Model, err = carText.Clean("model", c.Model)
	fe.add(err)
	if c.Seats < MinCarSeats || c.Seats > MaxCarSeats {
		fe.add(FieldErrorf(EINVALID, "seats", "seats must be between %d and %d", MinCarSeats, MaxCarSeats))
	}
	if !c.Status.Valid() {
		fe.add(FieldErrorf(EINVALID, "status", "status must be active, maintenance or retired"))
	}
	return fe.err()
}

// CheckRetire decides whether a car may be retired while openRides rides still depart
// in it and activeReservations reservations still hold it: not at all, since retiring
// would strand passengers and reservation holders without telling them. The manager
// cancels those first (each cancellation tells the people concerned), then retires.
func CheckRetire(openRides, activeReservations int) error {
	if openRides == 0 && activeReservations == 0 {
		return nil
	}
	var open []Phrase
	switch {
	case openRides == 1:
		open = append(open, Phrasef("1 open ride"))
	case openRides > 1:
		open = append(open, Phrasef("%d open rides", openRides))
	}
	switch {
	case activeReservations == 1:
		open = append(open, Phrasef("1 active reservation"))
	case activeReservations > 1:
		open = append(open, Phrasef("%d active reservations", activeReservations))
	}
	if len(open) == 2 {
		return FieldErrorf(ECONFLICT, "status", "the car still has %s and %s: cancel them before retiring it", open[0], open[1])
	}
	return FieldErrorf(ECONFLICT, "status", "the car still has %s: cancel them before retiring it", open[0])
}

// CanManage reports whether m may change or retire the car: fleet managers for pool
// cars, the owner for a private car.
func (c Car) CanManage(m Member) bool {
	if c.Kind == CarPool {
		return m.ManagesFleet()
	}
	return c.OwnerID == m.ID
}

// VisibleTo reports whether m may see the car at all: every member sees pool cars; a
// private car is seen by its owner (and, through a ride, by its passengers).
func (c Car) VisibleTo(m Member) bool {
	return c.Kind == CarPool || c.OwnerID == m.ID || m.Role == RoleAdmin
}
