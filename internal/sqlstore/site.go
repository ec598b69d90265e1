package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const siteCols = "id, name, address, lat, lon, version, created_at, updated_at, time_zone"

func scanSite(r rowScanner) (carpool.Site, error) {
	var s carpool.Site
	err := r.Scan(&s.ID, &s.Name, &s.Address, &s.Lat, &s.Lon, &s.Version, timeCol{&s.CreatedAt}, timeCol{&s.UpdatedAt}, &s.TimeZone)
	return s, err
}

// CreateSite stores a site (version 1 unless given).
func (s *Store) CreateSite(ctx context.Context, site carpool.Site) error {
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if site.Version == 0 {
			site.Version = 1
		}
		if site.CreatedAt.IsZero() {
			site.CreatedAt = now
		}
		if site.UpdatedAt.IsZero() {
			site.UpdatedAt = site.CreatedAt
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sites (`+siteCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			site.ID, site.Name, site.Address, site.Lat, site.Lon, site.Version, ts(site.CreatedAt), ts(site.UpdatedAt), site.TimeZone)
		return s.constraint(err, carpool.ECONFLICT, "id")
	})
	if err != nil {
		return fmt.Errorf("create site: %w", err)
	}
	return nil
}

// Site returns the site with id.
func (s *Store) Site(ctx context.Context, id string) (carpool.Site, error) {
	if err := knownID(id, "site"); err != nil {
		return carpool.Site{}, fmt.Errorf("site: %w", err)
	}
	site, err := scanSite(s.read().QueryRowContext(ctx, `SELECT `+siteCols+` FROM sites WHERE id = $1`, id))
	if err != nil {
		return carpool.Site{}, fmt.Errorf("site: %w", notFound(err, "site"))
	}
	return site, nil
}

// Sites returns a page of sites in id (creation) order.
func (s *Store) Sites(ctx context.Context, p carpool.Page) ([]carpool.Site, string, error) {
	var a args
	return listPage(ctx, s, "sites", siteCols, nil, a, p, scanSite, func(x carpool.Site) string { return x.ID })
}

// UpdateSite applies change to the site if its version equals ifVersion (0: any version),
// increments the version and returns the result.
func (s *Store) UpdateSite(ctx context.Context, id string, ifVersion int, change func(*carpool.Site) error) (carpool.Site, error) {
	var out carpool.Site
	if err := knownID(id, "site"); err != nil {
		return out, fmt.Errorf("update site: %w", err)
	}
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		site, err := scanSite(tx.QueryRowContext(ctx, `SELECT `+siteCols+` FROM sites WHERE id = $1`+s.dialect.ForUpdate(), id))
		if err != nil {
			return notFound(err, "site")
		}
		if ifVersion != 0 && site.Version != ifVersion {
			return carpool.StaleVersion(carpool.Phrasef("site"), site.Version)
		}
		old := site.Version
		if err := change(&site); err != nil {
			return err
		}
		if err := site.Validate(); err != nil {
			return err
		}
		site.ID, site.Version, site.UpdatedAt = id, old+1, now
		res, err := tx.ExecContext(ctx, `UPDATE sites SET name = $1, address = $2, lat = $3, lon = $4, version = $5, updated_at = $6, time_zone = $7
			WHERE id = $8 AND version = $9`,
			site.Name, site.Address, site.Lat, site.Lon, site.Version, ts(site.UpdatedAt), site.TimeZone, id, old)
		if err != nil {
			return s.constraint(err, carpool.ECONFLICT, "")
		}
		if err := mustAffect(res, "site"); err != nil {
			return carpool.StaleVersion(carpool.Phrasef("site"), old)
		}
		out = site
		return nil
	})
	if err != nil {
		return carpool.Site{}, fmt.Errorf("update site: %w", err)
	}
	return out, nil
}
