package app

import (
	"context"
	"sort"

	"carpool/internal/carpool"
)

// SeriesView is a series as a member sees it: its driver, the viewer's own
// subscription, and for the driver every subscriber.
type SeriesView struct {
	Series      carpool.Series
	Driver      Person
	Mine        *carpool.Subscription
	Subscribers []Subscriber
}

// Subscriber is an active subscription with its passenger's name, as the driver sees it.
type Subscriber struct {
	Subscription carpool.Subscription
	Person       Person
}

// IsDriver reports whether the viewer drives the series.
func (v SeriesView) IsDriver(me carpool.Member) bool { return v.Series.DriverID == me.ID }

// Series shows one series to me. Every member may see series, as they may see rides;
// contact details stay on the rides, between a driver and confirmed passengers.
func (a *App) Series(ctx context.Context, me carpool.Member, id string) (SeriesView, error) {
	if me.ID == "" {
		return SeriesView{}, carpool.Errorf(carpool.ENOTFOUND, "series not found")
	}
	sr, err := a.store.Series(ctx, id)
	if err != nil {
		return SeriesView{}, err
	}
	subs, err := a.store.Subscriptions(ctx, carpool.SubscriptionFilter{SeriesID: sr.ID})
	if err != nil {
		return SeriesView{}, err
	}
	ids := []string{sr.DriverID}
	for _, s := range subs {
		ids = append(ids, s.PassengerID)
	}
	people, err := a.membersByID(ctx, ids)
	if err != nil {
		return SeriesView{}, err
	}
	v := SeriesView{Series: sr, Driver: person(people[sr.DriverID], sr.DriverID, false)}
	for i, s := range subs {
		if s.PassengerID == me.ID {
			v.Mine = &subs[i]
		}
		if v.IsDriver(me) {
			v.Subscribers = append(v.Subscribers, Subscriber{Subscription: s, Person: person(people[s.PassengerID], s.PassengerID, false)})
		}
	}
	return v, nil
}

// Commutes is "my commutes": the series me drives and those me rides in.
type Commutes struct {
	Driving []carpool.Series
	Riding  []RiddenSeries
}

// RiddenSeries is a series me subscribes to, with the subscription and the driver's name.
type RiddenSeries struct {
	Series       carpool.Series
	Subscription carpool.Subscription
	Driver       string
}

// Commutes lists the series me drives and rides in, in three reads.
func (a *App) Commutes(ctx context.Context, me carpool.Member) (Commutes, error) {
	var c Commutes
	var err error
	if c.Driving, err = a.store.SeriesList(ctx, carpool.SeriesFilter{DriverID: me.ID}); err != nil {
		return c, err
	}
	riding, err := a.store.SeriesList(ctx, carpool.SeriesFilter{SubscriberID: me.ID})
	if err != nil {
		return c, err
	}
	subs, err := a.store.Subscriptions(ctx, carpool.SubscriptionFilter{PassengerID: me.ID})
	if err != nil {
		return c, err
	}
	bySeries := map[string]carpool.Subscription{}
	for _, s := range subs {
		bySeries[s.SeriesID] = s
	}
	ids := make([]string, 0, len(riding))
	for _, s := range riding {
		ids = append(ids, s.DriverID)
	}
	drivers, err := a.membersByID(ctx, ids)
	if err != nil {
		return c, err
	}
	for _, s := range riding {
		c.Riding = append(c.Riding, RiddenSeries{Series: s, Subscription: bySeries[s.ID], Driver: drivers[s.DriverID].Name})
	}
	return c, nil
}

// WeekDay is one occurrence in a member's week: a day of a series they drive or ride.
type WeekDay struct {
	Series     carpool.Series
	Occurrence carpool.Occurrence
	Driving    bool
	// Ride is the day's ride (nil when skipped before it was made, or not made for a
	// conflict); Mine is the viewer's booking on it, if any.
	Ride *carpool.Ride
	Mine *carpool.Booking
}

// Skipped reports whether the driver skipped the day.
func (d WeekDay) Skipped() bool { return d.Occurrence.Status == carpool.OccurrenceSkipped }

