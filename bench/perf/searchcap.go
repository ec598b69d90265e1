package main

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// The clock times, UTC, of the capped member's rides on the searched days: the
// commutes' and four a day offered by hand, all inside the searches' window
// (11:00–14:00) and on the searched route. Which commute days are made is the cap's
// choice (nearest first, one commute after the other), so runSearchCap counts how many
// of the member's rides each window really holds.
var (
	// the sixth is the one the commute cap must refuse
	capCommuteTimes = []carpool.Clock{{Hour: 11, Minute: 15}, {Hour: 11, Minute: 45}, {Hour: 12, Minute: 15}, {Hour: 12, Minute: 45}, {Hour: 13, Minute: 15}, {Hour: 13, Minute: 45}}
	capOfferTimes   = []time.Duration{11*time.Hour + 30*time.Minute, 12 * time.Hour, 12*time.Hour + 30*time.Minute, 13 * time.Hour}
)

// capSearchDays is how many days, from the fixture's day on, the searches rotate over.
const capSearchDays = 5

// floodRides is what one member made before the caps (a commute every four minutes of
// the day, 360 of them, over four weeks): the pool the caps are there to prevent.
const floodRides = 360 * 28

// runSearchCap times a ride search when one member sits at the fair-use caps on rides
// (carpool.DefaultLimits: 20 offered by hand, 5 commutes, 60 open rides in all), with
// every one of their rides on the searched route, next to the same searches over the
// same pool without that member, and over the same pool with one member's uncapped
// flood of floodRides on that route. The pools live in three databases per engine,
// queried in turn, round after round, as in runSearch. The member is brought to the
// caps through the application's use cases until they refuse, so the figure is of the
// caps that really bind, not of a number typed here.
func runSearchCap(r *Result) error {
	ctx := context.Background()
	dir, pg, done, err := scratch("searchcap")
	if err != nil {
		return err
	}
	defer done()
	pool := pick(10_000, 1_000)
	flood := pick(floodRides, 1_000)
	limits := carpool.DefaultLimits()
	const normal, capped, flooded = 0, 1, 2
	for _, engine := range []string{"sqlite", "postgres"} {
		var stores [3]carpool.Store
		var day time.Time
		var perWindow [3]float64 // the one member's rides in a searched window, on average
		for i, name := range []string{"normal", "capped", "flooded"} {
			store, db, err := openStore(ctx, engine, dir, pg, "searchcap"+name)
			if err != nil {
				return err
			}
			defer store.Close()
			fx, err := seed(ctx, store, 1, 1)
			if err != nil {
				return err
			}
			day = fx.Day
			if err := addRides(ctx, db, fx.Rides[0], pool-1); err != nil {
				return fmt.Errorf("%s: add rides: %w", engine, err)
			}
			var member string
			switch i {
			case capped:
				member, err = fillCaps(ctx, store, db, day, limits)
			case flooded:
				member, err = addFlood(ctx, store, db, day, flood)
			}
			if err != nil {
				return fmt.Errorf("%s, %s pool: %w", engine, name, err)
			}
			if member != "" {
				if perWindow[i], err = ridesPerWindow(ctx, store, member, day); err != nil {
					return err
				}
			}
			db.ExecContext(ctx, "ANALYZE")
			stores[i] = store
		}
		var lat [3][]time.Duration
		var found [3]int
		rounds := pick(1000, 20)
		for round := range rounds {
			for i, s := range stores {
				d, n := searchCapOnce(ctx, s, day, round)
				lat[i] = append(lat[i], d)
				found[i] += n
			}
		}
		for i := range lat {
			slices.Sort(lat[i])
		}
		p50 := func(i int) float64 { return ms(lat[i][len(lat[i])/2]) }
		p99 := func(i int) float64 { return ms(lat[i][len(lat[i])*99/100]) }
		label := fmt.Sprintf("search %s at the ride caps, %dk rides + %d of one member", engine, pool/1000, limits.MaxScheduledRides)
		r.add(Figure{Name: label + ", p50", Value: p50(capped), Unit: "ms", Anchor: "p50 without them", Of: p50(normal)})
		f := Figure{Name: label + ", p99", Value: p99(capped), Unit: "ms", Anchor: "p99 without them", Of: p99(normal)}
		if smoke {
			f.Name += " (smoke)"
		} else {
			f.Target, f.Met = "≤ 2", met(p99(capped) <= 2*p99(normal))
		}
		r.add(f)
		label = fmt.Sprintf("search %s without caps, %dk rides + %d of one member", engine, pool/1000, flood)
		r.add(Figure{Name: label + ", p50", Value: p50(flooded), Unit: "ms", Anchor: "p50 without them", Of: p50(normal)})
		uncapped := Figure{Name: label + ", p99", Value: p99(flooded), Unit: "ms", Anchor: "p99 without them", Of: p99(normal)}
		if smoke {
			uncapped.Name += " (smoke)"
		}
		r.add(uncapped)
		r.note("%s: a searched window holds %.1f of the capped member's rides (%.1f of the uncapped one's); the searches found %.1f rides each on average at the caps, %.1f without the member, %.1f without caps",
			engine, perWindow[capped], perWindow[flooded], avg(found[capped], rounds), avg(found[normal], rounds), avg(found[flooded], rounds))
	}
	r.note("%d searches per pool, the three pools in turn, through the store in process: 5 km radius, 11:00–14:00 on one of %d days, 20 results; "+
		"the capped member offers %d rides by hand and drives %d commutes whose days fill %d open rides in all (the default caps, reached through the use cases); "+
		"the uncapped one has a ride on the searched route every four minutes for four weeks",
		pick(1000, 20), capSearchDays, limits.MaxOpenRides, limits.MaxCommutes, limits.MaxScheduledRides)
	return nil
}

