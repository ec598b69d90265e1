package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// Carpool parking: fleet managers keep labelled spaces per site; every change of a
// ride's confirmed passengers or of its day reallocates the days it touches
// (reallocateParking), so a space passes at once to the next carpool waiting.

// ParkingSpaces lists the site's active spaces; every member may see them.
func (a *App) ParkingSpaces(ctx context.Context, me carpool.Member, siteID string) ([]carpool.ParkingSpace, error) {
	if _, err := a.store.Site(ctx, siteID); err != nil {
		return nil, err
	}
	return a.store.ActiveParkingSpaces(ctx, siteID)
}

// AddParkingSpace adds a space to a site (fleet managers and admins); the carpools of
// the days ahead that wait for a space may get it at once.
func (a *App) AddParkingSpace(ctx context.Context, me carpool.Member, siteID, label string) (carpool.ParkingSpace, error) {
	if err := RequireFleet(me, carpool.Phrasef("manage parking spaces")); err != nil {
		return carpool.ParkingSpace{}, err
	}
	var out carpool.ParkingSpace
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		site, err := tx.LockSite(ctx, siteID)
		if err != nil {
			return err
		}
		space, err := carpool.NewParkingSpace(site, label, tx.Now())
		if err != nil {
			return err
		}
		spaces, err := tx.ParkingSpaces(ctx, site.ID)
		if err != nil {
			return err
		}
		if err := carpool.CheckLabelFree(spaces, space.Label, ""); err != nil {
			return err
		}
		if err := tx.InsertParkingSpace(ctx, space); err != nil {
			return err
		}
		out = space
		return a.reallocateAhead(ctx, tx, site)
	})
	if err != nil {
		return carpool.ParkingSpace{}, fmt.Errorf("add parking space: %w", err)
	}
	a.audit(ctx, me, carpool.AuditParkingSpaceAdded, "site", siteID, out.Label)
	return out, nil
}

// RenameParkingSpace relabels a space if its version is still ifVersion (0: any); its
// holders keep it.
func (a *App) RenameParkingSpace(ctx context.Context, me carpool.Member, spaceID string, ifVersion int, label string) (carpool.ParkingSpace, error) {
	if err := RequireFleet(me, carpool.Phrasef("manage parking spaces")); err != nil {
		return carpool.ParkingSpace{}, err
	}
	var out carpool.ParkingSpace
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		space, err := lockSpace(ctx, tx, spaceID)
		if err != nil {
			return err
		}
		if ifVersion != 0 && space.Version != ifVersion {
			return carpool.StaleVersion(carpool.Phrasef("parking space"), space.Version)
		}
		if err := space.Rename(label, tx.Now()); err != nil {
			return err
		}
		spaces, err := tx.ParkingSpaces(ctx, space.SiteID)
		if err != nil {
			return err
		}
		if err := carpool.CheckLabelFree(spaces, space.Label, space.ID); err != nil {
			return err
		}
		out = space
		return tx.SaveParkingSpace(ctx, space)
	})
	if err != nil {
		return carpool.ParkingSpace{}, fmt.Errorf("rename parking space: %w", err)
	}
	a.audit(ctx, me, carpool.AuditParkingSpaceRenamed, "site", out.SiteID, out.Label)
	return out, nil
}

// RetireParkingSpace stops offering a space; its holders of the days ahead get another
// free space, or are told they lost theirs. Past days keep it, as they happened.
func (a *App) RetireParkingSpace(ctx context.Context, me carpool.Member, spaceID string) (carpool.ParkingSpace, error) {
	if err := RequireFleet(me, carpool.Phrasef("manage parking spaces")); err != nil {
		return carpool.ParkingSpace{}, err
	}
	var out carpool.ParkingSpace
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		space, err := lockSpace(ctx, tx, spaceID)
		if err != nil {
			return err
		}
		if err := space.Retire(tx.Now()); err != nil {
			return err
		}
		if err := tx.SaveParkingSpace(ctx, space); err != nil {
			return err
		}
		out = space
		site, err := tx.LockSite(ctx, space.SiteID)
		if err != nil {
			return err
		}
		return a.reallocateAhead(ctx, tx, site)
	})
	if err != nil {
		return carpool.ParkingSpace{}, fmt.Errorf("retire parking space: %w", err)
	}
	a.audit(ctx, me, carpool.AuditParkingSpaceRetired, "site", out.SiteID, out.Label)
	return out, nil
}

