package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

const seriesCols = `id, driver_id, car_id, from_label, from_lat, from_lon, to_label, to_lat, to_lon,
	weekdays, depart_time, time_zone, seats, booking_mode, notes, starts_on, ends_on,
	reserve_from, reserve_until, status, version, created_at, updated_at, detour_km`

// dateCol scans a 'YYYY-MM-DD' column (” is the zero Date).
type dateCol struct{ d *carpool.Date }

func (c dateCol) Scan(v any) error {
	var s string
	if err := (strCol{&s}).Scan(v); err != nil {
		return err
	}
	if s == "" {
		*c.d = carpool.Date{}
		return nil
	}
	d, err := carpool.ParseDate(s)
	if err != nil {
		return err
	}
	*c.d = d
	return nil
}

// clockCol scans an 'HH:MM' column (” is the zero Clock).
type clockCol struct{ c *carpool.Clock }

func (c clockCol) Scan(v any) error {
	var s string
	if err := (strCol{&s}).Scan(v); err != nil {
		return err
	}
	if s == "" {
		*c.c = carpool.Clock{}
		return nil
	}
	k, err := carpool.ParseClock(s)
	if err != nil {
		return err
	}
	*c.c = k
	return nil
}

// clockText writes the daily reservation bounds; a private car's series has none.
func clockText(s carpool.Series, c carpool.Clock) string {
	if !s.UsesPoolCar() {
		return ""
	}
	return c.String()
}

func scanSeries(r rowScanner) (carpool.Series, error) {
	var x carpool.Series
	var days int
	err := r.Scan(&x.ID, &x.DriverID, &x.CarID, &x.From.Label, &x.From.Lat, &x.From.Lon,
		&x.To.Label, &x.To.Lat, &x.To.Lon, &days, clockCol{&x.DepartTime}, &x.TimeZone, &x.Seats,
		&x.BookingMode, &x.Notes, dateCol{&x.StartsOn}, dateCol{&x.EndsOn},
		clockCol{&x.ReserveFrom}, clockCol{&x.ReserveUntil}, &x.Status, &x.Version,
		timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt}, &x.DetourKM)
	x.Weekdays = carpool.Weekdays(days)
	return x, err
}

const occurrenceCols = "series_id, on_date, status, ride_id, reservation_id, created_at, updated_at"

func scanOccurrence(r rowScanner) (carpool.Occurrence, error) {
	var o carpool.Occurrence
	err := r.Scan(&o.SeriesID, dateCol{&o.On}, &o.Status, strCol{&o.RideID}, strCol{&o.ReservationID},
		timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt})
	return o, err
}

const subscriptionCols = "id, series_id, passenger_id, weekdays, seats, status, created_at, updated_at"

func scanSubscription(r rowScanner) (carpool.Subscription, error) {
	var x carpool.Subscription
	var days int
	err := r.Scan(&x.ID, &x.SeriesID, &x.PassengerID, &days, &x.Seats, &x.Status,
		timeCol{&x.CreatedAt}, timeCol{&x.UpdatedAt})
	x.Weekdays = carpool.Weekdays(days)
	return x, err
}

