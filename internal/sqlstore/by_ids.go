package sqlstore

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// byIDs reads the rows of table with the given ids that exist, in any order.
func byIDs[T any](ctx context.Context, s *Store, table, cols string, ids []string, scan func(rowScanner) (T, error)) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var a args
	rows, err := s.read().QueryContext(ctx, `SELECT `+cols+` FROM `+table+` WHERE id `+s.dialect.InList(ids, a.add), a...)
	if err != nil {
		return nil, fmt.Errorf("%s by id: %w", table, err)
	}
	items, err := collect(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("%s by id: %w", table, err)
	}
	return items, nil
}

// RidesByID returns the rides with the given ids that exist, in any order.
func (s *Store) RidesByID(ctx context.Context, ids []string) ([]carpool.Ride, error) {
	return byIDs(ctx, s, "rides", rideCols, ids, scanRide)
}

// CarsByID returns the cars with the given ids that exist, in any order.
func (s *Store) CarsByID(ctx context.Context, ids []string) ([]carpool.Car, error) {
	return byIDs(ctx, s, "cars", carCols, ids, scanCar)
}
