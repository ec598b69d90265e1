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

// RideFigures sums the rides that departed in a period, cancelled ones left out.
type RideFigures struct {
	Offered     int     // rides offered
	Shared      int     // rides that carried at least one passenger
	SeatsFilled int     // passenger seats taken
	PassengerKM float64 // road kilometres passengers travelled in shared rides
}

// Add returns the sum of f and g.
func (f RideFigures) Add(g RideFigures) RideFigures {
	return RideFigures{Offered: f.Offered + g.Offered, Shared: f.Shared + g.Shared,
		SeatsFilled: f.SeatsFilled + g.SeatsFilled, PassengerKM: f.PassengerKM + g.PassengerKM}
}

// RideFigureFilter selects the rides a RideFigures sums: departed in [From, To), driven
// by DriverID or carrying PassengerID (confirmed) when set. For a passenger,
// PassengerKM counts their own seats only.
type RideFigureFilter struct {
	From        time.Time
	To          time.Time
	DriverID    string
	PassengerID string
}

// EmissionFactor is the CO₂ (kg CO₂e) one car-kilometre emits, which a passenger who
// shares a ride instead of driving alone saves per kilometre.
type EmissionFactor float64

// DefaultEmissionFactor is the UK Government's greenhouse gas conversion factor for an
// average car of unknown fuel (2023 edition, 0.16844 kg CO₂e per km); a company may set
// its own fleet's figure (CARPOOL_CO2_KG_PER_KM).
const DefaultEmissionFactor EmissionFactor = 0.16844

// AvoidedKG is the CO₂ avoided when passengers travelled passengerKM in shared rides.
func (f EmissionFactor) AvoidedKG(passengerKM float64) float64 { return float64(f) * passengerKM }

// Week is one reporting week [Start, End) in a time zone: Monday 00:00 to the next
// Monday 00:00, local time, so a week across a daylight-saving change has 167 or 169
// hours.
type Week struct {
	Start time.Time
	End   time.Time
}

// Weeks returns the weeks that cover [from, to) in loc: the first starts on the Monday on
// or before from, the last ends on the Monday on or after to.
func Weeks(from, to time.Time, loc *time.Location) []Week {
	f := from.In(loc)
	start := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc)
	start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
	var weeks []Week
	for start.Before(to) {
		end := start.AddDate(0, 0, 7)
		weeks = append(weeks, Week{Start: start, End: end})
		start = end
	}
	return weeks
}

// MaxReportDays bounds a report's period: a year and a bit, which covers "last year" in
// any time zone.
const MaxReportDays = 400

// CheckReportPeriod checks a report's period.
func CheckReportPeriod(from, to time.Time) error {
	var fe fieldErrors
	if from.IsZero() {
		fe.add(FieldErrorf(EINVALID, "from", "from is required"))
	}
	if to.IsZero() {
		fe.add(FieldErrorf(EINVALID, "to", "to is required"))
	}
	if err := fe.err(); err != nil {
		return err
	}
	if !to.After(from) {
		return FieldErrorf(EINVALID, "to", "to must be after from")
	}
	if to.Sub(from) > MaxReportDays*24*time.Hour {
		return FieldErrorf(EINVALID, "to", "a report may cover at most %d days", MaxReportDays)
	}
	return nil
}