// CreateSeries checks the series with carpool.NewSeries and stores it.
func (s *Store) CreateSeries(ctx context.Context, in carpool.SeriesInput, driver carpool.Member) (carpool.Series, error) {
	var out carpool.Series
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		car, err := scanCar(tx.QueryRowContext(ctx, `SELECT `+carCols+` FROM cars WHERE id = $1`, in.CarID))
		if errors.Is(err, sql.ErrNoRows) {
			return carpool.FieldErrorf(carpool.EINVALID, "car_id", "car not found")
		}
		if err != nil {
			return err
		}
		sr, err := carpool.NewSeries(in, driver, car, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ride_series (`+seriesCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
			$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
			sr.ID, sr.DriverID, sr.CarID, sr.From.Label, sr.From.Lat, sr.From.Lon, sr.To.Label, sr.To.Lat, sr.To.Lon,
			int(sr.Weekdays), sr.DepartTime.String(), sr.TimeZone, sr.Seats, string(sr.BookingMode), sr.Notes,
			sr.StartsOn.String(), sr.EndsOn.String(), clockText(sr, sr.ReserveFrom), clockText(sr, sr.ReserveUntil),
			string(sr.Status), sr.Version, ts(sr.CreatedAt), ts(sr.UpdatedAt), sr.DetourKM)
		if err != nil {
			return s.constraint(err, carpool.EINVALID, "car_id")
		}
		out = sr
		return nil
	})
	if err != nil {
		return carpool.Series{}, fmt.Errorf("create series: %w", err)
	}
	return out, nil
}

// Series returns the series with id.
func (s *Store) Series(ctx context.Context, id string) (carpool.Series, error) {
	sr, err := scanSeries(s.read().QueryRowContext(ctx, `SELECT `+seriesCols+` FROM ride_series WHERE id = $1`, id))
	if err != nil {
		return carpool.Series{}, fmt.Errorf("series: %w", notFound(err, "series"))
	}
	return sr, nil
}

// SeriesList returns the series a driver offers or a passenger rides in, newest first.
func (s *Store) SeriesList(ctx context.Context, f carpool.SeriesFilter) ([]carpool.Series, error) {
	var a args
	var conds []string
	if f.DriverID != "" {
		conds = append(conds, "driver_id = "+a.add(f.DriverID))
	}
	if f.SubscriberID != "" {
		conds = append(conds, "id IN (SELECT series_id FROM series_subscriptions WHERE status = 'active' AND passenger_id = "+a.add(f.SubscriberID)+")")
	}
	if len(conds) == 0 {
		return nil, fmt.Errorf("series list: %w", carpool.Errorf(carpool.EINVALID, "name a driver or a subscriber"))
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+seriesCols+` FROM ride_series`+where(conds)+
		` ORDER BY id DESC LIMIT `+a.add(carpool.MaxSeriesList), a...)
	if err != nil {
		return nil, fmt.Errorf("series list: %w", err)
	}
	list, err := collect(rows, scanSeries)
	if err != nil {
		return nil, fmt.Errorf("series list: %w", err)
	}
	return list, nil
}

// Occurrences returns the occurrences of the series on days from..to, by day.
func (s *Store) Occurrences(ctx context.Context, seriesIDs []string, from, to carpool.Date) ([]carpool.Occurrence, error) {
	if len(seriesIDs) == 0 {
		return nil, nil
	}
	var a args
	q := `SELECT ` + occurrenceCols + ` FROM series_occurrences WHERE series_id IN ` + a.in(seriesIDs) +
		` AND on_date >= ` + a.add(from.String()) + ` AND on_date <= ` + a.add(to.String()) + ` ORDER BY on_date, series_id`
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	out, err := collect(rows, scanOccurrence)
	if err != nil {
		return nil, fmt.Errorf("occurrences: %w", err)
	}
	return out, nil
}

// Subscriptions returns the active subscriptions of a series or a passenger.
func (s *Store) Subscriptions(ctx context.Context, f carpool.SubscriptionFilter) ([]carpool.Subscription, error) {
	var a args
	conds := []string{"status = 'active'"}
	if f.SeriesID != "" {
		conds = append(conds, "series_id = "+a.add(f.SeriesID))
	}
	if f.PassengerID != "" {
		conds = append(conds, "passenger_id = "+a.add(f.PassengerID))
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+subscriptionCols+` FROM series_subscriptions`+where(conds)+` ORDER BY id`, a...)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	out, err := collect(rows, scanSubscription)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	return out, nil
}

// lockSeries reads a series under its row lock: every change to a series, its days or
// its subscriptions takes it first, so a materialisation pass and a skip or a subscribe
// on the same series happen one after the other on every engine.
func (s *Store) lockSeries(ctx context.Context, tx *sql.Tx, id string) (carpool.Series, error) {
	sr, err := scanSeries(tx.QueryRowContext(ctx, `SELECT `+seriesCols+` FROM ride_series WHERE id = $1`+s.dialect.ForUpdate(), id))
	if err != nil {
		return carpool.Series{}, notFound(err, "series")
	}
	return sr, nil
}

func (s *Store) writeSeries(ctx context.Context, tx *sql.Tx, sr carpool.Series) error {
	res, err := tx.ExecContext(ctx, `UPDATE ride_series SET depart_time = $1, seats = $2, booking_mode = $3,
		starts_on = $4, ends_on = $5, status = $6, version = $7, updated_at = $8, detour_km = $9 WHERE id = $10`,
		sr.DepartTime.String(), sr.Seats, string(sr.BookingMode), sr.StartsOn.String(), sr.EndsOn.String(),
		string(sr.Status), sr.Version, ts(sr.UpdatedAt), sr.DetourKM, sr.ID)
	if err != nil {
		return s.constraint(err, carpool.EINVALID, "")
	}
	return mustAffect(res, "series")
}

func (s *Store) subscriptionsTx(ctx context.Context, tx *sql.Tx, seriesID string) ([]carpool.Subscription, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+subscriptionCols+` FROM series_subscriptions
		WHERE series_id = $1 AND status = 'active' ORDER BY id`, seriesID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSubscription)
}

// futureOccurrences returns the series' days from today (in its zone) on whose ride
// exists, by day.
func (s *Store) futureOccurrences(ctx context.Context, tx *sql.Tx, sr carpool.Series, now time.Time) ([]carpool.Occurrence, error) {
	today := carpool.DateOf(now.In(sr.Location()))
	rows, err := tx.QueryContext(ctx, `SELECT `+occurrenceCols+` FROM series_occurrences
		WHERE series_id = $1 AND on_date >= $2 AND status = 'scheduled' ORDER BY on_date`, sr.ID, today.String())
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOccurrence)
}

func (s *Store) insertOccurrence(ctx context.Context, tx *sql.Tx, o carpool.Occurrence) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO series_occurrences (`+occurrenceCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		o.SeriesID, o.On.String(), string(o.Status), null(o.RideID), null(o.ReservationID), ts(o.CreatedAt), ts(o.UpdatedAt))
	return s.constraint(err, carpool.ECONFLICT, "date")
}

// MaterialiseSeries makes the due rides of every active series, one transaction per
// series. A series that fails is reported in the joined error after the others ran, so
// one bad series cannot stop every commute.
func (s *Store) MaterialiseSeries(ctx context.Context, horizon time.Duration) (carpool.SeriesReport, error) {
	var report carpool.SeriesReport
	// A series past its last day has nothing left to make. Yesterday in UTC is early
	// enough for every zone's today.
	yesterday := carpool.DateOf(s.now().UTC()).AddDays(-1)
	// A deactivated driver offers nothing any more: their series make no days.
	rows, err := s.read().QueryContext(ctx, `SELECT id FROM ride_series
		WHERE status = 'active' AND (ends_on = '' OR ends_on >= $1)
		  AND driver_id IN (SELECT id FROM members WHERE deactivated_at IS NULL) ORDER BY id`, yesterday.String())
	if err != nil {
		return report, fmt.Errorf("materialise series: %w", err)
	}
	ids, err := collect(rows, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return report, fmt.Errorf("materialise series: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return report, fmt.Errorf("materialise series: %w", err)
		}
		var one carpool.SeriesReport
		err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
			one = carpool.SeriesReport{} // a retried transaction starts over
			return s.materialiseOne(ctx, tx, id, horizon, now, &one)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("series %s: %w", id, err))
			continue
		}
		report.Created = append(report.Created, one.Created...)
		report.Conflicts = append(report.Conflicts, one.Conflicts...)
		report.Bookings = append(report.Bookings, one.Bookings...)
	}
	if err := errors.Join(errs...); err != nil {
		return report, fmt.Errorf("materialise series: %w", err)
	}
	return report, nil
}

