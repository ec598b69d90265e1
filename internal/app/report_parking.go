package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// ParkingReport is the parking and proof part of the fleet report: the carpool spaces
// used at each site on each day, the carpools that found none, and the proof records
// by class.
type ParkingReport struct {
	// From and To are the local days the report's period covers, both included.
	From, To carpool.Date
	Days     []ParkingReportDay
	// Used and NoSpace add up the days.
	Used, NoSpace int
	// Proofs counts the period's proof records by class; nil on one site's report, as a
	// record belongs to a ride, not to a site.
	Proofs *carpool.ProofClassCounts
}

// ParkingReportDay is one site's parking on one local day.
type ParkingReportDay struct {
	Site          carpool.Site
	Day           carpool.Date
	Used, NoSpace int
}

// ParkingReport reports the parking and proofs of [from, to) for fleet managers and
// admins: every site's, or only siteID's. The period's days are read in loc (nil: the
// site's zone for one site, else UTC), as the report's weeks are.
func (a *App) ParkingReport(ctx context.Context, me carpool.Member, siteID string, from, to time.Time, loc *time.Location) (ParkingReport, error) {
	if err := RequireFleet(me, carpool.Phrasef("see reports")); err != nil {
		return ParkingReport{}, err
	}
	if err := carpool.CheckReportPeriod(from, to); err != nil {
		return ParkingReport{}, err
	}
	var sites []carpool.Site
	if siteID != "" {
		site, err := a.store.Site(ctx, siteID)
		if err != nil {
			return ParkingReport{}, err
		}
		sites = []carpool.Site{site}
		if loc == nil {
			loc = site.Location(time.UTC)
		}
	} else {
		var err error
		if sites, err = a.AllSites(ctx, me); err != nil {
			return ParkingReport{}, err
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	// to is excluded: a period ending at midnight ends with the day before.
	rep := ParkingReport{From: carpool.DateOf(from.In(loc)), To: carpool.DateOf(to.Add(-time.Nanosecond).In(loc))}
	figures, err := a.store.ParkingFigures(ctx, siteID, rep.From, rep.To)
	if err != nil {
		return ParkingReport{}, fmt.Errorf("parking report: %w", err)
	}
	byID := make(map[string]carpool.Site, len(sites))
	for _, s := range sites {
		byID[s.ID] = s
	}
	for _, f := range figures {
		rep.Days = append(rep.Days, ParkingReportDay{Site: byID[f.SiteID], Day: f.Day, Used: f.Used, NoSpace: f.NoSpace})
		rep.Used += f.Used
		rep.NoSpace += f.NoSpace
	}
	if siteID == "" {
		proofs, err := a.store.ProofClasses(ctx, rep.From, rep.To)
		if err != nil {
			return ParkingReport{}, fmt.Errorf("parking report: %w", err)
		}
		rep.Proofs = &proofs
	}
	return rep, nil
}
