package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"carpool/internal/carpool"
)

// Carpool parking: the ParkingTx part of carpool.Tx and the ParkingStore reads. The rule
// (who holds which space) is carpool.Parking.Allocate's; this file only stores it.

const spaceCols = "id, site_id, label, version, created_at, updated_at, retired_at"

func scanSpace(r rowScanner) (carpool.ParkingSpace, error) {
	var s carpool.ParkingSpace
	err := r.Scan(&s.ID, &s.SiteID, &s.Label, &s.Version, timeCol{&s.CreatedAt}, timeCol{&s.UpdatedAt}, timeCol{&s.RetiredAt})
	return s, err
}

// claimCols reads a claim with its ride's driver, from parking_claims c joined to rides r.
const claimCols = "c.ride_id, r.driver_id, c.site_id, c.on_date, c.queued_at, c.space_id"

func scanClaim(r rowScanner) (carpool.ParkingClaim, error) {
	var c carpool.ParkingClaim
	err := r.Scan(&c.RideID, &c.DriverID, &c.SiteID, dateCol{&c.Day}, timeCol{&c.QueuedAt}, strCol{&c.SpaceID})
	return c, err
}

func (u *unit) LockSite(ctx context.Context, id string) (carpool.Site, error) {
	if err := knownID(id, "site"); err != nil {
		return carpool.Site{}, err
	}
	s, err := scanSite(u.tx.QueryRowContext(ctx, `SELECT `+siteCols+` FROM sites WHERE id = $1`+u.s.dialect.ForUpdate(), id))
	return s, notFound(err, "site")
}

func (u *unit) SitesIn(ctx context.Context, box carpool.Box) ([]carpool.Site, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+siteCols+` FROM sites
		WHERE lat BETWEEN $1 AND $2 AND lon BETWEEN $3 AND $4 ORDER BY id`, box.MinLat, box.MaxLat, box.MinLon, box.MaxLon)
	if err != nil {
		return nil, fmt.Errorf("sites in box: %w", err)
	}
	return collect(rows, scanSite)
}

func (u *unit) ParkingSpaces(ctx context.Context, siteID string) ([]carpool.ParkingSpace, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+spaceCols+` FROM parking_spaces WHERE site_id = $1 ORDER BY id`, siteID)
	if err != nil {
		return nil, fmt.Errorf("parking spaces: %w", err)
	}
	return collect(rows, scanSpace)
}

func (u *unit) LockParkingSpace(ctx context.Context, id string) (carpool.ParkingSpace, error) {
	if err := knownID(id, "parking space"); err != nil {
		return carpool.ParkingSpace{}, err
	}
	s, err := scanSpace(u.tx.QueryRowContext(ctx, `SELECT `+spaceCols+` FROM parking_spaces WHERE id = $1`+u.s.dialect.ForUpdate(), id))
	return s, notFound(err, "parking space")
}