// materialiseOne makes the due days of one series under its lock. The days already in
// series_occurrences are read after the lock is held, so a second process that waited
// for the lock sees the first one's days and makes none of them again; the primary key
// (series_id, on_date) refuses a duplicate should anything get past that.
func (s *Store) materialiseOne(ctx context.Context, tx *sql.Tx, id string, horizon time.Duration, now time.Time, report *carpool.SeriesReport) error {
	sr, err := s.lockSeries(ctx, tx, id)
	if err != nil {
		return err
	}
	due := sr.Due(now, horizon)
	if len(due) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT on_date FROM series_occurrences WHERE series_id = $1 AND on_date >= $2`,
		sr.ID, due[0].String())
	if err != nil {
		return err
	}
	done := map[carpool.Date]bool{}
	days, err := collect(rows, func(r rowScanner) (carpool.Date, error) {
		var d carpool.Date
		return d, r.Scan(dateCol{&d})
	})
	if err != nil {
		return err
	}
	for _, d := range days {
		done[d] = true
	}
	var car carpool.Car
	if sr.UsesPoolCar() {
		car, err = s.lockCar(ctx, tx, sr.CarID) // reservations of one car are made one at a time
	} else {
		car, err = scanCar(tx.QueryRowContext(ctx, `SELECT `+carCols+` FROM cars WHERE id = $1`, sr.CarID))
	}
	if err != nil {
		return notFound(err, "car")
	}
	subs, err := s.subscriptionsTx(ctx, tx, sr.ID)
	if err != nil {
		return err
	}
	if subs, err = s.activeSubscribers(ctx, tx, subs); err != nil {
		return err
	}
	driver := carpool.Member{ID: sr.DriverID, Role: carpool.RoleMember}
	for _, d := range due {
		if done[d] {
			continue
		}
		occ, bookings, err := s.makeOccurrence(ctx, tx, sr, car, driver, subs, d, now)
		if err != nil {
			return fmt.Errorf("day %s: %w", d, err)
		}
		if occ.Status == carpool.OccurrenceConflict {
			report.Conflicts = append(report.Conflicts, occ)
		} else {
			report.Created = append(report.Created, occ)
		}
		report.Bookings = append(report.Bookings, bookings...)
	}
	return nil
}

// makeOccurrence makes day d of the series: the car's reservation (pool car), the ride,
// the occurrence row and the subscribers' bookings, with their events. A day whose pool
// car is taken, or whose ride the domain refuses (the car was retired), becomes a
// conflict that driver and fleet managers are told of, and no ride.
func (s *Store) makeOccurrence(ctx context.Context, tx *sql.Tx, sr carpool.Series, car carpool.Car, driver carpool.Member,
	subs []carpool.Subscription, d carpool.Date, now time.Time) (carpool.Occurrence, []carpool.Booking, error) {
	occ := carpool.Occurrence{SeriesID: sr.ID, On: d, Status: carpool.OccurrenceScheduled, CreatedAt: now, UpdatedAt: now}
	var res *carpool.Reservation
	if sr.UsesPoolCar() {
		start, end := sr.ReservationWindow(d)
		r, err := carpool.NewReservation(car, driver, carpool.ReservationTrip, start, end, now)
		if err == nil {
			var clash string
			err = tx.QueryRowContext(ctx, `SELECT id FROM reservations
				WHERE car_id = $1 AND status = 'active' AND starts_at < $2 AND $3 < ends_at
				ORDER BY starts_at LIMIT 1`, car.ID, ts(end), ts(start)).Scan(&clash)
			switch {
			case err == nil:
				err = carpool.Errorf(carpool.ECONFLICT, "the car is already reserved during that time")
			case errors.Is(err, sql.ErrNoRows):
				err = nil
			default:
				return occ, nil, err
			}
		}
		if carpool.ErrorCode(err) == carpool.ECONFLICT || carpool.ErrorCode(err) == carpool.EINVALID {
			return s.conflict(ctx, tx, sr, occ, now)
		}
		if err != nil {
			return occ, nil, err
		}
		if err := s.insertReservation(ctx, tx, r); err != nil {
			return occ, nil, err
		}
		if err := s.insertEvents(ctx, tx, carpool.ReservationEvent(carpool.EventReservationCreated, r, now)); err != nil {
			return occ, nil, err
		}
		res, occ.ReservationID = &r, r.ID
	}
	ride, err := carpool.NewRide(sr.RideInput(d, occ.ReservationID), driver, car, res, now)
	if code := carpool.ErrorCode(err); code == carpool.ECONFLICT || code == carpool.EINVALID {
		if res != nil {
			// The reservation was made in this transaction for this ride alone.
			return occ, nil, fmt.Errorf("ride refused after its reservation was made: %w", err)
		}
		return s.conflict(ctx, tx, sr, occ, now)
	}
	if err != nil {
		return occ, nil, err
	}
	if err := s.insertRide(ctx, tx, ride); err != nil {
		return occ, nil, err
	}
	if err := s.insertEvents(ctx, tx, carpool.RideCreatedEvent(ride, now)); err != nil {
		return occ, nil, err
	}
	occ.RideID = ride.ID
	if err := s.insertOccurrence(ctx, tx, occ); err != nil {
		return occ, nil, err
	}
	rb := &carpool.RideBook{Ride: ride}
	var bookings []carpool.Booking
	for _, sub := range subs {
		if !sub.Covers(d) {
			continue
		}
		b, err := rb.Book(carpool.Member{ID: sub.PassengerID}, sub.BookingRequest(), now)
		if err != nil {
			// UpdateSeries keeps every subscription within the series' seats, so the
			// domain has no reason to refuse today; should it get one, that passenger
			// misses the day rather than everyone else losing it.
			continue
		}
		bookings = append(bookings, b)
	}
	if err := s.writeChange(ctx, tx, rb); err != nil {
		return occ, nil, err
	}
	return occ, bookings, nil
}

// conflict records day d as not made because its car was taken, and tells the driver
// and every fleet manager.
func (s *Store) conflict(ctx context.Context, tx *sql.Tx, sr carpool.Series, occ carpool.Occurrence, now time.Time) (carpool.Occurrence, []carpool.Booking, error) {
	occ.Status, occ.ReservationID, occ.RideID = carpool.OccurrenceConflict, "", ""
	if err := s.insertOccurrence(ctx, tx, occ); err != nil {
		return occ, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM members WHERE role IN ('fleet_manager', 'admin') ORDER BY id`)
	if err != nil {
		return occ, nil, err
	}
	managers, err := collect(rows, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return occ, nil, err
	}
	events := []carpool.Event{carpool.SeriesEvent(carpool.EventSeriesConflict, sr, occ.On, sr.DriverID, now)}
	for _, m := range managers {
		if m != sr.DriverID {
			events = append(events, carpool.SeriesEvent(carpool.EventSeriesConflict, sr, occ.On, m, now))
		}
	}
	return occ, nil, s.insertEvents(ctx, tx, events...)
}

