package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// CheckCommute reports every field of a commute that is wrong on its own (see
// CheckOffer).
func (a *App) CheckCommute(in carpool.SeriesInput) error { return in.Check(a.Now()) }

// OfferSeries offers a ride series (a commute) in a car that me may see; the domain
// decides whether it is theirs to offer, as for a single ride.
func (a *App) OfferSeries(ctx context.Context, me carpool.Member, in carpool.SeriesInput) (carpool.Series, error) {
	if me.ID == "" {
		return carpool.Series{}, carpool.Errorf(carpool.EUNAUTHORIZED, "sign in to offer a series")
	}
	if in.CarID == "" {
		return carpool.Series{}, carpool.FieldErrorf(carpool.EINVALID, "car_id", "car_id is required")
	}
	if _, err := a.Car(ctx, me, in.CarID); err != nil {
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return carpool.Series{}, carpool.FieldErrorf(carpool.EINVALID, "car_id", "no such car")
		}
		return carpool.Series{}, err
	}
	var out carpool.Series
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		car, err := tx.LockCar(ctx, in.CarID)
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return carpool.FieldErrorf(carpool.EINVALID, "car_id", "car not found")
		}
		if err != nil {
			return err
		}
		if out, err = carpool.NewSeries(in, me, car, tx.Now()); err != nil {
			return err
		}
		// Counted under the driver's lock, so offers racing on replicas cannot together
		// pass the cap.
		if _, err := tx.LockMember(ctx, me.ID); err != nil {
			return err
		}
		active, err := tx.ActiveCommutes(ctx, me.ID)
		if err != nil {
			return err
		}
		if err := a.limits.CheckCommute(me, active); err != nil {
			return err
		}
		if err := a.noShowsAllow(ctx, tx, me.ID, tx.Now()); err != nil {
			return err
		}
		return tx.InsertSeries(ctx, out)
	})
	if err != nil {
		return carpool.Series{}, fmt.Errorf("offer series: %w", err)
	}
	return out, nil
}

// daysAhead returns the series' days from today (in its zone) on whose ride was made.
func daysAhead(ctx context.Context, tx carpool.Tx, sr carpool.Series) ([]carpool.Occurrence, error) {
	all, err := tx.SeriesDays(ctx, sr.ID, carpool.DateOf(tx.Now().In(sr.Location())))
	if err != nil {
		return nil, err
	}
	var out []carpool.Occurrence
	for _, o := range all {
		if o.Status == carpool.OccurrenceScheduled {
			out = append(out, o)
		}
	}
	return out, nil
}

