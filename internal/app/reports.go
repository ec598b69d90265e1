package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// UtilisationRow is one pool car's use within a period, with the name of its site.
type UtilisationRow struct {
	carpool.CarUsage
	Site string
}

// Utilisation reports every pool car's use within [from, to) (fleet managers and
// admins), ordered by site name and plate.
func (a *App) Utilisation(ctx context.Context, me carpool.Member, from, to time.Time) ([]UtilisationRow, error) {
	if err := RequireFleet(me, carpool.Phrasef("see the utilisation report")); err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, carpool.FieldErrorf(carpool.EINVALID, "to", "the end of the period must be after its start")
	}
	usage, err := a.store.Utilisation(ctx, carpool.Timestamp(from), carpool.Timestamp(to))
	if err != nil {
		return nil, err
	}
	sites, err := a.AllSites(ctx, me)
	if err != nil {
		return nil, err
	}
	return utilisationRows(usage, sites), nil
}

// utilisationRows names each car's site and orders the rows by site name and plate.
func utilisationRows(usage []carpool.CarUsage, sites []carpool.Site) []UtilisationRow {
	names := make(map[string]string, len(sites))
	for _, s := range sites {
		names[s.ID] = s.Name
	}
	rows := make([]UtilisationRow, len(usage))
	for i, u := range usage {
		rows[i] = UtilisationRow{CarUsage: u, Site: names[u.Car.SiteID]}
	}
	sortBy(rows, func(r UtilisationRow) string { return r.Site + "\x00" + r.Car.Plate })
	return rows
}

// FullRides returns the rides that match q in every way but free seats, best first, so
// a member can join their waitlist.
func (a *App) FullRides(ctx context.Context, me carpool.Member, q carpool.RideQuery, limit int) ([]RideResult, error) {
	q.Full = true
	return a.SearchRides(ctx, me, q, 0, limit)
}