// SkipSeriesDate cancels day d of the series and keeps it from being made.
func (s *Store) SkipSeriesDate(ctx context.Context, id string, d carpool.Date, by carpool.Member) (carpool.Occurrence, error) {
	var out carpool.Occurrence
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		sr, err := s.lockSeries(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := sr.CheckSkip(d, by, now); err != nil {
			return err
		}
		occ, err := scanOccurrence(tx.QueryRowContext(ctx, `SELECT `+occurrenceCols+` FROM series_occurrences
			WHERE series_id = $1 AND on_date = $2`, sr.ID, d.String()))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			occ = carpool.Occurrence{SeriesID: sr.ID, On: d, Status: carpool.OccurrenceSkipped, CreatedAt: now, UpdatedAt: now}
			if err := s.insertOccurrence(ctx, tx, occ); err != nil {
				return err
			}
		case err != nil:
			return err
		case occ.Status == carpool.OccurrenceSkipped:
			return carpool.FieldErrorf(carpool.ECONFLICT, "date", "%s is already skipped", d)
		default:
			if err := s.cancelOccurrence(ctx, tx, occ, by, now); err != nil {
				return err
			}
			occ.Status, occ.UpdatedAt = carpool.OccurrenceSkipped, now
			_, err := tx.ExecContext(ctx, `UPDATE series_occurrences SET status = $1, updated_at = $2
				WHERE series_id = $3 AND on_date = $4`, string(occ.Status), ts(now), sr.ID, d.String())
			if err != nil {
				return err
			}
		}
		subs, err := s.subscriptionsTx(ctx, tx, sr.ID)
		if err != nil {
			return err
		}
		var events []carpool.Event
		for _, sub := range subs {
			if sub.Covers(d) {
				events = append(events, carpool.SeriesEvent(carpool.EventSeriesSkipped, sr, d, sub.PassengerID, now))
			}
		}
		out = occ
		return s.insertEvents(ctx, tx, events...)
	})
	if err != nil {
		return carpool.Occurrence{}, fmt.Errorf("skip series date: %w", err)
	}
	return out, nil
}