// lockSpace locks the space, then its site: the site's lock guards every allocation of
// its days, and renaming or retiring takes it too, so they queue behind each other.
func lockSpace(ctx context.Context, tx carpool.Tx, spaceID string) (carpool.ParkingSpace, error) {
	space, err := tx.LockParkingSpace(ctx, spaceID)
	if err != nil {
		return carpool.ParkingSpace{}, err
	}
	if _, err := tx.LockSite(ctx, space.SiteID); err != nil {
		return carpool.ParkingSpace{}, err
	}
	return space, nil
}

// reallocateAhead reallocates every day from the site's today on that has claims or
// carpools arriving, after its spaces changed: a carpool that formed before the site or
// its first space existed is served too, not only at its next change.
func (a *App) reallocateAhead(ctx context.Context, tx carpool.Tx, site carpool.Site) error {
	today := carpool.DateOf(tx.Now().In(a.parking.SiteZone(site)))
	days, err := tx.ParkingDays(ctx, site.ID, today)
	if err != nil {
		return err
	}
	center := carpool.Point{Lat: site.Lat, Lon: site.Lon}
	from, _ := a.parking.Departures(site, today)
	rides, err := tx.CarpoolsArriving(ctx, a.parking.Area(center), from)
	if err != nil {
		return err
	}
	sites, err := tx.SitesIn(ctx, a.parking.Neighbourhood(center))
	if err != nil {
		return err
	}
	for _, r := range rides {
		if at, ok := a.parking.SiteOf(r, sites); ok && at.ID == site.ID {
			if d := a.parking.DayOf(r, site); !d.Before(today) && !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
	}
	slices.SortFunc(days, func(x, y carpool.Date) int { return cmp.Compare(x.String(), y.String()) })
	for _, d := range days {
		if err := a.reallocateParking(ctx, tx, site.ID, d); err != nil {
			return err
		}
	}
	return nil
}

// reallocateParking decides the holders of a site's day: it locks the site, loads the
// rides that may arrive that day with their claims, lets carpool.Parking.Allocate decide,
// and saves the claims with the events that tell drivers they got or lost a space.
func (a *App) reallocateParking(ctx context.Context, tx carpool.Tx, siteID string, day carpool.Date) error {
	site, err := tx.LockSite(ctx, siteID)
	if err != nil {
		return err
	}
	center := carpool.Point{Lat: site.Lat, Lon: site.Lon}
	sites, err := tx.SitesIn(ctx, a.parking.Neighbourhood(center))
	if err != nil {
		return err
	}
	spaces, err := tx.ParkingSpaces(ctx, site.ID)
	if err != nil {
		return err
	}
	from, to := a.parking.Departures(site, day)
	rides, err := tx.ParkingRides(ctx, site.ID, day, a.parking.Area(center), from, to)
	if err != nil {
		return err
	}
	ids := make([]string, len(rides))
	for i, r := range rides {
		ids[i] = r.ID
	}
	claims, err := tx.ParkingClaims(ctx, site.ID, day, ids)
	if err != nil {
		return err
	}
	ch := a.parking.Allocate(carpool.ParkingDay{Site: site, Day: day, Spaces: spaces, Claims: claims, Sites: sites}, rides, tx.Now())
	if err := tx.SaveParking(ctx, ch); err != nil {
		return err
	}
	return tx.Append(ctx, ch.Events...)
}

// parkingAfter reallocates the days a change of ride touches: the day it now arrives on
// (first, so a ride moved there keeps its place in the queue), then the day it held a
// claim on. A ride that claims nothing and held nothing touches no day.
func (a *App) parkingAfter(ctx context.Context, tx carpool.Tx, ride carpool.Ride) error {
	type siteDay struct {
		site string
		day  carpool.Date
	}
	var touched []siteDay
	if ride.Status == carpool.RideOpen && ride.SeatsTaken > 0 {
		sites, err := tx.SitesIn(ctx, a.parking.Area(ride.To.Point()))
		if err != nil {
			return err
		}
		if site, ok := a.parking.SiteOf(ride, sites); ok {
			touched = append(touched, siteDay{site.ID, a.parking.DayOf(ride, site)})
		}
	}
	held, err := tx.RideParkingClaim(ctx, ride.ID)
	switch {
	case err == nil:
		if old := (siteDay{held.SiteID, held.Day}); len(touched) == 0 || touched[0] != old {
			touched = append(touched, old)
		}
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return err
	}
	for _, sd := range touched {
		if err := a.reallocateParking(ctx, tx, sd.site, sd.day); err != nil {
			return fmt.Errorf("parking of %s: %w", sd.day, err)
		}
	}
	return nil
}

// ParkingEntry is one line of a site's day list: who parks where, and when they come.
type ParkingEntry struct {
	SpaceID    string
	Space      string
	RideID     string
	Plate      string
	DriverName string
	ArrivalAt  time.Time
}

// ParkingDayList is a site's day list: who parks in which space, and when they come.
type ParkingDayList struct {
	Site    carpool.Site
	Day     carpool.Date
	Zone    *time.Location // the site's, which its times are read in
	Entries []ParkingEntry
}

// ParkingList returns the day's holders of a site's spaces, by space (fleet managers,
// admins and site security, who works from it).
func (a *App) ParkingList(ctx context.Context, me carpool.Member, siteID string, day carpool.Date) (ParkingDayList, error) {
	if err := requireParkingReader(me); err != nil {
		return ParkingDayList{}, err
	}
	site, err := a.store.Site(ctx, siteID)
	if err != nil {
		return ParkingDayList{}, err
	}
	holders, err := a.store.ParkingHolders(ctx, siteID, day)
	if err != nil {
		return ParkingDayList{}, fmt.Errorf("parking list: %w", err)
	}
	out := ParkingDayList{Site: site, Day: day, Zone: a.parking.SiteZone(site), Entries: make([]ParkingEntry, len(holders))}
	for i, h := range holders {
		out.Entries[i] = ParkingEntry{SpaceID: h.Space.ID, Space: h.Space.Label, RideID: h.Ride.ID, Plate: h.Plate,
			DriverName: h.DriverName, ArrivalAt: carpool.ArrivalAt(h.Ride)}
	}
	return out, nil
}

// WriteCSV writes the list as RFC 4180 CSV, the same file from the API and the web:
// arrival times in the site's zone with their offset, so a spreadsheet and a guard at
// the gate read the same clock.
func (l ParkingDayList) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rows := [][]string{{"space", "plate", "driver", "arrival"}}
	for _, e := range l.Entries {
		rows = append(rows, []string{e.Space, e.Plate, e.DriverName, e.ArrivalAt.In(l.Zone).Format(time.RFC3339)})
	}
	for _, row := range rows {
		for i, cell := range row {
			row[i] = SpreadsheetSafe(cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SpreadsheetSafe keeps a spreadsheet from reading a text cell as a formula: a cell that
// starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe. Numbers
// (a minus sign and digits) stay numbers.
func SpreadsheetSafe(cell string) string {
	if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil {
		return cell
	}
	return "'" + cell
}

// RideSpace is the space a ride holds, told to its driver.
type RideSpace struct {
	Label  string
	SiteID string
	Day    carpool.Date
}

// RideParking returns the space the ride holds, only to its driver (nil for anyone else,
// and when it holds none).
func (a *App) RideParking(ctx context.Context, me carpool.Member, ride carpool.Ride) (*RideSpace, error) {
	if me.ID == "" || ride.DriverID != me.ID {
		return nil, nil
	}
	held, err := a.store.RideParking(ctx, ride.ID)
	if err != nil || len(held) == 0 {
		return nil, err
	}
	return &RideSpace{Label: held[0].Space.Label, SiteID: held[0].Claim.SiteID, Day: held[0].Claim.Day}, nil
}

// saveRideBook saves what a RideBook's operations changed, then reallocates the parking
// days the change touches. Every use case that changes a ride's confirmed passengers or
// its day saves through here, so no path can forget the parking.
func (a *App) saveRideBook(ctx context.Context, tx carpool.Tx, rb *carpool.RideBook) error {
	if err := tx.SaveRideBook(ctx, rb); err != nil {
		return err
	}
	return a.parkingAfter(ctx, tx, rb.Ride)
}