// Cancelled reports whether the day will not run: skipped, its car taken, or its ride
// cancelled.
func (d WeekDay) Cancelled() bool {
	return d.Occurrence.Status != carpool.OccurrenceScheduled || (d.Ride != nil && d.Ride.Status == carpool.RideCancelled)
}

// Week is seven days of me's commutes from From, by departure.
type Week struct {
	From carpool.Date
	To   carpool.Date
	Days []WeekDay
}

// Week returns the occurrences of me's commutes on the seven days from from, with a
// fixed number of reads: the series, their occurrences, the rides and me's bookings. A
// rider sees the days their subscription covers only.
func (a *App) Week(ctx context.Context, me carpool.Member, from carpool.Date) (Week, error) {
	return a.Days(ctx, me, from, 7)
}

// maxDays bounds Days: a series page shows four weeks.
const maxDays = 31

// Days is Week over n days (at most 31) from from.
func (a *App) Days(ctx context.Context, me carpool.Member, from carpool.Date, n int) (Week, error) {
	if n < 1 || n > maxDays {
		return Week{}, carpool.Errorf(carpool.EINVALID, "ask for 1 to %d days", maxDays)
	}
	w := Week{From: from, To: from.AddDays(n - 1)}
	c, err := a.Commutes(ctx, me)
	if err != nil {
		return w, err
	}
	series := map[string]carpool.Series{}
	covers := map[string]carpool.Weekdays{}
	var ids []string
	for _, s := range c.Driving {
		series[s.ID], covers[s.ID] = s, carpool.AllWeekdays
		ids = append(ids, s.ID)
	}
	for _, r := range c.Riding {
		if _, dup := series[r.Series.ID]; dup {
			continue
		}
		series[r.Series.ID], covers[r.Series.ID] = r.Series, r.Subscription.Weekdays
		ids = append(ids, r.Series.ID)
	}
	occs, err := a.store.Occurrences(ctx, ids, w.From, w.To)
	if err != nil {
		return w, err
	}
	var rideIDs []string
	for _, o := range occs {
		if o.RideID != "" {
			rideIDs = append(rideIDs, o.RideID)
		}
	}
	rides := map[string]carpool.Ride{}
	mine := map[string]carpool.Booking{}
	if len(rideIDs) > 0 {
		rs, err := a.store.RidesByID(ctx, rideIDs)
		if err != nil {
			return w, err
		}
		for _, r := range rs {
			rides[r.ID] = r
		}
		bs, err := a.store.PassengerBookings(ctx, me.ID, rideIDs)
		if err != nil {
			return w, err
		}
		for _, b := range bs {
			mine[b.RideID] = b
		}
	}
	for _, o := range occs {
		s := series[o.SeriesID]
		if !covers[s.ID].Has(o.On.Weekday()) {
			continue
		}
		d := WeekDay{Series: s, Occurrence: o, Driving: s.DriverID == me.ID}
		if r, ok := rides[o.RideID]; ok {
			d.Ride = &r
		}
		if b, ok := mine[o.RideID]; ok {
			d.Mine = &b
		}
		w.Days = append(w.Days, d)
	}
	sort.SliceStable(w.Days, func(i, j int) bool {
		return w.Days[i].Series.DepartAt(w.Days[i].Occurrence.On).Before(w.Days[j].Series.DepartAt(w.Days[j].Occurrence.On))
	})
	return w, nil
}

// Occurrences returns the days of a series from..to, which every member may see.
func (a *App) Occurrences(ctx context.Context, me carpool.Member, id string, from, to carpool.Date) ([]carpool.Occurrence, error) {
	if _, err := a.Series(ctx, me, id); err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, carpool.FieldErrorf(carpool.EINVALID, "to", "to must not be before from")
	}
	if to.AddDays(-92).After(from) {
		return nil, carpool.FieldErrorf(carpool.EINVALID, "to", "ask for at most 93 days at once")
	}
	return a.store.Occurrences(ctx, []string{id}, from, to)
}