// cancelOccurrence cancels an occurrence's ride (every passenger told) if it is still
// open and ahead, and the pool-car reservation made for it.
func (s *Store) cancelOccurrence(ctx context.Context, tx *sql.Tx, occ carpool.Occurrence, by carpool.Member, now time.Time) error {
	if occ.RideID != "" {
		rb, err := s.loadRideBook(ctx, tx, occ.RideID, "")
		if err != nil {
			return err
		}
		if rb.Ride.Status == carpool.RideOpen && rb.Ride.DepartAt.After(now) {
			if err := rb.CancelRide(by, now); err != nil {
				return err
			}
			if err := s.writeChange(ctx, tx, rb); err != nil {
				return err
			}
		}
	}
	if occ.ReservationID == "" {
		return nil
	}
	r, err := scanReservation(tx.QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations WHERE id = $1`+s.dialect.ForUpdate(), occ.ReservationID))
	if err != nil {
		return notFound(err, "reservation")
	}
	if r.Status != carpool.ReservationActive {
		return nil
	}
	if err := r.Cancel(by, now); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE reservations SET status = $1, cancelled_by = $2, updated_at = $3 WHERE id = $4`,
		string(r.Status), null(r.CancelledBy), ts(r.UpdatedAt), r.ID)
	if err != nil {
		return s.constraint(err, carpool.ECONFLICT, "")
	}
	return s.insertEvents(ctx, tx, carpool.ReservationEvent(carpool.EventReservationCancelled, r, now))
}