func avg(total, n int) float64 { return float64(total) / float64(n) }

// newDriver creates a member with a private car of their own.
func newDriver(ctx context.Context, s carpool.Store, name string) (carpool.Member, carpool.Car, error) {
	now := carpool.Timestamp(time.Now())
	m := carpool.Member{ID: carpool.NewID(), Email: fmt.Sprintf("%s-%d@example.com", name, now.UnixNano()), Name: name, Role: carpool.RoleMember,
		PasswordHash: "unused", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateMember(ctx, m); err != nil {
		return m, carpool.Car{}, err
	}
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: fmt.Sprintf("%s-%d", name, now.UnixNano()%1e9), Make: "VW", Model: "ID.4",
		Seats: 8, OwnerID: m.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateCar(ctx, car); err != nil {
		return m, car, err
	}
	return m, car, nil
}

// The searched route, from Berlin to Potsdam.
var (
	capFrom = carpool.Place{Label: "Berlin HQ", Lat: 52.52, Lon: 13.40}
	capTo   = carpool.Place{Label: "Potsdam", Lat: 52.39, Lon: 13.06}
)

// addFlood gives a new member n open rides on the searched route, one every four
// minutes from the fixture's day on, as the caps would never let them: one through the
// use case, the rest copied in SQL. It returns the member's id.
func addFlood(ctx context.Context, s carpool.Store, db *sql.DB, day time.Time, n int) (string, error) {
	m, car, err := newDriver(ctx, s, "flood")
	if err != nil {
		return "", err
	}
	first, err := app.New(s, app.Options{}).OfferRide(ctx, m, carpool.RideInput{CarID: car.ID, From: capFrom, To: capTo, DepartAt: day,
		Seats: 3, BookingMode: carpool.BookingInstant})
	if err != nil {
		return "", fmt.Errorf("offer the flood's first ride: %w", err)
	}
	from, to := carpool.Point{Lat: capFrom.Lat, Lon: capFrom.Lon}, carpool.Point{Lat: capTo.Lat, Lon: capTo.Lon}
	err = copyRide(ctx, db, first.ID, n-1, func(i int) (carpool.Point, carpool.Point, time.Time) {
		return from, to, day.Add(time.Duration(i+1) * 4 * time.Minute)
	})
	if err != nil {
		return "", fmt.Errorf("copy the flood's rides: %w", err)
	}
	return m.ID, nil
}

// fillCaps brings a new member to the caps of limits through the use cases: rides
// offered by hand until the open-ride cap refuses one, commutes until the commute cap
// refuses one, then the commutes' days made until the cap on open rides in all stops
// them. It fails unless every cap refused and the member ends with exactly
// MaxScheduledRides open rides. It returns the member's id.
func fillCaps(ctx context.Context, s carpool.Store, db *sql.DB, day time.Time, limits carpool.Limits) (string, error) {
	m, car, err := newDriver(ctx, s, "capped")
	if err != nil {
		return "", err
	}
	a := app.New(s, app.Options{Limits: &limits})
	from, to := capFrom, capTo

	offered := 0
	for ; ; offered++ {
		if offered > limits.MaxOpenRides {
			return "", fmt.Errorf("%d rides offered by hand and none refused", offered)
		}
		at := day.Add(time.Duration(offered/len(capOfferTimes)%capSearchDays)*24*time.Hour + capOfferTimes[offered%len(capOfferTimes)])
		_, err := a.OfferRide(ctx, m, carpool.RideInput{CarID: car.ID, From: from, To: to, DepartAt: at, Seats: 3, BookingMode: carpool.BookingInstant})
		if carpool.ErrorCode(err) == carpool.ECONFLICT {
			break
		}
		if err != nil {
			return "", fmt.Errorf("offer ride %d: %w", offered+1, err)
		}
	}
	commutes := 0
	for ; ; commutes++ {
		if commutes >= len(capCommuteTimes) {
			return "", fmt.Errorf("%d commutes offered and none refused", commutes)
		}
		_, err := a.OfferSeries(ctx, m, carpool.SeriesInput{CarID: car.ID, From: from, To: to, Weekdays: carpool.AllWeekdays,
			DepartTime: capCommuteTimes[commutes], TimeZone: "UTC", Seats: 3, BookingMode: carpool.BookingInstant,
			StartsOn: carpool.DateOf(day)})
		if carpool.ErrorCode(err) == carpool.ECONFLICT {
			break
		}
		if err != nil {
			return "", fmt.Errorf("offer commute %d: %w", commutes+1, err)
		}
	}
	if _, err := a.MaterialiseSeries(ctx, carpool.DefaultSeriesHorizon); err != nil {
		return "", fmt.Errorf("make the commutes' days: %w", err)
	}
	var open int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM rides WHERE driver_id = $1 AND status = 'open'", m.ID).Scan(&open); err != nil {
		return "", err
	}
	if offered != limits.MaxOpenRides || commutes != limits.MaxCommutes || open != limits.MaxScheduledRides {
		return "", fmt.Errorf("got %d rides offered, %d commutes and %d open rides; want the caps %d, %d and %d",
			offered, commutes, open, limits.MaxOpenRides, limits.MaxCommutes, limits.MaxScheduledRides)
	}
	return m.ID, nil
}

