package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"carpool/internal/carpool"
)

const bookingCols = "id, ride_id, driver_id, passenger_id, seats, status, cancelled_by, created_at, updated_at, " + bookingPointCols

func scanBooking(r rowScanner) (carpool.Booking, error) {
	var b carpool.Booking
	pickup, dropoff := pointCols{dst: &b.Pickup}, pointCols{dst: &b.Dropoff}
	dest := append([]any{&b.ID, &b.RideID, &b.DriverID, &b.PassengerID, &b.Seats, &b.Status, strCol{&b.CancelledBy},
		timeCol{&b.CreatedAt}, timeCol{&b.UpdatedAt}}, append(pickup.targets(), dropoff.targets()...)...)
	err := r.Scan(dest...)
	pickup.finish()
	dropoff.finish()
	return b, err
}

// activeStatuses is the SQL list of the statuses BookingStatus.Active accepts. With the
// index bookings_ride_status_idx (ride_id, status) a ride's active bookings are found
// without reading its ended ones.
const activeStatuses = "('pending', 'confirmed', 'waitlisted')"

// loadRideBook reads a ride under its lock, with its active bookings oldest first: the
// unit every seat decision is made on. On PostgreSQL the ride's row lock makes concurrent
// bookings of one ride wait for each other; on SQLite the immediate transaction already
// does.
//
// Only active bookings are read, through bookings_ride_status_idx, so a decision costs the same
// on a ride that has seen a thousand cancellations as on a fresh one. When the operation
// acts on one booking (wantID), that booking is added even if it has ended, so acting on
// it gets "booking is cancelled" rather than "not found". It is looked up after the ride
// lock is held, so it reflects every decision committed before this one.
func (s *Store) loadRideBook(ctx context.Context, tx *sql.Tx, rideID, wantID string) (*carpool.RideBook, error) {
	if err := knownID(rideID, "ride"); err != nil {
		return nil, err
	}
	ride, err := scanRide(tx.QueryRowContext(ctx, `SELECT `+rideCols+` FROM rides WHERE id = $1`+s.dialect.ForUpdate(), rideID))
	if err != nil {
		return nil, notFound(err, "ride")
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+bookingCols+` FROM bookings
		WHERE ride_id = $1 AND status IN `+activeStatuses+` ORDER BY created_at, id`, rideID)
	if err != nil {
		return nil, fmt.Errorf("load bookings of ride %s: %w", rideID, err)
	}
	bookings, err := collect(rows, scanBooking)
	if err != nil {
		return nil, fmt.Errorf("load bookings of ride %s: %w", rideID, err)
	}
	if wantID != "" && !slices.ContainsFunc(bookings, func(b carpool.Booking) bool { return b.ID == wantID }) {
		b, err := scanBooking(tx.QueryRowContext(ctx, `SELECT `+bookingCols+` FROM bookings WHERE id = $1`, wantID))
		if err != nil {
			return nil, fmt.Errorf("load booking %s: %w", wantID, notFound(err, "booking"))
		}
		bookings = append(bookings, b)
	}
	return &carpool.RideBook{Ride: ride, Bookings: bookings}, nil
}

// writeChange writes back what RideBook operations changed, in an order the schema's
// guards accept at every step: the ride (its seats and seats_taken) first, then the
// bookings it updated in the order they changed (a cancellation before the promotion it
// made room for), then new bookings, then the events.
func (s *Store) writeChange(ctx context.Context, tx *sql.Tx, rb *carpool.RideBook) error {
	ch := rb.Change()
	if ch.RideChanged {
		r := rb.Ride
		// The corridor follows the detour budget, which a driver may change.
		box := r.Corridor()
		res, err := tx.ExecContext(ctx, `UPDATE rides SET depart_at = $1, seats = $2, seats_taken = $3, booking_mode = $4,
			notes = $5, status = $6, version = $7, updated_at = $8, detour_km = $9,
			corridor_min_lat = $10, corridor_max_lat = $11, corridor_min_lon = $12, corridor_max_lon = $13,
			share_with_partners = $14
			WHERE id = $15 AND version = $16`,
			ts(r.DepartAt), r.Seats, r.SeatsTaken, string(r.BookingMode), r.Notes, string(r.Status), r.Version,
			ts(r.UpdatedAt), r.DetourKM, box.MinLat, box.MaxLat, box.MinLon, box.MaxLon, sharingArg(r.Sharing), r.ID, r.Version-1)
		if err != nil {
			return s.constraint(err, carpool.ECONFLICT, "seats")
		}
		if err := mustAffect(res, "ride"); err != nil {
			// The ride was read under lock in this transaction; a missing row here
			// means an engine failed to serialise, which must not pass silently.
			return fmt.Errorf("write ride %s: version moved under the lock", r.ID)
		}
	}
	for _, b := range ch.Updated {
		_, err := tx.ExecContext(ctx, `UPDATE bookings SET seats = $1, status = $2, cancelled_by = $3, updated_at = $4 WHERE id = $5`,
			b.Seats, string(b.Status), null(b.CancelledBy), ts(b.UpdatedAt), b.ID)
		if err != nil {
			return s.constraint(err, carpool.ECONFLICT, "seats")
		}
	}
	for _, b := range ch.Created {
		values := append([]any{b.ID, b.RideID, b.DriverID, b.PassengerID, b.Seats, string(b.Status), null(b.CancelledBy),
			ts(b.CreatedAt), ts(b.UpdatedAt)}, append(pointArgs(b.Pickup), pointArgs(b.Dropoff)...)...)
		_, err := tx.ExecContext(ctx, `INSERT INTO bookings (`+bookingCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, values...)
		if err != nil {
			return s.constraint(err, carpool.ECONFLICT, "seats")
		}
	}
	return s.insertEvents(ctx, tx, ch.Events...)
}

// Booking returns a booking; the caller decides whether the viewer may see it.
func (s *Store) Booking(ctx context.Context, id string) (carpool.Booking, error) {
	if err := knownID(id, "booking"); err != nil {
		return carpool.Booking{}, fmt.Errorf("booking: %w", err)
	}
	b, err := scanBooking(s.read().QueryRowContext(ctx, `SELECT `+bookingCols+` FROM bookings WHERE id = $1`, id))
	if err != nil {
		return carpool.Booking{}, fmt.Errorf("booking: %w", notFound(err, "booking"))
	}
	return b, nil
}

// Bookings returns a page of the bookings the filter selects, in id order.
func (s *Store) Bookings(ctx context.Context, f carpool.BookingFilter, p carpool.Page) ([]carpool.Booking, string, error) {
	if !knownIDs(f.PassengerID, f.RideID) {
		return nil, "", nil
	}
	var a args
	var conds []string
	if f.PassengerID != "" {
		conds = append(conds, "passenger_id = "+a.add(f.PassengerID))
	}
	if f.RideID != "" {
		conds = append(conds, "ride_id = "+a.add(f.RideID))
	}
	if f.ActiveOnly {
		conds = append(conds, "status IN "+activeStatuses)
	}
	if !f.DepartAfter.IsZero() {
		conds = append(conds, "ride_id IN (SELECT id FROM rides WHERE depart_at > "+a.add(ts(f.DepartAfter))+")")
	}
	return listPage(ctx, s, "bookings", bookingCols, conds, a, p, scanBooking, func(x carpool.Booking) string { return x.ID })
}
