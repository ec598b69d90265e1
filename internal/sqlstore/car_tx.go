package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// The car parts of carpool.Tx that change a car.

func (u *unit) CarLoad(ctx context.Context, carID string, now time.Time) (carpool.CarLoad, error) {
	var load carpool.CarLoad
	rows, err := u.tx.QueryContext(ctx, `SELECT `+rideCols+` FROM rides
		WHERE car_id = $1 AND status = 'open' AND depart_at > $2 ORDER BY depart_at, id`, carID, ts(now))
	if err != nil {
		return load, fmt.Errorf("rides of car %s: %w", carID, err)
	}
	if load.Rides, err = collect(rows, scanRide); err != nil {
		return load, fmt.Errorf("rides of car %s: %w", carID, err)
	}
	rows, err = u.tx.QueryContext(ctx, `SELECT `+seriesCols+` FROM ride_series
		WHERE car_id = $1 AND status = 'active' ORDER BY id`, carID)
	if err != nil {
		return load, fmt.Errorf("commutes of car %s: %w", carID, err)
	}
	if load.Commutes, err = collect(rows, scanSeries); err != nil {
		return load, fmt.Errorf("commutes of car %s: %w", carID, err)
	}
	err = u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reservations
		WHERE car_id = $1 AND status = 'active' AND ends_at > $2`, carID, ts(now)).Scan(&load.Reservations)
	if err != nil {
		return load, fmt.Errorf("reservations of car %s: %w", carID, err)
	}
	return load, nil
}

func (u *unit) SaveCar(ctx context.Context, c carpool.Car, oldVersion int) error {
	if err := u.s.checkCarRefs(ctx, u.tx, c); err != nil {
		return err
	}
	res, err := u.tx.ExecContext(ctx, `UPDATE cars SET plate = $1, make = $2, model = $3, seats = $4, status = $5, version = $6, updated_at = $7,
		site_id = $8 WHERE id = $9 AND version = $10`,
		c.Plate, c.Make, c.Model, c.Seats, string(c.Status), c.Version, ts(c.UpdatedAt), null(c.SiteID), c.ID, oldVersion)
	if err != nil {
		return u.s.constraint(err, carpool.ECONFLICT, "plate")
	}
	if err := mustAffect(res, "car"); err != nil {
		return carpool.StaleVersion(carpool.Phrasef("car"), oldVersion)
	}
	return nil
}
