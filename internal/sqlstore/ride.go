package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const rideCols = `id, driver_id, car_id, reservation_id, from_label, from_lat, from_lon, to_label, to_lat, to_lon,
	depart_at, seats, seats_taken, booking_mode, notes, status, version, created_at, updated_at, detour_km`

func scanRide(r rowScanner) (carpool.Ride, error) {
	var x carpool.Ride
	err := r.Scan(&x.ID, &x.DriverID, &x.CarID, strCol{&x.ReservationID},
		&x.From.Label, &x.From.Lat, &x.From.Lon, &x.To.Label, &x.To.Lat, &x.To.Lon,
		timeCol{&x.DepartAt}, &x.Seats, &x.SeatsTaken, &x.BookingMode, &x.Notes, &x.Status, &x.Version,
		timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt}, &x.DetourKM)
	return x, err
}

// CreateRide checks the offer with carpool.NewRide and stores it with its outbox event.
// For a pool car it uses the reservation named in the input, or else the driver's active
// trip reservation of the car that covers the departure; the reservation row is locked so
// it cannot be cancelled under the new ride.
func (s *Store) CreateRide(ctx context.Context, in carpool.RideInput, driver carpool.Member) (carpool.Ride, error) {
	var out carpool.Ride
	if !carpool.ValidID(in.CarID) {
		return carpool.Ride{}, fmt.Errorf("create ride: %w", carpool.FieldErrorf(carpool.EINVALID, "car_id", "car not found"))
	}
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		// The car's lock orders this ride against a concurrent retirement of the car.
		car, err := s.lockCar(ctx, tx, in.CarID)
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return carpool.FieldErrorf(carpool.EINVALID, "car_id", "car not found")
		}
		if err != nil {
			return err
		}
		var res *carpool.Reservation
		if car.Kind == carpool.CarPool {
			if res, err = s.ridesReservation(ctx, tx, in, driver); err != nil {
				return err
			}
		}
		ride, err := carpool.NewRide(in, driver, car, res, now)
		if err != nil {
			return err
		}
		if err := s.lockMember(ctx, tx, driver.ID); err != nil {
			return err
		}
		// The days of a commute are the commute's, offered once: they do not use up the
		// rides a member may offer one by one.
		var open int
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rides r
			WHERE r.driver_id = $1 AND r.status = 'open' AND r.depart_at > $2
			  AND NOT EXISTS (SELECT 1 FROM series_occurrences o WHERE o.ride_id = r.id)`, driver.ID, ts(now)).Scan(&open)
		if err != nil {
			return err
		}
		if err := s.limits.CheckRide(driver, ride.DepartAt, now, open); err != nil {
			return err
		}
		if err := s.insertRide(ctx, tx, ride); err != nil {
			return err
		}
		out = ride
		return s.insertEvents(ctx, tx, carpool.RideCreatedEvent(ride, now))
	})
	if err != nil {
		return carpool.Ride{}, fmt.Errorf("create ride: %w", err)
	}
	return out, nil
}

// insertRide writes a new ride; a series' occurrences are written by it too.
func (s *Store) insertRide(ctx context.Context, tx *sql.Tx, ride carpool.Ride) error {
	box := ride.Corridor()
	_, err := tx.ExecContext(ctx, `INSERT INTO rides (`+rideCols+`, `+corridorCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		        $21, $22, $23, $24)`,
		ride.ID, ride.DriverID, ride.CarID, null(ride.ReservationID),
		ride.From.Label, ride.From.Lat, ride.From.Lon, ride.To.Label, ride.To.Lat, ride.To.Lon,
		ts(ride.DepartAt), ride.Seats, ride.SeatsTaken, string(ride.BookingMode), ride.Notes, string(ride.Status),
		ride.Version, ts(ride.CreatedAt), ts(ride.UpdatedAt), ride.DetourKM,
		box.MinLat, box.MaxLat, box.MinLon, box.MaxLon)
	if err != nil {
		return s.constraint(err, carpool.EINVALID, "car_id")
	}
	return nil
}

// ridesReservation finds the reservation a ride in a pool car rests on, or nil when there
// is none (NewRide then refuses the ride with a clear error).
func (s *Store) ridesReservation(ctx context.Context, tx *sql.Tx, in carpool.RideInput, driver carpool.Member) (*carpool.Reservation, error) {
	var row *sql.Row
	if in.ReservationID != "" && !carpool.ValidID(in.ReservationID) {
		return nil, nil
	}
	if in.ReservationID != "" {
		row = tx.QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations WHERE id = $1`+s.dialect.ForUpdate(), in.ReservationID)
	} else {
		depart := ts(in.DepartAt)
		row = tx.QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations
			WHERE car_id = $1 AND member_id = $2 AND status = 'active' AND kind = 'trip'
			  AND starts_at <= $3 AND ends_at > $3
			ORDER BY starts_at LIMIT 1`+s.dialect.ForUpdate(), in.CarID, driver.ID, depart)
	}
	r, err := scanReservation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
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

// UpdateRide applies a driver's patch if the ride's version equals ifVersion (0: any);
// growing the seats promotes waitlisted bookings in the same transaction. A new departure
// of a ride in a pool car is checked against its reservation, read under lock in the
// same transaction.
func (s *Store) UpdateRide(ctx context.Context, id string, ifVersion int, p carpool.RidePatch, by carpool.Member) (carpool.Ride, error) {
	var out carpool.Ride
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		rb, err := s.loadRideBook(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if ifVersion != 0 && rb.Ride.Version != ifVersion {
			return staleVersion(carpool.Phrasef("ride"), rb.Ride.Version)
		}
		car, err := scanCar(tx.QueryRowContext(ctx, `SELECT `+carCols+` FROM cars WHERE id = $1`, rb.Ride.CarID))
		if err != nil {
			return notFound(err, "car")
		}
		if p.DepartAt != nil {
			if err := s.limits.CheckDeparture(carpool.Timestamp(*p.DepartAt), now); err != nil {
				return err
			}
		}
		var res *carpool.Reservation
		if p.DepartAt != nil && rb.Ride.ReservationID != "" {
			// Locked, so the reservation cannot be cancelled while the ride moves.
			r, err := scanReservation(tx.QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations WHERE id = $1`+s.dialect.ForUpdate(), rb.Ride.ReservationID))
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err == nil {
				res = &r
			}
		}
		if err := rb.Update(p, by, car, res, now); err != nil {
			return err
		}
		if err := s.writeChange(ctx, tx, rb); err != nil {
			return err
		}
		out = rb.Ride
		return nil
	})
	if err != nil {
		return carpool.Ride{}, fmt.Errorf("update ride: %w", err)
	}
	return out, nil
}

// CancelRide cancels the ride and every active booking on it, telling each passenger.
func (s *Store) CancelRide(ctx context.Context, id string, by carpool.Member) (carpool.Ride, error) {
	var out carpool.Ride
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		rb, err := s.loadRideBook(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if err := rb.CancelRide(by, now); err != nil {
			return err
		}
		if err := s.writeChange(ctx, tx, rb); err != nil {
			return err
		}
		out = rb.Ride
		return nil
	})
	if err != nil {
		return carpool.Ride{}, fmt.Errorf("cancel ride: %w", err)
	}
	return out, nil
}
