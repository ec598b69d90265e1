package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// The realistic mix: a company site and its commuters' homes spread over a disc around
// it, each commuter driving in every working morning and home every evening (two ride
// series, made days ahead by the application as in production), plus rides offered by
// hand, about a fifth of the pool, between homes and the site or from home to home.
var (
	mixSite = carpool.Place{Label: "Berlin HQ", Lat: 52.517, Lon: 13.3889}
	// mixHomeKM is the radius of the disc the homes lie in.
	mixHomeKM = 25.0
)

// mixSinglesShare is the share of the pool offered by hand; the rest comes from commutes.
const mixSinglesShare = 0.2

// runSearchMix times the ride search over the realistic mix at 10k and 100k open rides on
// both engines in process (through the store, as runSearch), and over 10k through the
// real server by HTTP, as server CPU per request beside /livez (as runHTTP measures
// capacity). The searches are a commuter's: from near a home to the site, 5 km radius,
// a 3 h morning window on a working day, 20 results.
func runSearchMix(r *Result, bin string, dur time.Duration) error {
	ctx := context.Background()
	dir, pg, done, err := scratch("searchmix")
	if err != nil {
		return err
	}
	defer done()
	sizes := pick([]int{10_000, 100_000}, []int{500, 1_000})
	targets := map[string]float64{"sqlite": 15, "postgres": 5}
	var httpDB, httpToken string
	var queries []mixQuery
	for _, engine := range []string{"sqlite", "postgres"} {
		var stores []carpool.Store
		for i, n := range sizes {
			name := fmt.Sprintf("mix%d", n)
			store, db, err := openStore(ctx, engine, dir, pg, name)
			if err != nil {
				return err
			}
			defer store.Close()
			t0 := time.Now()
			m, err := seedMix(ctx, store, db, n)
			if err != nil {
				return fmt.Errorf("%s, %d rides: %w", engine, n, err)
			}
			db.ExecContext(ctx, "ANALYZE")
			r.note("%s %s: %d open rides, %d of them from %d commutes of %d drivers, seeded in %s",
				engine, sizeLabel(n), m.open, m.fromCommutes, m.series, m.drivers, time.Since(t0).Round(time.Second))
			queries = m.queries
			if engine == "sqlite" && i == 0 {
				httpDB, httpToken = filepath.Join(dir, name+".db"), m.token
			}
			stores = append(stores, store)
		}
		lat := make([][]time.Duration, len(sizes))
		found := make([]int, len(sizes))
		rounds := pick(1000, 20)
		for round := range rounds {
			for i, s := range stores {
				d, n, err := searchMixOnce(ctx, s, queries[round%len(queries)])
				if err != nil {
					return fmt.Errorf("%s: %w", engine, err)
				}
				lat[i] = append(lat[i], d)
				found[i] += n
			}
		}
		for i, n := range sizes {
			slices.Sort(lat[i])
			p50, p99 := ms(lat[i][len(lat[i])/2]), ms(lat[i][len(lat[i])*99/100])
			label := fmt.Sprintf("search mix %s, %s open rides", engine, sizeLabel(n))
			r.add(Figure{Name: label + ", p50", Value: p50, Unit: "ms"})
			f := Figure{Name: label + ", p99", Value: p99, Unit: "ms"}
			if smoke {
				f.Name += " (smoke)"
			} else if i == len(sizes)-1 {
				f.Target, f.Met = fmt.Sprintf("≤ %g ms", targets[engine]), met(p99 <= targets[engine])
			}
			r.add(f)
			r.note("%s %s: %.1f results per search on average", engine, sizeLabel(n), avg(found[i], rounds))
		}
		if profileDir != "" {
			if err := profileSearches(ctx, stores[len(stores)-1], queries, filepath.Join(profileDir, "searchmix-"+engine+".pprof")); err != nil {
				return err
			}
		}
	}
	r.note("%d searches per size, the sizes in turn, through the store in process: from one of %d homes to the site, 5 km radius, 3 h on a working morning, 20 results",
		pick(1000, 20), len(queries))
	return searchMixHTTP(r, bin, dur, httpDB, httpToken, sizeLabel(sizes[0]), queries[0])
}