// searchCapOnce searches the capped member's route from 11:00 to 14:00 on one of the
// searched days, and returns how long it took and how many rides it found.
func searchCapOnce(ctx context.Context, s carpool.Store, day time.Time, i int) (time.Duration, int) {
	from, to := carpool.Point{Lat: 52.52, Lon: 13.40}, carpool.Point{Lat: 52.39, Lon: 13.06}
	after := day.Add(time.Duration(i%capSearchDays)*24*time.Hour + 11*time.Hour)
	q, err := carpool.RideQuery{From: &from, To: &to, RadiusKM: 5, DepartAfter: after, DepartBefore: after.Add(3 * time.Hour), Seats: 1}.Normalize(time.Now())
	if err != nil {
		panic(err)
	}
	t0 := time.Now()
	found, err := s.SearchRides(ctx, q, 0, 20)
	if err != nil {
		panic(err)
	}
	return time.Since(t0), len(found)
}

// ridesPerWindow counts the open rides of driverID inside the searched windows and
// returns how many one window holds on average.
func ridesPerWindow(ctx context.Context, s carpool.Store, driverID string, day time.Time) (float64, error) {
	total := 0
	for d := range capSearchDays {
		after := day.Add(time.Duration(d)*24*time.Hour + 11*time.Hour)
		rides, _, err := s.Rides(ctx, carpool.RideFilter{DriverID: driverID, DepartAfter: after, DepartBefore: after.Add(3 * time.Hour)}, carpool.Page{Limit: 100})
		if err != nil {
			return 0, fmt.Errorf("count the capped member's rides: %w", err)
		}
		total += len(rides)
	}
	return float64(total) / capSearchDays, nil
}
