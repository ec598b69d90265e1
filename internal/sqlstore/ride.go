package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"carpool/internal/carpool"
)

const rideCols = `id, driver_id, car_id, reservation_id, from_label, from_lat, from_lon, to_label, to_lat, to_lon,
	depart_at, seats, seats_taken, booking_mode, notes, status, version, created_at, updated_at, detour_km, share_with_partners`

func scanRide(r rowScanner) (carpool.Ride, error) {
	var x carpool.Ride
	err := r.Scan(&x.ID, &x.DriverID, &x.CarID, strCol{&x.ReservationID},
		&x.From.Label, &x.From.Lat, &x.From.Lon, &x.To.Label, &x.To.Lat, &x.To.Lon,
		timeCol{&x.DepartAt}, &x.Seats, &x.SeatsTaken, &x.BookingMode, &x.Notes, &x.Status, &x.Version,
		timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt}, &x.DetourKM, sharingCol{&x.Sharing})
	return x, err
}

// insertRide writes a new ride; a series' occurrences are written by it too. Its
// corridor and road distance are written with it: they follow from its ends, which no
// later change moves (reports read road_km).
func (s *Store) insertRide(ctx context.Context, tx *sql.Tx, ride carpool.Ride) error {
	box := ride.Corridor()
	_, err := tx.ExecContext(ctx, `INSERT INTO rides (`+rideCols+`, `+corridorCols+`, road_km)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		        $21, $22, $23, $24, $25, $26)`,
		ride.ID, ride.DriverID, ride.CarID, null(ride.ReservationID),
		ride.From.Label, ride.From.Lat, ride.From.Lon, ride.To.Label, ride.To.Lat, ride.To.Lon,
		ts(ride.DepartAt), ride.Seats, ride.SeatsTaken, string(ride.BookingMode), ride.Notes, string(ride.Status),
		ride.Version, ts(ride.CreatedAt), ts(ride.UpdatedAt), ride.DetourKM, sharingArg(ride.Sharing),
		box.MinLat, box.MaxLat, box.MinLon, box.MaxLon, ride.RoadKM())
	if err != nil {
		return s.constraint(err, carpool.EINVALID, "car_id")
	}
	return nil
}

// Ride returns the ride with id.
func (s *Store) Ride(ctx context.Context, id string) (carpool.Ride, error) {
	if err := knownID(id, "ride"); err != nil {
		return carpool.Ride{}, fmt.Errorf("ride: %w", err)
	}
	r, err := scanRide(s.read().QueryRowContext(ctx, `SELECT `+rideCols+` FROM rides WHERE id = $1`, id))
	if err != nil {
		return carpool.Ride{}, fmt.Errorf("ride: %w", notFound(err, "ride"))
	}
	return r, nil
}

// Rides returns a page of the rides the filter selects, in id order.
func (s *Store) Rides(ctx context.Context, f carpool.RideFilter, p carpool.Page) ([]carpool.Ride, string, error) {
	if !knownIDs(f.DriverID) {
		return nil, "", nil
	}
	var a args
	var conds []string
	if f.DriverID != "" {
		conds = append(conds, "driver_id = "+a.add(f.DriverID))
	}
	if !f.DepartAfter.IsZero() {
		conds = append(conds, "depart_at >= "+a.add(ts(f.DepartAfter)))
	}
	if !f.DepartBefore.IsZero() {
		conds = append(conds, "depart_at < "+a.add(ts(f.DepartBefore)))
	}
	if !f.IncludeClosed {
		conds = append(conds, "status = 'open'")
	}
	return listPage(ctx, s, "rides", rideCols, conds, a, p, scanRide, func(x carpool.Ride) string { return x.ID })
}
