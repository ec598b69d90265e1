package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"carpool/bench/internal/benchdb"
	"carpool/internal/carpool"
)

// The fleet: sizes of a company with 20 sites in southern Germany (-small: a fleet of
// 20 cars, for bench/run --smoke, which only proves the bench runs).
var (
	nSites       = 20
	nPoolCars    = 500
	nMembers     = 3000
	nPrivateCars = 400 // owned by the first nPrivateCars members, who drive commutes
	nRides       = 100_000
)

func useSmallFleet() {
	nSites, nPoolCars, nMembers, nPrivateCars, nRides = 4, 20, 200, 20, 2_000
}

// fixture is what the fill made that the cases need.
type fixture struct {
	data          Data
	manager       carpool.Member
	busyDriver    string
	busyPassenger string
	// headquarters has the most pool cars, branch the fewest (sites differ in size)
	headquarters, branch string
}

type gen struct {
	rng      *rand.Rand
	sites    []carpool.Site
	pool     []carpool.Car
	private  []carpool.Car
	members  []string
	from, to time.Time // what is generated: a week more on each side of the year
}

// fill writes the year. Sites and cars go through the store (a few hundred); members,
// reservations, rides and bookings are written as rows, many per transaction: going
// through the use cases would time the fill, not the reports. Rows keep every rule the
// schema enforces (no overlapping active reservations of a car, seats_taken equal to
// the confirmed seats).
func fill(ctx context.Context, e *benchdb.Engine) (*fixture, error) {
	g := &gen{rng: rand.New(rand.NewPCG(7, 2026)), from: yearFrom.AddDate(0, 0, -7), to: yearTo.AddDate(0, 0, 7)}
	f := &fixture{}
	now := carpool.Timestamp(g.from.AddDate(0, -1, 0))

	// members: one fleet manager and everyone else
	err := batch(ctx, e.DB, nMembers, `INSERT INTO members (id, email, name, role, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, func(i int) []any {
		id := carpool.NewID()
		g.members = append(g.members, id)
		role := carpool.RoleMember
		if i == 0 {
			role = carpool.RoleFleetManager
			f.manager = carpool.Member{ID: id, Email: "fleet@example.com", Name: "Fleet Manager", Role: role}
		}
		return []any{id, fmt.Sprintf("m%d@example.com", i), fmt.Sprintf("Member %d", i), string(role), "x", now, now}
	})
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	for i := 0; i < nSites; i++ {
		s := carpool.Site{ID: carpool.NewID(), Name: fmt.Sprintf("Site %02d", i+1), Address: fmt.Sprintf("Werkstraße %d", i+1),
			Lat: 47.6 + g.rng.Float64()*1.6, Lon: 9.5 + g.rng.Float64()*3.5, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := e.Store.CreateSite(ctx, s); err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		g.sites = append(g.sites, s)
	}
	// Sites differ in size: headquarters have many cars, branches a few.
	weights := make([]float64, nSites)
	total := 0.0
	for i := range weights {
		weights[i] = 1 / float64(i+2)
		total += weights[i]
	}
	models := [][2]string{{"VW", "Golf"}, {"VW", "ID.3"}, {"Skoda", "Octavia"}, {"BMW", "i3"}, {"Opel", "Corsa"}, {"Tesla", "Model 3"}}
	for i := 0; i < nPoolCars; i++ {
		x, site := g.rng.Float64()*total, 0
		for x > weights[site] && site < nSites-1 {
			x -= weights[site]
			site++
		}
		status := carpool.CarActive
		switch r := g.rng.IntN(100); {
		case r < 3:
			status = carpool.CarRetired
		case r < 5:
			status = carpool.CarMaintenance
		}
		m := models[g.rng.IntN(len(models))]
		c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, Plate: fmt.Sprintf("P %04d", i), Make: m[0], Model: m[1],
			Seats: 4 + g.rng.IntN(2), SiteID: g.sites[site].ID, Status: status, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := e.Store.CreateCar(ctx, c); err != nil {
			return nil, fmt.Errorf("pool car: %w", err)
		}
		g.pool = append(g.pool, c)
	}
	f.headquarters, f.branch = g.sites[0].ID, g.sites[nSites-1].ID
	for i := 0; i < nPrivateCars; i++ {
		m := models[g.rng.IntN(len(models))]
		c := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: fmt.Sprintf("M %04d", i), Make: m[0], Model: m[1],
			Seats: 5, OwnerID: g.members[i], Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := e.Store.CreateCar(ctx, c); err != nil {
			return nil, fmt.Errorf("private car: %w", err)
		}
		g.private = append(g.private, c)
	}
	f.data.Sites, f.data.PoolCars, f.data.PrivateCars, f.data.Members = nSites, nPoolCars, nPrivateCars, nMembers
	f.busyDriver = g.members[0+1]

	res := g.reservations()
	f.data.Reservations = len(res)
	for _, r := range res {
		for _, d := range dstChange {
			if r.Start.Before(d) && r.End.After(d) {
				f.data.ReservationsOnDST++
			}
		}
	}
	err = batch(ctx, e.DB, len(res), `INSERT INTO reservations (id, car_id, member_id, kind, starts_at, ends_at, status, cancelled_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, func(i int) []any {
		r := res[i]
		var by any
		if r.CancelledBy != "" {
			by = r.CancelledBy
		}
		return []any{r.ID, r.CarID, r.MemberID, string(r.Kind), ts(r.Start), ts(r.End), string(r.Status), by, ts(r.CreatedAt), ts(r.UpdatedAt)}
	})
	if err != nil {
		return nil, fmt.Errorf("reservations: %w", err)
	}

	rides, bookings := g.rides(res)
	f.data.Rides, f.data.Bookings = len(rides), len(bookings)
	err = batch(ctx, e.DB, len(rides), `INSERT INTO rides (id, driver_id, car_id, reservation_id, from_label, from_lat, from_lon,
		to_label, to_lat, to_lon, depart_at, seats, seats_taken, booking_mode, notes, status, version, created_at, updated_at, road_km)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`, func(i int) []any {
		r := rides[i]
		var resID any
		if r.res != "" {
			resID = r.res
		}
		return []any{r.id, r.driver, r.car, resID, "From", r.a.Lat, r.a.Lon, "To", r.b.Lat, r.b.Lon, ts(r.depart), r.seats, r.taken,
			"instant", "", r.status, 1, ts(r.depart.AddDate(0, 0, -3)), ts(r.depart.AddDate(0, 0, -3)), carpool.RoadKM(r.a, r.b)}
	})
	if err != nil {
		return nil, fmt.Errorf("rides: %w", err)
	}
	err = batch(ctx, e.DB, len(bookings), `INSERT INTO bookings (id, ride_id, driver_id, passenger_id, seats, status, cancelled_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, func(i int) []any {
		b := bookings[i]
		var by any
		if b.status == "cancelled" {
			by = b.passenger
		}
		return []any{carpool.NewID(), b.ride, b.driver, b.passenger, b.seats, b.status, by, ts(b.at), ts(b.at)}
	})
	if err != nil {
		return nil, fmt.Errorf("bookings: %w", err)
	}
	f.busyPassenger = g.busiestPassenger(bookings)
	f.busyDriver = g.busiestDriver(rides)
	// Fresh statistics and (PostgreSQL) a visibility map, as autovacuum or the periodic
	// ANALYZE (SQLite) would have them on a running system.
	analyze := "ANALYZE"
	if e.Name == "postgres" {
		analyze = "VACUUM ANALYZE"
	}
	if _, err := e.DB.ExecContext(ctx, analyze); err != nil {
		return nil, err
	}
	return f, nil
}

func ts(t time.Time) time.Time { return carpool.Timestamp(t) }

// batch inserts n rows with one prepared statement, 2,000 to a transaction.
func batch(ctx context.Context, db *sql.DB, n int, query string, row func(int) []any) error {
	const per = 2000
	for done := 0; done < n; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, query)
		if err != nil {
			_ = tx.Rollback()
			return err
		}
		for i := 0; i < per && done < n; i++ {
			if _, err := stmt.ExecContext(ctx, row(done)...); err != nil {
				_ = tx.Rollback()
				return err
			}
			done++
		}
		_ = stmt.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// localAt is day's date at h:m local time.
func localAt(day time.Time, h, m int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
}

// reservations walks each pool car through the weeks: on each working day a busy car
// gets a trip now and then (an hour to a full day, some over several days), a
// maintenance block about every two months, and on the weekends of the
// daylight-saving changes some cars are out from Friday afternoon to Monday morning.
// About one in twelve is cancelled.
func (g *gen) reservations() []carpool.Reservation {
	var out []carpool.Reservation
	for ci, car := range g.pool {
		if car.Status == carpool.CarRetired && g.rng.IntN(2) == 0 {
			continue // retired before the year began
		}
		busy := 0.35 + g.rng.Float64()*0.6 // chance of a trip on a working day
		cursor := g.from
		nextService := g.from.AddDate(0, 0, g.rng.IntN(60))
		add := func(kind carpool.ReservationKind, start, end time.Time) {
			r := carpool.Reservation{ID: carpool.NewID(), CarID: car.ID, MemberID: g.members[1+g.rng.IntN(len(g.members)-1)], Kind: kind,
				Start: start, End: end, Status: carpool.ReservationActive, CreatedAt: start.AddDate(0, 0, -2), UpdatedAt: start.AddDate(0, 0, -2)}
			if kind == carpool.ReservationTrip && g.rng.IntN(12) == 0 {
				r.Status, r.CancelledBy, r.UpdatedAt = carpool.ReservationCancelled, r.MemberID, start.AddDate(0, 0, -1)
			}
			out = append(out, r)
			cursor = end
		}
		for day := g.from; day.Before(g.to); day = day.AddDate(0, 0, 1) {
			if cursor.After(localAt(day, 7, 0)) {
				continue
			}
			if !day.Before(nextService) && day.Weekday() >= time.Monday && day.Weekday() <= time.Thursday {
				add(carpool.ReservationMaintenance, localAt(day, 7, 0), localAt(day.AddDate(0, 0, 1+g.rng.IntN(2)), 17, 0))
				nextService = day.AddDate(0, 0, 50+g.rng.IntN(25))
				continue
			}
			if day.Weekday() == time.Friday && ci%4 == 0 {
				for _, d := range dstChange {
					if d.Sub(day) > 0 && d.Sub(day) < 3*24*time.Hour {
						add(carpool.ReservationTrip, localAt(day, 16, 0), localAt(day.AddDate(0, 0, 3), 9, 0))
					}
				}
				if cursor.After(localAt(day, 7, 0)) {
					continue
				}
			}
			if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				if g.rng.IntN(10) == 0 {
					start := localAt(day, 9+g.rng.IntN(4), 0)
					add(carpool.ReservationTrip, start, start.Add(time.Duration(3+g.rng.IntN(8))*time.Hour))
				}
				continue
			}
			// Up to two trips on a working day, the second after the first.
			for trip := 0; trip < 2 && g.rng.Float64() < busy; trip++ {
				earliest := max(7*60, minutesOfDay(cursor, day))
				if earliest > 15*60 {
					break
				}
				startMin := earliest + 15*g.rng.IntN(1+(15*60-earliest)/15)
				start := localAt(day, startMin/60, startMin%60)
				var end time.Time
				switch r := g.rng.IntN(100); {
				case r < 60: // a meeting across town: 1 to 4 hours
					end = start.Add(time.Duration(60+15*g.rng.IntN(13)) * time.Minute)
				case r < 88: // a day at a customer
					end = localAt(day, 17+g.rng.IntN(3), 0)
					if !end.After(start) {
						end = start.Add(2 * time.Hour)
					}
				default: // a trip of two to four days
					end = localAt(day.AddDate(0, 0, 1+g.rng.IntN(3)), 12+g.rng.IntN(6), 0)
				}
				add(carpool.ReservationTrip, start, end)
				if !sameDay(end, day) {
					break
				}
			}
		}
	}
	return out
}

func minutesOfDay(t, day time.Time) int {
	if !sameDay(t, day) {
		return 0
	}
	l := t.In(loc)
	return l.Hour()*60 + l.Minute() + 30 // half an hour to clean and charge
}

func sameDay(t, day time.Time) bool {
	a, b := t.In(loc), day.In(loc)
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

type ride struct {
	id, driver, car, res string
	a, b                 carpool.Point
	depart               time.Time
	seats, taken         int
	status               string
}

type booking struct {
	ride, driver, passenger string
	seats                   int
	status                  string
	at                      time.Time
}

// rides: a quarter of the active trips of pool cars is offered as a ride from the site
// at the start of the reservation; the rest of the 100,000 are commutes in private cars
// on working days (mornings and evenings). One ride in twenty is cancelled. Most open
// rides carry one to three passengers; some bookings were cancelled on the way.
func (g *gen) rides(res []carpool.Reservation) ([]ride, []booking) {
	var rides []ride
	siteOf := map[string]carpool.Site{}
	for _, c := range g.pool {
		for _, s := range g.sites {
			if s.ID == c.SiteID {
				siteOf[c.ID] = s
			}
		}
	}
	near := func(lat, lon, deg float64) carpool.Point {
		return carpool.Point{Lat: lat + (g.rng.Float64()-0.5)*deg, Lon: lon + (g.rng.Float64()-0.5)*deg*1.5}
	}
	for _, r := range res {
		if r.Kind != carpool.ReservationTrip || r.Status != carpool.ReservationActive || g.rng.IntN(4) != 0 {
			continue
		}
		s := siteOf[r.CarID]
		rides = append(rides, ride{id: carpool.NewID(), driver: r.MemberID, car: r.CarID, res: r.ID,
			a: near(s.Lat, s.Lon, 0.01), b: near(s.Lat, s.Lon, 0.8), depart: r.Start.Add(15 * time.Minute), seats: 3})
	}
	days := int(g.to.Sub(g.from).Hours()/24) + 1
	for len(rides) < nRides {
		day := g.from.AddDate(0, 0, g.rng.IntN(days))
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			continue
		}
		ci := g.rng.IntN(len(g.private))
		c := g.private[ci]
		s := g.sites[ci%nSites]
		home := near(s.Lat, s.Lon, 0.5)
		work := near(s.Lat, s.Lon, 0.01)
		depart := localAt(day, 6+g.rng.IntN(3), g.rng.IntN(60))
		if g.rng.IntN(2) == 0 {
			home, work = work, home
			depart = localAt(day, 16+g.rng.IntN(3), g.rng.IntN(60))
		}
		rides = append(rides, ride{id: carpool.NewID(), driver: c.OwnerID, car: c.ID, a: home, b: work, depart: depart, seats: 1 + g.rng.IntN(4)})
	}
	var bookings []booking
	for i := range rides {
		r := &rides[i]
		r.status = "open"
		if g.rng.IntN(20) == 0 {
			r.status = "cancelled"
		}
		want := []int{0, 0, 0, 1, 1, 1, 1, 2, 2, 3}[g.rng.IntN(10)]
		used := map[string]bool{r.driver: true}
		for k := 0; k < want+1; k++ {
			p := g.members[1+g.rng.IntN(len(g.members)-1)]
			if used[p] {
				continue
			}
			used[p] = true
			b := booking{ride: r.id, driver: r.driver, passenger: p, seats: 1, at: r.depart.AddDate(0, 0, -1)}
			switch {
			case k == want: // the extra one changed their mind
				if g.rng.IntN(3) != 0 {
					continue
				}
				b.status = "cancelled"
			case r.taken+1 > r.seats || r.status == "cancelled":
				b.status = "cancelled"
			default:
				b.status = "confirmed"
				r.taken++
			}
			bookings = append(bookings, b)
		}
	}
	return rides, bookings
}

func (g *gen) busiestPassenger(bs []booking) string {
	n := map[string]int{}
	best := ""
	for _, b := range bs {
		if b.status == "confirmed" {
			n[b.passenger]++
			if n[b.passenger] > n[best] {
				best = b.passenger
			}
		}
	}
	return best
}

func (g *gen) busiestDriver(rs []ride) string {
	n := map[string]int{}
	best := ""
	for _, r := range rs {
		n[r.driver]++
		if n[r.driver] > n[best] {
			best = r.driver
		}
	}
	return best
}