// UpdateSeries changes the series and each future ride of it with RideBook.Update; the
// first ride that refuses refuses the whole change, naming its day.
func (s *Store) UpdateSeries(ctx context.Context, id string, ifVersion int, p carpool.SeriesPatch, by carpool.Member) (carpool.Series, error) {
	var out carpool.Series
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		sr, err := s.lockSeries(ctx, tx, id)
		if err != nil {
			return err
		}
		if ifVersion != 0 && sr.Version != ifVersion {
			return staleVersion(carpool.Phrasef("series"), sr.Version)
		}
		car, err := scanCar(tx.QueryRowContext(ctx, `SELECT `+carCols+` FROM cars WHERE id = $1`, sr.CarID))
		if err != nil {
			return notFound(err, "car")
		}
		if err := sr.Update(p, by, car, now); err != nil {
			return err
		}
		subs, err := s.subscriptionsTx(ctx, tx, sr.ID)
		if err != nil {
			return err
		}
		if err := sr.Fits(subs); err != nil {
			return err
		}
		if err := s.writeSeries(ctx, tx, sr); err != nil {
			return err
		}
		occs, err := s.futureOccurrences(ctx, tx, sr, now)
		if err != nil {
			return err
		}
		for _, occ := range occs {
			rb, err := s.loadRideBook(ctx, tx, occ.RideID, "")
			if err != nil {
				return err
			}
			if rb.Ride.Status != carpool.RideOpen || !rb.Ride.DepartAt.After(now) {
				continue
			}
			rp := sr.RidePatch(p, occ.On)
			var res *carpool.Reservation
			if rp.DepartAt != nil && rb.Ride.ReservationID != "" {
				// Locked, as for a single ride, so the day's reservation stays while its
				// ride moves within it.
				r, err := scanReservation(tx.QueryRowContext(ctx, `SELECT `+reservationCols+` FROM reservations WHERE id = $1`+s.dialect.ForUpdate(), rb.Ride.ReservationID))
				if err != nil {
					return notFound(err, "reservation")
				}
				res = &r
			}
			if err := rb.Update(rp, by, car, res, now); err != nil {
				return onDay(occ.On, err)
			}
			if err := s.writeChange(ctx, tx, rb); err != nil {
				return onDay(occ.On, err)
			}
		}
		out = sr
		return nil
	})
	if err != nil {
		return carpool.Series{}, fmt.Errorf("update series: %w", err)
	}
	return out, nil
}

