package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// Check-ins and proof records: the ProofTx part of carpool.Tx and the ProofStore reads.
// Who may check in and what a record is graded is carpool.ProofBook's; this file only
// stores it. The schema keeps check-ins unchangeable and records final once sealed.

const checkInCols = "ride_id, member_id, at, lat, lon, method, site_id"

func scanCheckIn(r rowScanner) (carpool.CheckIn, error) {
	var c carpool.CheckIn
	var method string
	err := r.Scan(&c.RideID, &c.MemberID, timeCol{&c.At}, &c.Lat, &c.Lon, &method, strCol{&c.SiteID})
	c.Method = carpool.CheckInMethod(method)
	return c, err
}

const proofCols = `ride_id, passenger_id, driver_id, booking_id, on_date, sealed_at, class, seats,
	start_at, start_lat, start_lon, end_at, end_lat, end_lon, distance_m,
	driver_at, driver_lat, driver_lon, driver_method, driver_site_id,
	passenger_at, passenger_lat, passenger_lon, passenger_method, passenger_site_id,
	no_show_at, created_at, updated_at`

// checkInCol scans the four nullable columns of one occupant's check-in in a record.
type checkInCol struct {
	at       time.Time
	lat, lon sql.NullFloat64
	method   string
	site     string
}

func (c *checkInCol) targets() []any {
	return []any{timeCol{&c.at}, &c.lat, &c.lon, strCol{&c.method}, strCol{&c.site}}
}

func (c *checkInCol) value(rideID, memberID string) *carpool.CheckIn {
	if c.at.IsZero() {
		return nil
	}
	return &carpool.CheckIn{RideID: rideID, MemberID: memberID, At: c.at, Lat: c.lat.Float64, Lon: c.lon.Float64,
		Method: carpool.CheckInMethod(c.method), SiteID: c.site}
}

func checkInArgs(c *carpool.CheckIn) []any {
	if c == nil {
		return []any{nil, nil, nil, nil, nil}
	}
	return []any{ts(c.At), c.Lat, c.Lon, string(c.Method), null(c.SiteID)}
}

func scanProof(r rowScanner) (carpool.Proof, error) {
	var p carpool.Proof
	var class string
	var driver, passenger checkInCol
	targets := []any{&p.RideID, &p.PassengerID, &p.DriverID, &p.BookingID, dateCol{&p.Day}, timeCol{&p.SealedAt}, &class, &p.Seats,
		timeCol{&p.Start.At}, &p.Start.Lat, &p.Start.Lon, timeCol{&p.End.At}, &p.End.Lat, &p.End.Lon, &p.DistanceM}
	targets = append(targets, driver.targets()...)
	targets = append(targets, passenger.targets()...)
	targets = append(targets, timeCol{&p.NoShowAt}, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt})
	if err := r.Scan(targets...); err != nil {
		return p, err
	}
	p.Class = carpool.ProofClass(class)
	p.DriverCheckIn = driver.value(p.RideID, p.DriverID)
	p.PassengerCheckIn = passenger.value(p.RideID, p.PassengerID)
	return p, nil
}

func proofArgs(p carpool.Proof) []any {
	a := []any{p.RideID, p.PassengerID, p.DriverID, p.BookingID, p.Day.String(), ts(p.SealedAt), string(p.Class), p.Seats,
		ts(p.Start.At), p.Start.Lat, p.Start.Lon, ts(p.End.At), p.End.Lat, p.End.Lon, p.DistanceM}
	a = append(a, checkInArgs(p.DriverCheckIn)...)
	a = append(a, checkInArgs(p.PassengerCheckIn)...)
	return append(a, nullTime(p.NoShowAt), ts(p.CreatedAt), ts(p.UpdatedAt))
}

func (u *unit) LoadProofBook(ctx context.Context, rideID string) (*carpool.ProofBook, error) {
	rb, err := u.s.loadRideBook(ctx, u.tx, rideID, "")
	if err != nil {
		return nil, err
	}
	pb := &carpool.ProofBook{Ride: rb.Ride}
	for _, b := range rb.Bookings {
		if b.Status == carpool.BookingConfirmed {
			pb.Bookings = append(pb.Bookings, b)
		}
	}
	if pb.CheckIns, err = rideCheckIns(ctx, u.tx, rideID); err != nil {
		return nil, err
	}
	if pb.Proofs, err = rideProofs(ctx, u.tx, rideID); err != nil {
		return nil, err
	}
	return pb, nil
}

