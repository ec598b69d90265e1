package web

import (
	"context"
	"sort"

	"carpool/internal/carpool"
)

// all walks every page of a Store list; the UI shows whole lists of a company's sites,
// cars and a member's own rides, which stay small.
func all[T any](ctx context.Context, list func(context.Context, carpool.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := carpool.Page{Limit: carpool.MaxPageLimit}
	for {
		items, next, err := list(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

func (s *Server) allSites(ctx context.Context) ([]carpool.Site, error) {
	sites, err := all(ctx, s.store.Sites)
	sort.Slice(sites, func(i, j int) bool { return sites[i].Name < sites[j].Name })
	return sites, err
}

func (s *Server) allCars(ctx context.Context, f carpool.CarFilter) ([]carpool.Car, error) {
	cars, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Car, string, error) {
		return s.store.Cars(ctx, f, p)
	})
	sort.Slice(cars, func(i, j int) bool { return cars[i].Plate < cars[j].Plate })
	return cars, err
}

func (s *Server) allRides(ctx context.Context, f carpool.RideFilter) ([]carpool.Ride, error) {
	rides, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Ride, string, error) {
		return s.store.Rides(ctx, f, p)
	})
	sort.Slice(rides, func(i, j int) bool { return rides[i].DepartAt.Before(rides[j].DepartAt) })
	return rides, err
}

func (s *Server) allBookings(ctx context.Context, f carpool.BookingFilter) ([]carpool.Booking, error) {
	return all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Booking, string, error) {
		return s.store.Bookings(ctx, f, p)
	})
}

func (s *Server) allReservations(ctx context.Context, f carpool.ReservationFilter) ([]carpool.Reservation, error) {
	rs, err := all(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Reservation, string, error) {
		return s.store.Reservations(ctx, f, p)
	})
	sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
	return rs, err
}

// members returns the members with ids, by id.
func (s *Server) members(ctx context.Context, ids ...string) (map[string]carpool.Member, error) {
	ms, err := s.store.Members(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]carpool.Member, len(ms))
	for _, m := range ms {
		out[m.ID] = m
	}
	return out, nil
}

// carsByID returns the cars with ids that exist, by id.
func (s *Server) carsByID(ctx context.Context, ids ...string) (map[string]carpool.Car, error) {
	out := make(map[string]carpool.Car, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		c, err := s.store.Car(ctx, id)
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, nil
}
