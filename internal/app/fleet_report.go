package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// Figures are what a report says about a stretch of time: rides and seats shared, the
// CO₂ that sharing avoided, and how much of the pool cars' time reservations held.
type Figures struct {
	carpool.RideFigures
	CO2AvoidedKG     float64
	ReservedHours    float64
	MaintenanceHours float64
	// AvailableHours is the period's hours times the pool cars in service (not retired);
	// Utilisation is ReservedHours over it, 0 to 1.
	AvailableHours float64
	Utilisation    float64
}

// WeekFigures are the figures of one local week.
type WeekFigures struct {
	Week carpool.Week
	Figures
}

// SiteFigures is the pool-car use at one site.
type SiteFigures struct {
	Site carpool.Site
	Cars int
	Figures
}

// Report is the fleet report for a period.
type Report struct {
	From, To time.Time
	Factor   carpool.EmissionFactor
	Totals   Figures
	Weeks    []WeekFigures
	Sites    []SiteFigures
	Cars     []UtilisationRow
}

// FleetReport reports on [from, to) for fleet managers and admins, week by week in loc:
// each week is two aggregate queries (rides; reservations per car) however large the
// fleet.
func (a *App) FleetReport(ctx context.Context, me carpool.Member, from, to time.Time, loc *time.Location) (Report, error) {
	if err := RequireFleet(me, carpool.Phrasef("see reports")); err != nil {
		return Report{}, err
	}
	if err := carpool.CheckReportPeriod(from, to); err != nil {
		return Report{}, err
	}
	rep := Report{From: from, To: to, Factor: a.co2}
	var err error
	if rep.Cars, err = a.Utilisation(ctx, me, from, to); err != nil {
		return Report{}, err
	}
	rides, err := a.store.RideFigures(ctx, carpool.RideFigureFilter{From: from, To: to})
	if err != nil {
		return Report{}, err
	}
	rep.Totals = a.figures(rides, rep.Cars, to.Sub(from))

	sites, err := a.AllSites(ctx, me)
	if err != nil {
		return Report{}, err
	}
	for _, site := range sites {
		var cars []UtilisationRow
		for _, c := range rep.Cars {
			if c.Car.SiteID == site.ID {
				cars = append(cars, c)
			}
		}
		rep.Sites = append(rep.Sites, SiteFigures{Site: site, Cars: len(cars), Figures: a.figures(carpool.RideFigures{}, cars, to.Sub(from))})
	}

	for _, w := range carpool.Weeks(from, to, loc) {
		start, end := maxTime(w.Start, from), minTime(w.End, to)
		usage, err := a.store.Utilisation(ctx, start, end)
		if err != nil {
			return Report{}, err
		}
		rows := make([]UtilisationRow, len(usage))
		for i, u := range usage {
			rows[i] = UtilisationRow{CarUsage: u}
		}
		rides, err := a.store.RideFigures(ctx, carpool.RideFigureFilter{From: start, To: end})
		if err != nil {
			return Report{}, err
		}
		rep.Weeks = append(rep.Weeks, WeekFigures{Week: w, Figures: a.figures(rides, rows, end.Sub(start))})
	}
	return rep, nil
}

// figures combines ride figures with the use of cars over a span of time.
func (a *App) figures(rides carpool.RideFigures, cars []UtilisationRow, span time.Duration) Figures {
	f := Figures{RideFigures: rides, CO2AvoidedKG: a.co2.AvoidedKG(rides.PassengerKM)}
	for _, c := range cars {
		f.ReservedHours += c.Reserved.Hours()
		f.MaintenanceHours += c.Maintenance.Hours()
		if c.Car.Status != carpool.CarRetired {
			f.AvailableHours += span.Hours()
		}
	}
	if f.AvailableHours > 0 {
		f.Utilisation = f.ReservedHours / f.AvailableHours
	}
	return f
}

// MyFigures are what one member shared in a period: as a driver, the passenger
// kilometres they carried; as a passenger, the kilometres they rode along.
type MyFigures struct {
	Driven       carpool.RideFigures
	Ridden       carpool.RideFigures
	SharedKM     float64
	CO2AvoidedKG float64
}

// MyFigures sums what me shared in [from, to), for their home page.
func (a *App) MyFigures(ctx context.Context, me carpool.Member, from, to time.Time) (MyFigures, error) {
	driven, err := a.store.RideFigures(ctx, carpool.RideFigureFilter{From: from, To: to, DriverID: me.ID})
	if err != nil {
		return MyFigures{}, err
	}
	ridden, err := a.store.RideFigures(ctx, carpool.RideFigureFilter{From: from, To: to, PassengerID: me.ID})
	if err != nil {
		return MyFigures{}, err
	}
	km := driven.PassengerKM + ridden.PassengerKM
	return MyFigures{Driven: driven, Ridden: ridden, SharedKM: km, CO2AvoidedKG: a.co2.AvoidedKG(km)}, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