func (u *unit) InsertParkingSpace(ctx context.Context, s carpool.ParkingSpace) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO parking_spaces (`+spaceCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.ID, s.SiteID, s.Label, s.Version, ts(s.CreatedAt), ts(s.UpdatedAt), nullTime(s.RetiredAt))
	return u.s.constraint(err, carpool.ECONFLICT, "label")
}

func (u *unit) SaveParkingSpace(ctx context.Context, s carpool.ParkingSpace) error {
	res, err := u.tx.ExecContext(ctx, `UPDATE parking_spaces SET label = $1, version = $2, updated_at = $3, retired_at = $4
		WHERE id = $5`, s.Label, s.Version, ts(s.UpdatedAt), nullTime(s.RetiredAt), s.ID)
	if err != nil {
		return u.s.constraint(err, carpool.ECONFLICT, "label")
	}
	return mustAffect(res, "parking space")
}

func (u *unit) ParkingRides(ctx context.Context, siteID string, day carpool.Date, box carpool.Box, from, to time.Time) ([]carpool.Ride, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+rideCols+` FROM rides
		WHERE status = 'open' AND seats_taken > 0 AND depart_at >= $1 AND depart_at < $2
		AND to_lat BETWEEN $3 AND $4 AND to_lon BETWEEN $5 AND $6
		UNION SELECT `+rideCols+` FROM rides WHERE id IN (SELECT ride_id FROM parking_claims WHERE site_id = $7 AND on_date = $8)
		ORDER BY id`,
		ts(from), ts(to), box.MinLat, box.MaxLat, box.MinLon, box.MaxLon, siteID, day.String())
	if err != nil {
		return nil, fmt.Errorf("arriving rides: %w", err)
	}
	return collect(rows, scanRide)
}

func (u *unit) CarpoolsArriving(ctx context.Context, box carpool.Box, from time.Time) ([]carpool.Ride, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+rideCols+` FROM rides
		WHERE status = 'open' AND seats_taken > 0 AND depart_at >= $1
		AND to_lat BETWEEN $2 AND $3 AND to_lon BETWEEN $4 AND $5 ORDER BY id`,
		ts(from), box.MinLat, box.MaxLat, box.MinLon, box.MaxLon)
	if err != nil {
		return nil, fmt.Errorf("carpools arriving: %w", err)
	}
	return collect(rows, scanRide)
}

func (u *unit) ParkingClaims(ctx context.Context, siteID string, day carpool.Date, rideIDs []string) ([]carpool.ParkingClaim, error) {
	a := args{siteID, day.String()}
	cond := `(c.site_id = $1 AND c.on_date = $2)`
	if len(rideIDs) > 0 {
		cond += ` OR c.ride_id ` + u.s.dialect.InList(rideIDs, a.add)
	}
	rows, err := u.tx.QueryContext(ctx, `SELECT `+claimCols+` FROM parking_claims c JOIN rides r ON r.id = c.ride_id
		WHERE `+cond+` ORDER BY c.ride_id`, a...)
	if err != nil {
		return nil, fmt.Errorf("parking claims: %w", err)
	}
	return collect(rows, scanClaim)
}

func (u *unit) RideParkingClaim(ctx context.Context, rideID string) (carpool.ParkingClaim, error) {
	c, err := scanClaim(u.tx.QueryRowContext(ctx, `SELECT `+claimCols+` FROM parking_claims c JOIN rides r ON r.id = c.ride_id
		WHERE c.ride_id = $1`, rideID))
	return c, notFound(err, "parking claim")
}

func (u *unit) ParkingDays(ctx context.Context, siteID string, from carpool.Date) ([]carpool.Date, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT DISTINCT on_date FROM parking_claims WHERE site_id = $1 AND on_date >= $2
		ORDER BY on_date`, siteID, from.String())
	if err != nil {
		return nil, fmt.Errorf("parking days: %w", err)
	}
	return collect(rows, func(r rowScanner) (carpool.Date, error) {
		var d carpool.Date
		err := r.Scan(dateCol{&d})
		return d, err
	})
}

// SaveParking deletes the ended claims, then writes the changed ones in two steps, every
// changed claim first without a space and then with its new one, so a space passing from
// one claim to another never meets the unique index twice in between.
func (u *unit) SaveParking(ctx context.Context, ch carpool.ParkingChange) error {
	for _, id := range ch.Dropped {
		if _, err := u.tx.ExecContext(ctx, `DELETE FROM parking_claims WHERE ride_id = $1`, id); err != nil {
			return fmt.Errorf("drop parking claim: %w", err)
		}
	}
	for _, c := range ch.Changed {
		_, err := u.tx.ExecContext(ctx, `INSERT INTO parking_claims (ride_id, site_id, on_date, queued_at, space_id)
			VALUES ($1, $2, $3, $4, NULL)
			ON CONFLICT (ride_id) DO UPDATE SET site_id = $2, on_date = $3, queued_at = $4, space_id = NULL`,
			c.RideID, c.SiteID, c.Day.String(), ts(c.QueuedAt))
		if err != nil {
			return fmt.Errorf("save parking claim: %w", u.s.dialect.Translate(err))
		}
	}
	for _, c := range ch.Changed {
		if c.SpaceID == "" {
			continue
		}
		if _, err := u.tx.ExecContext(ctx, `UPDATE parking_claims SET space_id = $1 WHERE ride_id = $2`, c.SpaceID, c.RideID); err != nil {
			return fmt.Errorf("give parking space: %w", u.s.dialect.Translate(err))
		}
	}
	return nil
}