// onDay names the day in a domain error, so a driver learns which ride refused.
func onDay(d carpool.Date, err error) error {
	var e *carpool.Error
	if errors.As(err, &e) {
		return carpool.FieldErrorf(e.Code, e.Field, "%s: %s", d, e.Phrase())
	}
	return err
}

// EndSeries ends the series and cancels its future rides and their reservations.
func (s *Store) EndSeries(ctx context.Context, id string, by carpool.Member) (carpool.Series, error) {
	var out carpool.Series
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		sr, err := s.lockSeries(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := sr.End(by, now); err != nil {
			return err
		}
		if err := s.writeSeries(ctx, tx, sr); err != nil {
			return err
		}
		occs, err := s.futureOccurrences(ctx, tx, sr, now)
		if err != nil {
			return err
		}
		for _, occ := range occs {
			if err := s.cancelOccurrence(ctx, tx, occ, by, now); err != nil {
				return onDay(occ.On, err)
			}
		}
		subs, err := s.subscriptionsTx(ctx, tx, sr.ID)
		if err != nil {
			return err
		}
		events := []carpool.Event{carpool.SeriesEvent(carpool.EventSeriesEnded, sr, carpool.Date{}, sr.DriverID, now)}
		for _, sub := range subs {
			events = append(events, carpool.SeriesEvent(carpool.EventSeriesEnded, sr, carpool.Date{}, sub.PassengerID, now))
		}
		out = sr
		return s.insertEvents(ctx, tx, events...)
	})
	if err != nil {
		return carpool.Series{}, fmt.Errorf("end series: %w", err)
	}
	return out, nil
}

// Subscribe stores the subscription and books it on the rides already made.
func (s *Store) Subscribe(ctx context.Context, seriesID string, passenger carpool.Member, days carpool.Weekdays, seats int) (carpool.Subscription, []carpool.Booking, error) {
	var sub carpool.Subscription
	var bookings []carpool.Booking
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		bookings = nil
		sr, err := s.lockSeries(ctx, tx, seriesID)
		if err != nil {
			return err
		}
		sub, err = carpool.NewSubscription(sr, passenger, days, seats, now)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO series_subscriptions (`+subscriptionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			sub.ID, sub.SeriesID, sub.PassengerID, int(sub.Weekdays), sub.Seats, string(sub.Status), ts(sub.CreatedAt), ts(sub.UpdatedAt))
		if err != nil {
			err = s.dialect.Translate(err)
			if carpool.ErrorCode(err) == carpool.ECONFLICT {
				return carpool.Errorf(carpool.ECONFLICT, "you already subscribe to this series")
			}
			return err
		}
		occs, err := s.futureOccurrences(ctx, tx, sr, now)
		if err != nil {
			return err
		}
		for _, occ := range occs {
			if !sub.Covers(occ.On) {
				continue
			}
			rb, err := s.loadRideBook(ctx, tx, occ.RideID, "")
			if err != nil {
				return err
			}
			b, err := rb.Book(passenger, sub.BookingRequest(), now)
			if carpool.ErrorCode(err) == carpool.ECONFLICT {
				// A day already booked by hand, cancelled, or departed keeps what it has.
				continue
			}
			if err != nil {
				return onDay(occ.On, err)
			}
			if err := s.writeChange(ctx, tx, rb); err != nil {
				return err
			}
			bookings = append(bookings, b)
		}
		return nil
	})
	if err != nil {
		return carpool.Subscription{}, nil, fmt.Errorf("subscribe: %w", err)
	}
	return sub, bookings, nil
}

// Unsubscribe ends the passenger's subscription and cancels its bookings ahead.
func (s *Store) Unsubscribe(ctx context.Context, seriesID string, passenger carpool.Member) (carpool.Subscription, error) {
	var out carpool.Subscription
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		sr, err := s.lockSeries(ctx, tx, seriesID)
		if err != nil {
			return err
		}
		sub, err := scanSubscription(tx.QueryRowContext(ctx, `SELECT `+subscriptionCols+` FROM series_subscriptions
			WHERE series_id = $1 AND passenger_id = $2 AND status = 'active'`, sr.ID, passenger.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return carpool.Errorf(carpool.ENOTFOUND, "you do not subscribe to this series")
		}
		if err != nil {
			return err
		}
		if err := sub.Leave(now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE series_subscriptions SET status = $1, updated_at = $2 WHERE id = $3`,
			string(sub.Status), ts(now), sub.ID); err != nil {
			return err
		}
		occs, err := s.futureOccurrences(ctx, tx, sr, now)
		if err != nil {
			return err
		}
		for _, occ := range occs {
			if _, err := s.leaveRide(ctx, tx, occ.RideID, passenger, now); err != nil && carpool.ErrorCode(err) != carpool.ENOTFOUND {
				return onDay(occ.On, err)
			}
		}
		out = sub
		return nil
	})
	if err != nil {
		return carpool.Subscription{}, fmt.Errorf("unsubscribe: %w", err)
	}
	return out, nil
}