// UpdateSeries changes a series me drives and each of its rides ahead, with the rules of
// one ride (moveRide); the first day that refuses refuses the whole change, naming it.
func (a *App) UpdateSeries(ctx context.Context, me carpool.Member, id string, ifVersion int, p carpool.SeriesPatch) (carpool.Series, error) {
	var out carpool.Series
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		sr, err := tx.LockSeries(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != 0 && sr.Version != ifVersion {
			return carpool.StaleVersion(carpool.Phrasef("series"), sr.Version)
		}
		car, err := tx.LockCar(ctx, sr.CarID)
		if err != nil {
			return err
		}
		if err := sr.Update(p, me, car, now); err != nil {
			return err
		}
		subs, err := tx.ActiveSubscriptions(ctx, sr.ID)
		if err != nil {
			return err
		}
		if err := sr.Fits(subs); err != nil {
			return err
		}
		if err := tx.SaveSeries(ctx, sr); err != nil {
			return err
		}
		days, err := daysAhead(ctx, tx, sr)
		if err != nil {
			return err
		}
		for _, day := range days {
			rb, err := tx.LoadRideBook(ctx, day.RideID, "")
			if err != nil {
				return err
			}
			if !rb.Ride.Ahead(now) {
				continue
			}
			if err := a.moveRide(ctx, tx, rb, sr.RidePatch(p, day.On), me, car); err != nil {
				return carpool.OnDay(day.On, err)
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

// SkipSeriesDate cancels day d of a series me drives (its ride, if made, with every
// booking, and the car's reservation for it) and keeps it from being made.
func (a *App) SkipSeriesDate(ctx context.Context, me carpool.Member, id string, d carpool.Date) (carpool.Occurrence, error) {
	var out carpool.Occurrence
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		sr, err := tx.LockSeries(ctx, id)
		if err != nil {
			return err
		}
		if err := sr.CheckSkip(d, me, now); err != nil {
			return err
		}
		days, err := tx.SeriesDays(ctx, sr.ID, d)
		if err != nil {
			return err
		}
		switch {
		case len(days) == 0 || days[0].On != d:
			out = carpool.Occurrence{SeriesID: sr.ID, On: d, Status: carpool.OccurrenceSkipped, CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertOccurrence(ctx, out); err != nil {
				return err
			}
		case days[0].Status == carpool.OccurrenceSkipped:
			return carpool.FieldErrorf(carpool.ECONFLICT, "date", "%s is already skipped", d)
		default:
			out = days[0]
			if err := a.cancelDay(ctx, tx, out, me); err != nil {
				return err
			}
			out.Status, out.UpdatedAt = carpool.OccurrenceSkipped, now
			if err := tx.SaveOccurrence(ctx, out); err != nil {
				return err
			}
		}
		subs, err := tx.ActiveSubscriptions(ctx, sr.ID)
		if err != nil {
			return err
		}
		return tx.Append(ctx, sr.SkipNotices(subs, d, now)...)
	})
	if err != nil {
		return carpool.Occurrence{}, fmt.Errorf("skip series date: %w", err)
	}
	return out, nil
}

// cancelDay cancels a day's ride (every passenger told) if it is still ahead, and the
// pool-car reservation made for it.
func (a *App) cancelDay(ctx context.Context, tx carpool.Tx, day carpool.Occurrence, by carpool.Member) error {
	if day.RideID != "" {
		rb, err := tx.LoadRideBook(ctx, day.RideID, "")
		if err != nil {
			return err
		}
		if rb.Ride.Ahead(tx.Now()) {
			if err := rb.CancelRide(by, tx.Now()); err != nil {
				return err
			}
			if err := a.saveRideBook(ctx, tx, rb); err != nil {
				return err
			}
		}
	}
	if day.ReservationID == "" {
		return nil
	}
	r, err := tx.LockReservation(ctx, day.ReservationID)
	if err != nil {
		return err
	}
	if r.Status != carpool.ReservationActive {
		return nil
	}
	return cancelReservation(ctx, tx, r, by)
}

// EndSeries ends a series me drives, cancels its rides ahead (passengers told) and the
// pool-car reservations made for them, and tells driver and subscribers.
func (a *App) EndSeries(ctx context.Context, me carpool.Member, id string) (carpool.Series, error) {
	var out carpool.Series
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		sr, err := tx.LockSeries(ctx, id)
		if err != nil {
			return err
		}
		if err := sr.End(me, tx.Now()); err != nil {
			return err
		}
		if err := tx.SaveSeries(ctx, sr); err != nil {
			return err
		}
		days, err := daysAhead(ctx, tx, sr)
		if err != nil {
			return err
		}
		for _, day := range days {
			if err := a.cancelDay(ctx, tx, day, me); err != nil {
				return carpool.OnDay(day.On, err)
			}
		}
		subs, err := tx.ActiveSubscriptions(ctx, sr.ID)
		if err != nil {
			return err
		}
		out = sr
		return tx.Append(ctx, sr.EndNotices(subs, tx.Now())...)
	})
	if err != nil {
		return carpool.Series{}, fmt.Errorf("end series: %w", err)
	}
	return out, nil
}

// Subscribe books me on a series' days (all, or the chosen weekdays): on the rides
// already made at once (waitlisted where full), on later ones as they are made.
func (a *App) Subscribe(ctx context.Context, me carpool.Member, id string, days carpool.Weekdays, seats int) (carpool.Subscription, []carpool.Booking, error) {
	if me.ID == "" {
		return carpool.Subscription{}, nil, carpool.Errorf(carpool.EUNAUTHORIZED, "sign in to subscribe")
	}
	var sub carpool.Subscription
	var bookings []carpool.Booking
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		bookings = nil
		now := tx.Now()
		sr, err := tx.LockSeries(ctx, id)
		if err != nil {
			return err
		}
		if sub, err = carpool.NewSubscription(sr, me, days, seats, now); err != nil {
			return err
		}
		if err := tx.InsertSubscription(ctx, sub); err != nil {
			if carpool.ErrorCode(err) == carpool.ECONFLICT {
				return carpool.Errorf(carpool.ECONFLICT, "you already subscribe to this series")
			}
			return err
		}
		ahead, err := daysAhead(ctx, tx, sr)
		if err != nil {
			return err
		}
		for _, day := range ahead {
			if !sub.Covers(day.On) {
				continue
			}
			rb, err := tx.LoadRideBook(ctx, day.RideID, "")
			if err != nil {
				return err
			}
			b, err := rb.Book(me, sub.BookingRequest(), now)
			if carpool.ErrorCode(err) == carpool.ECONFLICT {
				continue // a day already booked by hand, cancelled, or departed keeps what it has
			}
			if err != nil {
				return carpool.OnDay(day.On, err)
			}
			if err := a.saveRideBook(ctx, tx, rb); err != nil {
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

// Unsubscribe ends me's subscription to a series and cancels its bookings ahead.
func (a *App) Unsubscribe(ctx context.Context, me carpool.Member, id string) (carpool.Subscription, error) {
	var out carpool.Subscription
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		sr, err := tx.LockSeries(ctx, id)
		if err != nil {
			return err
		}
		subs, err := tx.ActiveSubscriptions(ctx, sr.ID)
		if err != nil {
			return err
		}
		out = carpool.Subscription{}
		for _, s := range subs {
			if s.PassengerID == me.ID {
				out = s
			}
		}
		if out.ID == "" {
			return carpool.Errorf(carpool.ENOTFOUND, "you do not subscribe to this series")
		}
		if err := out.Leave(tx.Now()); err != nil {
			return err
		}
		if err := tx.SaveSubscription(ctx, out); err != nil {
			return err
		}
		days, err := daysAhead(ctx, tx, sr)
		if err != nil {
			return err
		}
		for _, day := range days {
			if _, err := a.leaveRide(ctx, tx, day.RideID, me); err != nil && carpool.ErrorCode(err) != carpool.ENOTFOUND {
				return carpool.OnDay(day.On, err)
			}
		}
		return nil
	})
	if err != nil {
		return carpool.Subscription{}, fmt.Errorf("unsubscribe: %w", err)
	}
	return out, nil
}

// LeaveSeriesDate cancels me's booking on day d of a series.
func (a *App) LeaveSeriesDate(ctx context.Context, me carpool.Member, id string, d carpool.Date) (carpool.Booking, error) {
	var out carpool.Booking
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		sr, err := tx.LockSeries(ctx, id)
		if err != nil {
			return err
		}
		days, err := tx.SeriesDays(ctx, sr.ID, d)
		if err != nil {
			return err
		}
		if len(days) == 0 || days[0].On != d || days[0].RideID == "" {
			return carpool.FieldErrorf(carpool.ENOTFOUND, "date", "the series has no ride on %s", d)
		}
		out, err = a.leaveRide(ctx, tx, days[0].RideID, me)
		return err
	})
	if err != nil {
		return carpool.Booking{}, fmt.Errorf("leave series date: %w", err)
	}
	return out, nil
}

// leaveRide cancels the passenger's active booking on a ride still ahead; ENOTFOUND when
// there is none.
func (a *App) leaveRide(ctx context.Context, tx carpool.Tx, rideID string, passenger carpool.Member) (carpool.Booking, error) {
	rb, err := tx.LoadRideBook(ctx, rideID, "")
	if err != nil {
		return carpool.Booking{}, err
	}
	b, err := rb.Leave(passenger, tx.Now())
	if err != nil {
		return carpool.Booking{}, err
	}
	return b, a.saveRideBook(ctx, tx, rb)
}