// sizeLabel is n rides as the figures name them: 10k, 100k (smoke sizes in full).
func sizeLabel(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// mixQuery is one commuter's search.
type mixQuery struct {
	from  carpool.Point
	after time.Time
}

func (q mixQuery) query() carpool.RideQuery {
	to := mixSite.Point()
	return carpool.RideQuery{From: &q.from, To: &to, RadiusKM: 5, DepartAfter: q.after, DepartBefore: q.after.Add(3 * time.Hour), Seats: 1}
}

func searchMixOnce(ctx context.Context, s carpool.Store, mq mixQuery) (time.Duration, int, error) {
	q, err := mq.query().Normalize(time.Now())
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	found, err := s.SearchRides(ctx, q, 0, 20)
	if err != nil {
		return 0, 0, err
	}
	return time.Since(t0), len(found), nil
}

// profileSearches writes a CPU profile of the process while it runs the searches again,
// outside the timed rounds.
func profileSearches(ctx context.Context, s carpool.Store, queries []mixQuery, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	for i := range pick(2000, 20) {
		if _, _, err := searchMixOnce(ctx, s, queries[i%len(queries)]); err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, "  profile:", path)
	return nil
}

// mix is what seedMix made.
type mix struct {
	drivers, series, fromCommutes, open int
	token                               string // a searching member's
	queries                             []mixQuery
}

// seedMix fills an empty store with about n open rides of the realistic mix. The
// commutes are offered through the application's use case (app.OfferSeries, within the
// default fair-use caps) and their days over the default horizon are made by the domain
// as app.MaterialiseSeries makes them (carpool.Series.Due, then MakeDay for each day:
// the same ride and occurrence rows), written by the store's own inserts, many to a
// transaction: MaterialiseSeries itself, one transaction per series, slowed to a few
// dozen rides a second past 30k rides on the shared machine, too slow to seed 100k. The
// rides offered by hand are made by carpool.NewRide and written the same way.
// Everything is deterministic but the clock.
func seedMix(ctx context.Context, s carpool.Store, db *sql.DB, n int) (mix, error) {
	var m mix
	rnd := rand.New(rand.NewPCG(7, uint64(n)))
	a := app.New(s, app.Options{})
	now := time.Now()
	today := carpool.DateOf(now.UTC())
	// a working day has two rides per commuter; the horizon holds about 20 of them
	m.drivers = max(1, int(float64(n)*(1-mixSinglesShare)/40))
	drivers := make([]commuter, m.drivers)
	var series []carpool.Series
	cars := map[string]carpool.Car{} // by series id
	for i := range drivers {
		d, commutes, err := newCommuter(ctx, a, s, rnd, fmt.Sprintf("mix%d", i))
		if err != nil {
			return m, fmt.Errorf("driver %d: %w", i, err)
		}
		drivers[i] = d
		for _, sr := range commutes {
			series = append(series, sr)
			cars[sr.ID] = d.car
			m.series++
		}
	}
	for len(series) > 0 {
		batch := series[:min(50, len(series))]
		series = series[len(batch):]
		err := s.InTx(ctx, func(tx carpool.Tx) error {
			for _, sr := range batch {
				for _, d := range sr.Due(tx.Now(), carpool.DefaultSeriesHorizon) {
					day, err := sr.MakeDay(d, cars[sr.ID], nil, nil, tx.Now())
					if err != nil {
						return fmt.Errorf("make day %s: %w", d, err)
					}
					if day.Conflict() {
						return fmt.Errorf("day %s: conflict", d)
					}
					if err := tx.InsertRide(ctx, day.NewRide); err != nil {
						return err
					}
					if err := tx.InsertOccurrence(ctx, day.Occurrence); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return m, fmt.Errorf("make the commutes' days: %w", err)
		}
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM rides WHERE status = 'open'").Scan(&m.fromCommutes); err != nil {
		return m, err
	}
	// the rides offered by hand, up to n, spread over the drivers (below their caps)
	singles := max(0, n-m.fromCommutes)
	horizon := int(carpool.DefaultSeriesHorizon / time.Minute)
	for done := 0; done < singles; {
		batch := min(2000, singles-done)
		err := s.InTx(ctx, func(tx carpool.Tx) error {
			for i := range batch {
				d := drivers[(done+i)%len(drivers)]
				from, to := d.home, mixSite
				switch rnd.IntN(4) {
				case 0:
					from, to = mixSite, d.home
				case 1:
					to = mixPlace(rnd, "elsewhere")
				}
				at := now.Add(time.Hour + time.Duration(rnd.IntN(horizon))*time.Minute)
				ride, err := carpool.NewRide(carpool.RideInput{CarID: d.car.ID, From: from, To: to, DepartAt: at, Seats: 3,
					BookingMode: carpool.BookingInstant}, d.member, d.car, nil, carpool.Timestamp(now))
				if err != nil {
					return fmt.Errorf("ride by hand: %w", err)
				}
				if err := tx.InsertRide(ctx, ride); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return m, err
		}
		done += batch
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM rides WHERE status = 'open'").Scan(&m.open); err != nil {
		return m, err
	}
	_, tok, err := memberToken(ctx, s, "searcher")
	if err != nil {
		return m, err
	}
	m.token = tok
	// the searches: from near one of the homes, a morning on one of the working days ahead
	for i := range 64 {
		d := today.AddDays(1 + i%20)
		for !carpool.WorkWeek.Has(d.Weekday()) {
			d = d.AddDays(1)
		}
		home := drivers[(i*7919)%len(drivers)].home
		from := carpool.Point{Lat: home.Lat + 0.01, Lon: home.Lon - 0.01}
		m.queries = append(m.queries, mixQuery{from: from, after: time.Date(d.Year, d.Month, d.Day, 6, 30, 0, 0, time.UTC)})
	}
	return m, nil
}

// commuter is a driver of the mix: their car and where they live.
type commuter struct {
	member carpool.Member
	car    carpool.Car
	home   carpool.Place
}

// newCommuter creates a driver living somewhere in the disc around the site and offers
// their two commutes through the use case: in every working morning (06:30–09:00), home
// every evening (16:00–18:30), from today, none of their days made yet.
func newCommuter(ctx context.Context, a *app.App, s carpool.Store, rnd *rand.Rand, name string) (commuter, []carpool.Series, error) {
	mem, car, err := newDriver(ctx, s, name)
	if err != nil {
		return commuter{}, nil, err
	}
	c := commuter{mem, car, mixPlace(rnd, "home")}
	in := time.Duration(6*60+30+15*rnd.IntN(11)) * time.Minute // 06:30–09:00
	out := time.Duration(16*60+15*rnd.IntN(11)) * time.Minute  // 16:00–18:30
	var commutes []carpool.Series
	for _, leg := range []struct {
		from, to carpool.Place
		at       time.Duration
	}{{c.home, mixSite, in}, {mixSite, c.home, out}} {
		sr, err := a.OfferSeries(ctx, mem, carpool.SeriesInput{CarID: car.ID, From: leg.from, To: leg.to, Weekdays: carpool.WorkWeek,
			DepartTime: carpool.Clock{Hour: int(leg.at / time.Hour), Minute: int(leg.at % time.Hour / time.Minute)}, TimeZone: "UTC",
			Seats: 3, BookingMode: carpool.BookingInstant, StartsOn: carpool.DateOf(time.Now().UTC())})
		if err != nil {
			return c, nil, fmt.Errorf("commute of %s: %w", name, err)
		}
		commutes = append(commutes, sr)
	}
	return c, commutes, nil
}

// mixPlace is a point spread evenly over the disc around the site.
func mixPlace(rnd *rand.Rand, label string) carpool.Place {
	r := mixHomeKM * math.Sqrt(rnd.Float64())
	a := 2 * math.Pi * rnd.Float64()
	dLat := r * math.Cos(a) / 111.2
	dLon := r * math.Sin(a) / (111.2 * math.Cos(mixSite.Lat*math.Pi/180))
	return carpool.Place{Label: label, Lat: mixSite.Lat + dLat, Lon: mixSite.Lon + dLon}
}

// memberToken creates a member and an API token of theirs.
func memberToken(ctx context.Context, s carpool.Store, name string) (carpool.Member, string, error) {
	now := carpool.Timestamp(time.Now())
	m := carpool.Member{ID: carpool.NewID(), Email: fmt.Sprintf("%s-%d@example.com", name, now.UnixNano()), Name: name, Role: carpool.RoleMember,
		PasswordHash: "unused", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateMember(ctx, m); err != nil {
		return m, "", err
	}
	t, secret, err := carpool.NewToken(m.ID, now)
	if err != nil {
		return m, "", err
	}
	if err := s.CreateToken(ctx, t); err != nil {
		return m, "", err
	}
	return m, secret, nil
}
