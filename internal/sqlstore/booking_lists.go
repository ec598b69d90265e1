package sqlstore

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// maxRideBookings bounds the active bookings read per ride to show rides. The seats of a car
// bound the confirmed and pending ones; the cap only trims an absurdly long waitlist.
const maxRideBookings = 500

// RideBookings returns the active bookings of the given rides, oldest first.
func (s *Store) RideBookings(ctx context.Context, rideIDs ...string) ([]carpool.Booking, error) {
	if len(rideIDs) == 0 {
		return nil, nil
	}
	var a args
	q := `SELECT ` + bookingCols + ` FROM bookings WHERE ride_id ` + s.dialect.InList(rideIDs, a.add) +
		` AND status IN ('pending', 'confirmed', 'waitlisted') ORDER BY created_at, id LIMIT ` + a.add(maxRideBookings*len(rideIDs))
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("ride bookings: %w", err)
	}
	bookings, err := collect(rows, scanBooking)
	if err != nil {
		return nil, fmt.Errorf("ride bookings: %w", err)
	}
	return bookings, nil
}

// PassengerBookings returns the active bookings of a passenger on the given rides.
func (s *Store) PassengerBookings(ctx context.Context, passengerID string, rideIDs []string) ([]carpool.Booking, error) {
	if len(rideIDs) == 0 {
		return nil, nil
	}
	var a args
	q := `SELECT ` + bookingCols + ` FROM bookings WHERE passenger_id = ` + a.add(passengerID) +
		` AND status IN ('pending', 'confirmed', 'waitlisted') AND ride_id ` + s.dialect.InList(rideIDs, a.add)
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("passenger bookings: %w", err)
	}
	bookings, err := collect(rows, scanBooking)
	if err != nil {
		return nil, fmt.Errorf("passenger bookings: %w", err)
	}
	return bookings, nil
}
