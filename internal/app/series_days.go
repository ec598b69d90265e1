package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"carpool/internal/carpool"
)

// MaterialiseSeries makes the rides of every active series whose departure lies within
// horizon, one transaction per series with a day to make, so one busy series neither
// waits for nor blocks the others, and one that fails is reported in the joined error after the others ran.
// Each (series, day) is made exactly once however many replicas run it at once: the
// days already made are read under the series' lock, and the store's key on (series,
// day) refuses a duplicate should anything get past that.
func (a *App) MaterialiseSeries(ctx context.Context, horizon time.Duration) (carpool.SeriesReport, error) {
	var report carpool.SeriesReport
	ids, err := a.seriesWithDaysToMake(ctx, horizon)
	if err != nil {
		return report, fmt.Errorf("materialise series: %w", err)
	}
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return report, fmt.Errorf("materialise series: %w", err)
		}
		var one carpool.SeriesReport
		err := a.store.InTx(ctx, func(tx carpool.Tx) error {
			one = carpool.SeriesReport{} // a rerun transaction starts over
			return a.makeDays(ctx, tx, id, horizon, &one)
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

// seriesWithDaysToMake returns the active series with a due day not made yet (made
// includes kept as a conflict or a skip), by id. Most passes find every due day made,
// so this is read once for all series rather than in a transaction per series. The read
// can be stale, which costs no day: a day it sees made stays made (days are never
// removed), and one it misses, because its series changed or began meanwhile, is made
// by the next pass.
func (a *App) seriesWithDaysToMake(ctx context.Context, horizon time.Duration) ([]string, error) {
	now := a.now()
	// A series past its last day has nothing left to make; yesterday in UTC is early
	// enough for every zone's today.
	active, err := a.store.ActiveSeries(ctx, carpool.DateOf(now.UTC()).AddDays(-1))
	if err != nil {
		return nil, err
	}
	dueOf := make(map[string][]carpool.Date, len(active))
	var ids []string
	var from, to carpool.Date
	for _, sr := range active {
		due := sr.Due(now, horizon)
		if len(due) == 0 {
			continue
		}
		dueOf[sr.ID] = due
		ids = append(ids, sr.ID)
		if first := due[0]; from.IsZero() || first.Before(from) {
			from = first
		}
		if last := due[len(due)-1]; last.After(to) {
			to = last
		}
	}
	made, err := a.store.SeriesDaysMade(ctx, ids, from, to)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ids, func(id string) bool { return len(notMade(dueOf[id], made[id])) == 0 }), nil
}

// notMade returns the days of due that made does not hold.
func notMade(due, made []carpool.Date) []carpool.Date {
	done := make(map[carpool.Date]bool, len(made))
	for _, d := range made {
		done[d] = true
	}
	return slices.DeleteFunc(due, func(d carpool.Date) bool { return done[d] })
}

// makeDays makes the due days of one series under its lock: the pool car's reservation
// (the car's lock taken, so its reservations are made one at a time), the ride, and the
// active subscribers' bookings, as carpool.Series.MakeDay decides.
//
// Days beyond the driver's cap on scheduled rides (carpool.Limits.MaxScheduledRides,
// counted under the driver's lock with every open ride they have) wait for a later pass,
// when earlier rides have left: one member cannot flood the ride list through commutes.
func (a *App) makeDays(ctx context.Context, tx carpool.Tx, id string, horizon time.Duration, report *carpool.SeriesReport) error {
	now := tx.Now()
	sr, err := tx.LockSeries(ctx, id)
	if err != nil {
		return err
	}
	due := sr.Due(now, horizon)
	if len(due) == 0 {
		return nil
	}
	made, err := tx.SeriesDays(ctx, sr.ID, due[0])
	if err != nil {
		return err
	}
	days := make([]carpool.Date, len(made))
	for i, o := range made {
		days[i] = o.On
	}
	// Another replica may have made them since seriesWithDaysToMake looked.
	if due = notMade(due, days); len(due) == 0 {
		return nil
	}
	driver, err := tx.LockMember(ctx, sr.DriverID)
	if err != nil {
		return err
	}
	open, err := tx.OpenRides(ctx, driver.ID, now)
	if err != nil {
		return err
	}
	room := a.limits.DaysToMake(driver, open)
	// The car's lock orders this day after any change of the car's seats or status,
	// and (pool cars) after every reservation of it committed before.
	car, err := tx.LockCar(ctx, sr.CarID)
	if err != nil {
		return err
	}
	subs, err := activeSubscribers(ctx, tx, sr.ID)
	if err != nil {
		return err
	}
	var managers []string // read once, on the first conflict
	for _, d := range due {
		if room == 0 {
			break // days are due oldest first: the nearest are made, the rest wait
		}
		var taken []carpool.Reservation
		if sr.UsesPoolCar() {
			start, end := sr.ReservationWindow(d)
			if taken, err = tx.ActiveReservations(ctx, car.ID, start, end); err != nil {
				return err
			}
		}
		day, err := sr.MakeDay(d, car, taken, subs, now)
		if err != nil {
			return fmt.Errorf("day %s: %w", d, err)
		}
		if day.Conflict() && managers == nil {
			if managers, err = tx.FleetManagerIDs(ctx); err != nil {
				return err
			}
		}
		if err := a.saveDay(ctx, tx, sr, day, managers); err != nil {
			return fmt.Errorf("day %s: %w", d, err)
		}
		if day.Conflict() {
			report.Conflicts = append(report.Conflicts, day.Occurrence)
			continue
		}
		room--
		report.Created = append(report.Created, day.Occurrence)
		report.Bookings = append(report.Bookings, day.Ride.Change().Created...)
	}
	return nil
}

// saveDay writes what MakeDay decided, in the order the schema's references need.
func (a *App) saveDay(ctx context.Context, tx carpool.Tx, sr carpool.Series, day carpool.SeriesDay, managers []string) error {
	if day.Conflict() {
		if err := tx.InsertOccurrence(ctx, day.Occurrence); err != nil {
			return err
		}
		return tx.Append(ctx, sr.ConflictNotices(day.Occurrence.On, managers, tx.Now())...)
	}
	if day.Reservation != nil {
		if err := tx.InsertReservation(ctx, *day.Reservation); err != nil {
			return err
		}
	}
	if err := tx.InsertRide(ctx, day.NewRide); err != nil {
		return err
	}
	if err := tx.Append(ctx, day.Events...); err != nil {
		return err
	}
	if err := tx.InsertOccurrence(ctx, day.Occurrence); err != nil {
		return err
	}
	return a.saveRideBook(ctx, tx, day.Ride)
}

// activeSubscribers returns the series' subscriptions whose passenger has not been
// deactivated: a member who left is booked on no new day.
func activeSubscribers(ctx context.Context, tx carpool.Tx, seriesID string) ([]carpool.Subscription, error) {
	subs, err := tx.ActiveSubscriptions(ctx, seriesID)
	if err != nil || len(subs) == 0 {
		return subs, err
	}
	ids := make([]string, len(subs))
	for i, s := range subs {
		ids[i] = s.PassengerID
	}
	active, err := tx.ActiveMemberIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	keep := make(map[string]bool, len(active))
	for _, id := range active {
		keep[id] = true
	}
	out := subs[:0]
	for _, s := range subs {
		if keep[s.PassengerID] {
			out = append(out, s)
		}
	}
	return out, nil
}

// RunSeries makes the due rides of every series at once and then every interval until
// ctx ends. Every replica runs it: each day is made once however many passes overlap,
// so no leader election is needed. A failed pass is logged and the next one tries again.
func (a *App) RunSeries(ctx context.Context, horizon, interval time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		rep, err := a.MaterialiseSeries(ctx, horizon)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logger.Error("ride series: pass failed", "err", err)
		case len(rep.Created)+len(rep.Conflicts) > 0:
			logger.Info("ride series: rides made", "rides", len(rep.Created), "conflicts", len(rep.Conflicts), "bookings", len(rep.Bookings))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
