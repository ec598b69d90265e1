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

// Report is the fleet report for a period, or one site's when Site is set.
type Report struct {
	From, To time.Time
	Factor   carpool.EmissionFactor
	Site     *carpool.Site
	Totals   Figures
	Weeks    []WeekFigures
	Sites    []SiteFigures
	Cars     []UtilisationRow
	// RidesHome are the guaranteed rides home asked for in the period.
	RidesHome carpool.RideHomeFigures
}

// FleetReport reports on [from, to) for fleet managers and admins, week by week in loc
// (nil: UTC).
// The store reads every week of the period with one grouped query per table, however
// long the period and however large the fleet.
func (a *App) FleetReport(ctx context.Context, me carpool.Member, from, to time.Time, loc *time.Location) (Report, error) {
	return a.report(ctx, me, "", from, to, loc)
}

// SiteReport is the fleet report of one site: its pool cars, their reservations and the
// rides driven in them, computed in the database for that site only; its weeks are in
// loc, or with nil in the site's zone.
func (a *App) SiteReport(ctx context.Context, me carpool.Member, siteID string, from, to time.Time, loc *time.Location) (Report, error) {
	if siteID == "" {
		return Report{}, carpool.FieldErrorf(carpool.EINVALID, "site_id", "site_id is required")
	}
	return a.report(ctx, me, siteID, from, to, loc)
}

func (a *App) report(ctx context.Context, me carpool.Member, siteID string, from, to time.Time, loc *time.Location) (Report, error) {
	if err := RequireFleet(me, carpool.Phrasef("see reports")); err != nil {
		return Report{}, err
	}
	if err := carpool.CheckReportPeriod(from, to); err != nil {
		return Report{}, err
	}
	rep := Report{From: from, To: to, Factor: a.co2}
	var sites []carpool.Site
	if siteID != "" {
		site, err := a.store.Site(ctx, siteID)
		if err != nil {
			return Report{}, err
		}
		rep.Site, sites = &site, []carpool.Site{site}
		if loc == nil {
			// A site's weeks follow its own clocks, where its cars are handed over.
			loc = site.Location(time.UTC)
		}
	} else {
		var err error
		if sites, err = a.AllSites(ctx, me); err != nil {
			return Report{}, err
		}
	}

	if loc == nil {
		loc = time.UTC
	}
	// The weeks clipped to the period are consecutive spans between these bounds.
	weeks := carpool.Weeks(from, to, loc)
	bounds := make([]time.Time, 0, len(weeks)+1)
	bounds = append(bounds, carpool.Timestamp(from))
	for _, w := range weeks[1:] {
		bounds = append(bounds, carpool.Timestamp(w.Start))
	}
	bounds = append(bounds, carpool.Timestamp(to))
	usage, err := a.store.FleetUsage(ctx, carpool.FleetUsageFilter{Bounds: bounds, SiteID: siteID})
	if err != nil {
		return Report{}, err
	}
	rep.Cars = utilisationRows(usage.Cars, sites)
	inService := 0
	for _, c := range usage.Cars {
		if c.Car.Status != carpool.CarRetired {
			inService++
		}
	}

	var rides carpool.RideFigures
	for i, w := range weeks {
		span := usage.Spans[i]
		rides = rides.Add(span.Rides)
		h := heldTime{span.Reserved, span.Maintenance}
		rep.Weeks = append(rep.Weeks, WeekFigures{Week: w, Figures: a.figuresOf(span.Rides, h, inService, bounds[i+1].Sub(bounds[i]))})
	}
	// The spans partition the period, so their rides are the period's: for the fleet
	// every ride, those in private cars too; for a site those driven in its pool cars.
	rep.Totals = a.figures(rides, rep.Cars, to.Sub(from))

	for _, site := range sites {
		var cars []UtilisationRow
		for _, c := range rep.Cars {
			if c.Car.SiteID == site.ID {
				cars = append(cars, c)
			}
		}
		rep.Sites = append(rep.Sites, SiteFigures{Site: site, Cars: len(cars), Figures: a.figures(carpool.RideFigures{}, cars, to.Sub(from))})
	}
	if rep.RidesHome, err = a.rideHomeFigures(ctx, siteID, from, to); err != nil {
		return Report{}, err
	}
	return rep, nil
}

// heldTime is how long reservations held pool cars, by kind.
type heldTime struct{ reserved, maintenance time.Duration }

func (h heldTime) add(reserved, maintenance time.Duration) heldTime {
	return heldTime{h.reserved + reserved, h.maintenance + maintenance}
}

// figures combines ride figures with the use of cars over a span of time.
func (a *App) figures(rides carpool.RideFigures, cars []UtilisationRow, span time.Duration) Figures {
	var h heldTime
	inService := 0
	for _, c := range cars {
		h = h.add(c.Reserved, c.Maintenance)
		if c.Car.Status != carpool.CarRetired {
			inService++
		}
	}
	return a.figuresOf(rides, h, inService, span)
}

// figuresOf combines ride figures with the time reservations held inService cars in a
// span of time.
func (a *App) figuresOf(rides carpool.RideFigures, h heldTime, inService int, span time.Duration) Figures {
	f := Figures{RideFigures: rides, CO2AvoidedKG: a.co2.AvoidedKG(rides.PassengerKM),
		ReservedHours: h.reserved.Hours(), MaintenanceHours: h.maintenance.Hours(),
		AvailableHours: float64(inService) * span.Hours()}
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
