package carpool

import (
	"fmt"
	"strings"
)

// CarLoad is what a car carries from now on: the open rides ahead that depart in it, the
// active commutes that offer its seats every week, and its active reservations ahead.
type CarLoad struct {
	Rides        []Ride
	Commutes     []Series
	Reservations int
}

// CheckCarChange decides whether a car may change from old to c while it carries load.
// A change may not strand anyone: retiring waits until nothing is left on the car;
// blocking it for maintenance waits until no open ride departs in it; and its seats may
// not drop below what a ride or commute on it offers besides the driver's (the rule every ride already keeps
// when it is offered or changed, kept here from the car's side).
func CheckCarChange(old, c Car, load CarLoad) error {
	if c.Status == CarRetired && old.Status != CarRetired {
		return CheckRetire(len(load.Rides), load.Reservations)
	}
	if c.Status == CarMaintenance && old.Status != CarMaintenance && len(load.Rides) > 0 {
		return FieldErrorf(ECONFLICT, "status", "open rides depart in this car: cancel them before blocking it: %s",
			rideNames(load.Rides))
	}
	if c.Seats >= old.Seats {
		return nil
	}
	offerable := c.Seats - 1 // the driver's seat is never offered
	var over []string
	for _, r := range load.Rides {
		if r.Seats > offerable {
			over = append(over, rideName(r))
		}
	}
	for _, s := range load.Commutes {
		if s.Seats > offerable {
			over = append(over, fmt.Sprintf("%s → %s, %s %s", s.From.Label, s.To.Label, s.Weekdays, s.DepartTime))
		}
	}
	if len(over) > 0 {
		return FieldErrorf(ECONFLICT, "seats", "rides on this car offer more than %d seats: lower theirs first: %s",
			offerable, strings.Join(over, "; "))
	}
	return nil
}

func rideName(r Ride) string {
	return fmt.Sprintf("%s → %s, %s", r.From.Label, r.To.Label, r.DepartAt.UTC().Format("2006-01-02 15:04 UTC"))
}

func rideNames(rides []Ride) string {
	names := make([]string, len(rides))
	for i, r := range rides {
		names[i] = rideName(r)
	}
	return strings.Join(names, "; ")
}