func (u *unit) SaveProofBook(ctx context.Context, pb *carpool.ProofBook) error {
	for _, c := range pb.Added() {
		if _, err := u.tx.ExecContext(ctx, `INSERT INTO ride_check_ins (`+checkInCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.RideID, c.MemberID, ts(c.At), c.Lat, c.Lon, string(c.Method), null(c.SiteID)); err != nil {
			return fmt.Errorf("insert check-in: %w", u.s.constraint(err, carpool.ECONFLICT, ""))
		}
	}
	for _, p := range pb.Changed() {
		// Insert or, when a record is there already, rewrite it: the trigger refuses the
		// rewrite of a sealed one.
		_, err := u.tx.ExecContext(ctx, `INSERT INTO proof_records (`+proofCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
			$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)
			ON CONFLICT (ride_id, passenger_id) DO UPDATE SET
			booking_id = excluded.booking_id, on_date = excluded.on_date, sealed_at = excluded.sealed_at, class = excluded.class,
			seats = excluded.seats, start_at = excluded.start_at, start_lat = excluded.start_lat, start_lon = excluded.start_lon,
			end_at = excluded.end_at, end_lat = excluded.end_lat, end_lon = excluded.end_lon, distance_m = excluded.distance_m,
			driver_at = excluded.driver_at, driver_lat = excluded.driver_lat, driver_lon = excluded.driver_lon,
			driver_method = excluded.driver_method, driver_site_id = excluded.driver_site_id,
			passenger_at = excluded.passenger_at, passenger_lat = excluded.passenger_lat, passenger_lon = excluded.passenger_lon,
			passenger_method = excluded.passenger_method, passenger_site_id = excluded.passenger_site_id,
			no_show_at = excluded.no_show_at, updated_at = excluded.updated_at`, proofArgs(p)...)
		if err != nil {
			return fmt.Errorf("save proof record: %w", u.s.dialect.Translate(err))
		}
	}
	return nil
}

func (u *unit) UnprovenRides(ctx context.Context, from, to, closed time.Time) ([]string, error) {
	// Erased people keep their id and lose their address to 'erased-<id>@invalid'
	// (carpool.Erased): their records, once removed, must not come back.
	rows, err := u.tx.QueryContext(ctx, `SELECT DISTINCT r.id FROM rides r
		JOIN bookings b ON b.ride_id = r.id AND b.status = 'confirmed'
		JOIN members p ON p.id = b.passenger_id
		JOIN members d ON d.id = r.driver_id
		WHERE r.status = 'open' AND r.depart_at >= $1 AND r.depart_at < $2 AND r.depart_at <= $3
		  AND p.email <> 'erased-' || p.id || '@invalid' AND d.email <> 'erased-' || d.id || '@invalid'
		  AND NOT EXISTS (SELECT 1 FROM proof_records x WHERE x.ride_id = r.id AND x.passenger_id = b.passenger_id)
		ORDER BY r.id`, ts(from), ts(to), ts(closed.Add(-carpool.CheckInClosesAfter)))
	if err != nil {
		return nil, fmt.Errorf("unproven rides: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Close()
}

func (u *unit) EraseProofs(ctx context.Context, memberID string) error {
	if _, err := u.tx.ExecContext(ctx, `DELETE FROM proof_records WHERE driver_id = $1 OR passenger_id = $1`, memberID); err != nil {
		return fmt.Errorf("erase proof records: %w", err)
	}
	// A driver's check-in only ever proves something with a passenger: gone with them.
	if _, err := u.tx.ExecContext(ctx, `DELETE FROM ride_check_ins WHERE member_id = $1`, memberID); err != nil {
		return fmt.Errorf("erase check-ins: %w", err)
	}
	return nil
}

func rideCheckIns(ctx context.Context, q queryer, rideID string) ([]carpool.CheckIn, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+checkInCols+` FROM ride_check_ins WHERE ride_id = $1 ORDER BY at, member_id`, rideID)
	if err != nil {
		return nil, fmt.Errorf("check-ins of ride: %w", err)
	}
	return collect(rows, scanCheckIn)
}

func rideProofs(ctx context.Context, q queryer, rideID string) ([]carpool.Proof, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+proofCols+` FROM proof_records WHERE ride_id = $1 ORDER BY passenger_id`, rideID)
	if err != nil {
		return nil, fmt.Errorf("proof records of ride: %w", err)
	}
	return collect(rows, scanProof)
}

// RideCheckIns returns the ride's check-ins, oldest first.
func (s *Store) RideCheckIns(ctx context.Context, rideID string) ([]carpool.CheckIn, error) {
	if !knownIDs(rideID) {
		return nil, nil
	}
	return rideCheckIns(ctx, s.read(), rideID)
}

// RideProofs returns the ride's proof records.
func (s *Store) RideProofs(ctx context.Context, rideID string) ([]carpool.Proof, error) {
	if !knownIDs(rideID) {
		return nil, nil
	}
	return rideProofs(ctx, s.read(), rideID)
}

// Proofs returns the records whose journey starts from..to, by start.
func (s *Store) Proofs(ctx context.Context, from, to time.Time) ([]carpool.Proof, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+proofCols+` FROM proof_records
		WHERE start_at >= $1 AND start_at < $2 ORDER BY start_at, ride_id, passenger_id`, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("proof records: %w", err)
	}
	return collect(rows, scanProof)
}

// MemberProofs returns the records that name the member, as driver or passenger.
func (s *Store) MemberProofs(ctx context.Context, memberID string) ([]carpool.Proof, error) {
	if !knownIDs(memberID) {
		return nil, nil
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+proofCols+` FROM proof_records
		WHERE driver_id = $1 OR passenger_id = $1 ORDER BY start_at, ride_id, passenger_id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("proof records of member: %w", err)
	}
	return collect(rows, scanProof)
}