// holderCols reads a holder: claim, space, ride, the car's plate and the driver's name.
const holderCols = claimCols + `, s.id, s.site_id, s.label, s.version, s.created_at, s.updated_at, s.retired_at,
	r.id, r.driver_id, r.car_id, r.reservation_id, r.from_label, r.from_lat, r.from_lon, r.to_label, r.to_lat, r.to_lon,
	r.depart_at, r.seats, r.seats_taken, r.booking_mode, r.notes, r.status, r.version, r.created_at, r.updated_at, r.detour_km,
	k.plate, m.name`

const holderFrom = ` FROM parking_claims c JOIN rides r ON r.id = c.ride_id JOIN parking_spaces s ON s.id = c.space_id
	JOIN cars k ON k.id = r.car_id JOIN members m ON m.id = r.driver_id`

func scanHolder(r rowScanner) (carpool.ParkingHolder, error) {
	var h carpool.ParkingHolder
	c, s, x := &h.Claim, &h.Space, &h.Ride
	err := r.Scan(&c.RideID, &c.DriverID, &c.SiteID, dateCol{&c.Day}, timeCol{&c.QueuedAt}, strCol{&c.SpaceID},
		&s.ID, &s.SiteID, &s.Label, &s.Version, timeCol{&s.CreatedAt}, timeCol{&s.UpdatedAt}, timeCol{&s.RetiredAt},
		&x.ID, &x.DriverID, &x.CarID, strCol{&x.ReservationID},
		&x.From.Label, &x.From.Lat, &x.From.Lon, &x.To.Label, &x.To.Lat, &x.To.Lon,
		timeCol{&x.DepartAt}, &x.Seats, &x.SeatsTaken, &x.BookingMode, &x.Notes, &x.Status, &x.Version,
		timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt}, &x.DetourKM, strCol{&h.Plate}, &h.DriverName)
	return h, err
}

// ActiveParkingSpaces returns the site's active spaces, in the order people read labels.
func (s *Store) ActiveParkingSpaces(ctx context.Context, siteID string) ([]carpool.ParkingSpace, error) {
	if !knownIDs(siteID) {
		return nil, nil
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+spaceCols+` FROM parking_spaces
		WHERE site_id = $1 AND retired_at IS NULL ORDER BY id`, siteID)
	if err != nil {
		return nil, fmt.Errorf("parking spaces: %w", err)
	}
	out, err := collect(rows, scanSpace)
	sortSpaces(out)
	return out, err
}

func (s *Store) ParkingHolders(ctx context.Context, siteID string, day carpool.Date) ([]carpool.ParkingHolder, error) {
	if !knownIDs(siteID) {
		return nil, nil
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+holderCols+holderFrom+` WHERE c.site_id = $1 AND c.on_date = $2
		ORDER BY s.id`, siteID, day.String())
	if err != nil {
		return nil, fmt.Errorf("parking holders: %w", err)
	}
	out, err := collect(rows, scanHolder)
	sortHolders(out)
	return out, err
}

func (s *Store) RideParking(ctx context.Context, rideID string) ([]carpool.ParkingHolder, error) {
	if !knownIDs(rideID) {
		return nil, nil
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+holderCols+holderFrom+` WHERE c.ride_id = $1`, rideID)
	if err != nil {
		return nil, fmt.Errorf("ride parking: %w", err)
	}
	return collect(rows, scanHolder)
}

// sortSpaces orders spaces as people read their labels (P2 before P10), which SQL cannot.
func sortSpaces(spaces []carpool.ParkingSpace) {
	slices.SortStableFunc(spaces, func(a, b carpool.ParkingSpace) int { return carpool.CompareLabels(a.Label, b.Label) })
}

func sortHolders(hs []carpool.ParkingHolder) {
	slices.SortStableFunc(hs, func(a, b carpool.ParkingHolder) int { return carpool.CompareLabels(a.Space.Label, b.Space.Label) })
}
