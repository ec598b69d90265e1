package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const carCols = "id, kind, plate, make, model, seats, site_id, owner_id, status, version, created_at, updated_at"

func scanCar(r rowScanner) (carpool.Car, error) {
	var c carpool.Car
	err := r.Scan(&c.ID, &c.Kind, &c.Plate, &c.Make, &c.Model, &c.Seats, strCol{&c.SiteID}, strCol{&c.OwnerID},
		&c.Status, &c.Version, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	return c, err
}

// CreateCar stores a car; ECONFLICT (field plate) if the plate is taken, EINVALID (field
// site_id) if its site does not exist.
func (s *Store) CreateCar(ctx context.Context, c carpool.Car) error {
	c.Plate = carpool.NormalizePlate(c.Plate)
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if c.Version == 0 {
			c.Version = 1
		}
		if c.Status == "" {
			c.Status = carpool.CarActive
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		if err := s.checkCarRefs(ctx, tx, c); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO cars (`+carCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			c.ID, string(c.Kind), c.Plate, c.Make, c.Model, c.Seats, null(c.SiteID), null(c.OwnerID),
			string(c.Status), c.Version, ts(c.CreatedAt), ts(c.UpdatedAt))
		if err != nil {
			return s.constraint(s.constraint(err, carpool.ECONFLICT, "plate"), carpool.EINVALID, "site_id")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create car: %w", err)
	}
	return nil
}

// checkCarRefs gives the precise errors for what the schema refuses anyway: a taken
// plate, a missing site or owner.
func (s *Store) checkCarRefs(ctx context.Context, tx *sql.Tx, c carpool.Car) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cars WHERE plate = $1 AND id <> $2`, c.Plate, c.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return carpool.FieldErrorf(carpool.ECONFLICT, "plate", "a car with this plate exists")
	}
	if c.SiteID != "" && !carpool.ValidID(c.SiteID) {
		return carpool.FieldErrorf(carpool.EINVALID, "site_id", "site not found")
	}
	if c.OwnerID != "" && !carpool.ValidID(c.OwnerID) {
		return carpool.FieldErrorf(carpool.EINVALID, "owner_id", "owner not found")
	}
	if c.SiteID != "" {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sites WHERE id = $1`, c.SiteID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return carpool.FieldErrorf(carpool.EINVALID, "site_id", "site not found")
		}
	}
	if c.OwnerID != "" {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM members WHERE id = $1`, c.OwnerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return carpool.FieldErrorf(carpool.EINVALID, "owner_id", "owner not found")
		}
	}
	return nil
}

// Car returns the car with id.
func (s *Store) Car(ctx context.Context, id string) (carpool.Car, error) {
	if err := knownID(id, "car"); err != nil {
		return carpool.Car{}, fmt.Errorf("car: %w", err)
	}
	c, err := scanCar(s.read().QueryRowContext(ctx, `SELECT `+carCols+` FROM cars WHERE id = $1`, id))
	if err != nil {
		return carpool.Car{}, fmt.Errorf("car: %w", notFound(err, "car"))
	}
	return c, nil
}

// Cars returns a page of the cars the filter selects, in id order.
func (s *Store) Cars(ctx context.Context, f carpool.CarFilter, p carpool.Page) ([]carpool.Car, string, error) {
	if !knownIDs(f.SiteID, f.OwnerID, f.VisibleTo) {
		return nil, "", nil
	}
	var a args
	var conds []string
	if f.Kind != "" {
		conds = append(conds, "kind = "+a.add(string(f.Kind)))
	}
	if f.SiteID != "" {
		conds = append(conds, "site_id = "+a.add(f.SiteID))
	}
	if f.OwnerID != "" {
		conds = append(conds, "owner_id = "+a.add(f.OwnerID))
	}
	if f.VisibleTo != "" {
		conds = append(conds, "(kind = 'pool' OR owner_id = "+a.add(f.VisibleTo)+")")
	}
	if !f.IncludeRetired {
		conds = append(conds, "status <> 'retired'")
	}
	return listPage(ctx, s, "cars", carCols, conds, a, p, scanCar, func(x carpool.Car) string { return x.ID })
}

// lockCar reads a car for a transaction that writes it or depends on it (reservations),
// holding its row lock where the engine has one.
func (s *Store) lockCar(ctx context.Context, tx *sql.Tx, id string) (carpool.Car, error) {
	if err := knownID(id, "car"); err != nil {
		return carpool.Car{}, err
	}
	c, err := scanCar(tx.QueryRowContext(ctx, `SELECT `+carCols+` FROM cars WHERE id = $1`+s.dialect.ForUpdate(), id))
	if err != nil {
		return carpool.Car{}, notFound(err, "car")
	}
	return c, nil
}
