package app

import (
	"context"
	"sort"

	"carpool/internal/carpool"
)

// maxListed bounds the items a whole-list read returns: pickers and overviews show a
// company's sites and cars, which stay far below it.
const maxListed = 2000

// all reads every page of a list, up to maxListed items.
func all[T any](ctx context.Context, list func(context.Context, carpool.Page) ([]T, string, error)) ([]T, error) {
	return pages(ctx, list, maxListed)
}

// pages reads the pages of a list until it ends or bound items are read (0: no bound).
func pages[T any](ctx context.Context, list func(context.Context, carpool.Page) ([]T, string, error), bound int) ([]T, error) {
	out := []T{}
	p := carpool.Page{Limit: carpool.MaxPageLimit}
	for bound == 0 || len(out) < bound {
		items, next, err := list(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			break
		}
		p.Cursor = next
	}
	return out, nil
}

// sortBy sorts items by a string key, stably.
func sortBy[T any](items []T, key func(T) string) {
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
}

// AllSites returns every site by name, for pickers and overviews.
func (a *App) AllSites(ctx context.Context, me carpool.Member) ([]carpool.Site, error) {
	sites, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Site, string, error) {
		return a.Sites(ctx, me, p)
	})
	sortBy(sites, func(s carpool.Site) string { return s.Name })
	return sites, err
}

// AllCars returns every car f selects that me may see, by plate.
func (a *App) AllCars(ctx context.Context, me carpool.Member, f carpool.CarFilter) ([]carpool.Car, error) {
	cars, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Car, string, error) {
		return a.Cars(ctx, me, f, p)
	})
	sortBy(cars, func(c carpool.Car) string { return c.Plate })
	return cars, err
}

// AllCarReservations returns a car's reservations that f selects, by start.
func (a *App) AllCarReservations(ctx context.Context, me carpool.Member, carID string, f carpool.ReservationFilter) ([]carpool.Reservation, error) {
	rs, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Reservation, string, error) {
		return a.CarReservations(ctx, me, carID, f, p)
	})
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
	return rs, err
}

// AllMyReservations returns me's reservations that f selects, by start.
func (a *App) AllMyReservations(ctx context.Context, me carpool.Member, f carpool.ReservationFilter) ([]carpool.Reservation, error) {
	rs, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Reservation, string, error) {
		return a.MyReservations(ctx, me, f, p)
	})
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
	return rs, err
}
