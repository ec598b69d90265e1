package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// SiteInput describes a new site; the coordinates are required.
type SiteInput struct {
	Name    string
	Address string
	Lat     *float64
	Lon     *float64
	// TimeZone is the IANA zone of the site's clocks; empty is the default zone.
	TimeZone string
}

// SitePatch changes a site; nil fields stay as they are.
type SitePatch struct {
	Name     *string
	Address  *string
	Lat      *float64
	Lon      *float64
	TimeZone *string
}

// RequireFleet refuses members who do not manage the fleet, saying which action they may
// not take. Every edge that guards a fleet page asks it, so a refusal reads the same
// on all of them.
func RequireFleet(me carpool.Member, action carpool.Phrase) error {
	if !me.ManagesFleet() {
		return carpool.Errorf(carpool.EFORBIDDEN, "only fleet managers and admins can %s", action)
	}
	return nil
}

// Sites lists the company's sites; every member may see them.
func (a *App) Sites(ctx context.Context, _ carpool.Member, p carpool.Page) ([]carpool.Site, string, error) {
	return a.store.Sites(ctx, p)
}

// Site returns one site; every member may see it.
func (a *App) Site(ctx context.Context, _ carpool.Member, id string) (carpool.Site, error) {
	now := a.now()
	if site, ok := a.sites.get(id, now); ok {
		return site, nil
	}
	gen := a.sites.generation()
	site, err := a.store.Site(ctx, id)
	if err != nil {
		return carpool.Site{}, err
	}
	a.sites.put(id, site, gen, now)
	return site, nil
}

// CreateSite adds a site (fleet managers and admins).
func (a *App) CreateSite(ctx context.Context, me carpool.Member, in SiteInput) (carpool.Site, error) {
	if err := RequireFleet(me, carpool.Phrasef("add sites")); err != nil {
		return carpool.Site{}, err
	}
	// A missing coordinate is reported with every other wrong field: the site is
	// checked with 0 in its place, which is valid and so adds no error of its own.
	var missing []error
	var lat, lon float64
	if in.Lat == nil {
		missing = append(missing, carpool.Required("lat"))
	} else {
		lat = *in.Lat
	}
	if in.Lon == nil {
		missing = append(missing, carpool.Required("lon"))
	} else {
		lon = *in.Lon
	}
	now := a.Now()
	site := carpool.Site{
		ID: carpool.NewID(), Name: in.Name, Address: in.Address, Lat: lat, Lon: lon, TimeZone: in.TimeZone,
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := carpool.JoinInvalid(append([]error{site.Validate()}, missing...)...); err != nil {
		return carpool.Site{}, err
	}
	if err := a.store.CreateSite(ctx, site); err != nil {
		return carpool.Site{}, fmt.Errorf("create site: %w", err)
	}
	a.audit(ctx, me, carpool.AuditSiteCreated, "site", site.ID, site.Name)
	return site, nil
}

// UpdateSite changes a site if its version is still ifVersion (0: any version). Every
// member may see sites, so the id is no secret: members get 403, not 404.
func (a *App) UpdateSite(ctx context.Context, me carpool.Member, id string, ifVersion int, p SitePatch) (carpool.Site, error) {
	if !me.ManagesFleet() {
		if _, err := a.store.Site(ctx, id); err != nil {
			return carpool.Site{}, err
		}
		return carpool.Site{}, RequireFleet(me, carpool.Phrasef("change sites"))
	}
	// Forgotten whether or not the change succeeds: the next read asks the database.
	defer a.sites.forget(id)
	site, err := a.store.UpdateSite(ctx, id, ifVersion, func(site *carpool.Site) error {
		if p.Name != nil {
			site.Name = *p.Name
		}
		if p.Address != nil {
			site.Address = *p.Address
		}
		if p.Lat != nil {
			site.Lat = *p.Lat
		}
		if p.Lon != nil {
			site.Lon = *p.Lon
		}
		if p.TimeZone != nil {
			site.TimeZone = *p.TimeZone
		}
		return site.Validate()
	})
	if err != nil {
		return carpool.Site{}, err
	}
	a.audit(ctx, me, carpool.AuditSiteChanged, "site", site.ID, site.Name)
	if p.Lat != nil || p.Lon != nil || p.TimeZone != nil {
		// Which rides arrive at the site, and on which of its days, may have changed.
		err := a.store.InTx(ctx, func(tx carpool.Tx) error {
			locked, err := tx.LockSite(ctx, site.ID)
			if err != nil {
				return err
			}
			return a.reallocateAhead(ctx, tx, locked)
		})
		if err != nil {
			return carpool.Site{}, fmt.Errorf("update site: parking: %w", err)
		}
	}
	return site, nil
}
