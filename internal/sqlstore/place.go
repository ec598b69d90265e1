package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const placeCols = "id, member_id, name, address, lat, lon, version, created_at, updated_at"

func scanPlace(r rowScanner) (carpool.SavedPlace, error) {
	var p carpool.SavedPlace
	err := r.Scan(&p.ID, &p.MemberID, &p.Name, &p.Address, &p.Lat, &p.Lon, &p.Version,
		timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt})
	return p, err
}

// CreatePlace stores a member's saved place; ECONFLICT on the name if they have one so
// called already.
func (s *Store) CreatePlace(ctx context.Context, p carpool.SavedPlace) error {
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if p.Version == 0 {
			p.Version = 1
		}
		if p.CreatedAt.IsZero() {
			p.CreatedAt, p.UpdatedAt = now, now
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM places WHERE member_id = $1`, p.MemberID).Scan(&n); err != nil {
			return err
		}
		if n >= carpool.MaxSavedPlaces {
			return carpool.Errorf(carpool.ECONFLICT, "you have %d saved places already, the most there may be", n)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO places (`+placeCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			p.ID, p.MemberID, p.Name, p.Address, p.Lat, p.Lon, p.Version, ts(p.CreatedAt), ts(p.UpdatedAt))
		return s.constraint(err, carpool.ECONFLICT, "name")
	})
	if err != nil {
		return fmt.Errorf("create place: %w", err)
	}
	return nil
}

// Place returns the saved place with id.
func (s *Store) Place(ctx context.Context, id string) (carpool.SavedPlace, error) {
	p, err := scanPlace(s.read().QueryRowContext(ctx, `SELECT `+placeCols+` FROM places WHERE id = $1`, id))
	if err != nil {
		return carpool.SavedPlace{}, fmt.Errorf("place: %w", notFound(err, "place"))
	}
	return p, nil
}

// Places returns a member's saved places in name order.
func (s *Store) Places(ctx context.Context, memberID string) ([]carpool.SavedPlace, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+placeCols+` FROM places WHERE member_id = $1 ORDER BY name, id LIMIT $2`,
		memberID, carpool.MaxSavedPlaces)
	if err != nil {
		return nil, fmt.Errorf("places: %w", err)
	}
	places, err := collect(rows, scanPlace)
	if err != nil {
		return nil, fmt.Errorf("places: %w", err)
	}
	return places, nil
}

// UpdatePlace applies change if the place's version equals ifVersion (0: any version).
func (s *Store) UpdatePlace(ctx context.Context, id string, ifVersion int, change func(*carpool.SavedPlace) error) (carpool.SavedPlace, error) {
	var out carpool.SavedPlace
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		p, err := scanPlace(tx.QueryRowContext(ctx, `SELECT `+placeCols+` FROM places WHERE id = $1`+s.dialect.ForUpdate(), id))
		if err != nil {
			return notFound(err, "place")
		}
		if ifVersion != 0 && p.Version != ifVersion {
			return carpool.StaleVersion(carpool.Phrasef("place"), p.Version)
		}
		old, member := p.Version, p.MemberID
		if err := change(&p); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		p.ID, p.MemberID, p.Version, p.UpdatedAt = id, member, old+1, now
		res, err := tx.ExecContext(ctx, `UPDATE places SET name = $1, address = $2, lat = $3, lon = $4, version = $5, updated_at = $6
			WHERE id = $7 AND version = $8`,
			p.Name, p.Address, p.Lat, p.Lon, p.Version, ts(p.UpdatedAt), id, old)
		if err != nil {
			return s.constraint(err, carpool.ECONFLICT, "name")
		}
		if err := mustAffect(res, "place"); err != nil {
			return carpool.StaleVersion(carpool.Phrasef("place"), old)
		}
		out = p
		return nil
	})
	if err != nil {
		return carpool.SavedPlace{}, fmt.Errorf("update place: %w", err)
	}
	return out, nil
}

// DeletePlace forgets a saved place. Rides and bookings copied its coordinates, so they
// keep theirs.
func (s *Store) DeletePlace(ctx context.Context, id string) error {
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM places WHERE id = $1`, id)
		if err != nil {
			return err
		}
		return mustAffect(res, "place")
	})
	if err != nil {
		return fmt.Errorf("delete place: %w", err)
	}
	return nil
}