// leaveRide cancels the passenger's active booking on a ride that is still ahead;
// ENOTFOUND when there is none.
func (s *Store) leaveRide(ctx context.Context, tx *sql.Tx, rideID string, passenger carpool.Member, now time.Time) (carpool.Booking, error) {
	rb, err := s.loadRideBook(ctx, tx, rideID, "")
	if err != nil {
		return carpool.Booking{}, err
	}
	for _, b := range rb.Bookings {
		if b.PassengerID != passenger.ID || !b.Status.Active() || !rb.Ride.DepartAt.After(now) {
			continue
		}
		out, err := rb.Cancel(b.ID, passenger, now)
		if err != nil {
			return carpool.Booking{}, err
		}
		return out, s.writeChange(ctx, tx, rb)
	}
	return carpool.Booking{}, carpool.Errorf(carpool.ENOTFOUND, "you hold no booking on that day")
}

// LeaveSeriesDate cancels the passenger's booking on day d of the series.
func (s *Store) LeaveSeriesDate(ctx context.Context, seriesID string, d carpool.Date, passenger carpool.Member) (carpool.Booking, error) {
	var out carpool.Booking
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		sr, err := s.lockSeries(ctx, tx, seriesID)
		if err != nil {
			return err
		}
		occ, err := scanOccurrence(tx.QueryRowContext(ctx, `SELECT `+occurrenceCols+` FROM series_occurrences
			WHERE series_id = $1 AND on_date = $2`, sr.ID, d.String()))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && occ.RideID == "") {
			return carpool.FieldErrorf(carpool.ENOTFOUND, "date", "the series has no ride on %s", d)
		}
		if err != nil {
			return err
		}
		out, err = s.leaveRide(ctx, tx, occ.RideID, passenger, now)
		return err
	})
	if err != nil {
		return carpool.Booking{}, fmt.Errorf("leave series date: %w", err)
	}
	return out, nil
}

// activeSubscribers keeps the subscriptions whose passenger has not been deactivated: a
// member who left is booked on no new day.
func (s *Store) activeSubscribers(ctx context.Context, tx *sql.Tx, subs []carpool.Subscription) ([]carpool.Subscription, error) {
	if len(subs) == 0 {
		return subs, nil
	}
	ids := make([]string, len(subs))
	for i, sub := range subs {
		ids[i] = sub.PassengerID
	}
	var a args
	rows, err := tx.QueryContext(ctx, `SELECT id FROM members WHERE deactivated_at IS NULL AND id IN `+a.in(ids), a...)
	if err != nil {
		return nil, err
	}
	active, err := collect(rows, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, id := range active {
		keep[id] = true
	}
	out := subs[:0]
	for _, sub := range subs {
		if keep[sub.PassengerID] {
			out = append(out, sub)
		}
	}
	return out, nil
}
