package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
	"carpool/internal/storetest"
)

// TestSeriesPassesOfThreeReplicas runs the materialisation pass of three replicas (three
// connection pools on one database, as three pods have) several times over at once, and
// checks that every day of every series became exactly one ride with one booking of its
// subscriber.
func TestSeriesPassesOfThreeReplicas(t *testing.T) {
	url := postgrestest.MigratedDatabase(t)
	replicas := []*postgres.DB{mustOpenEmpty(t, url), mustOpenEmpty(t, url), mustOpenEmpty(t, url)}
	ctx := context.Background()
	db := replicas[0]
	now := carpool.Timestamp(time.Now())
	member := func(name string) carpool.Member {
		m := carpool.Member{ID: carpool.NewID(), Email: name + "@example.com", Name: name, Role: carpool.RoleMember,
			PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateMember(ctx, m); err != nil {
			t.Fatalf("create member: %v", err)
		}
		return m
	}
	driver, rider := member("driver"), member("rider")
	tomorrow := carpool.DateOf(time.Now().UTC()).AddDays(1)
	const series = 5
	for i := range series {
		car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: fmt.Sprintf("R %d", i), Make: "VW", Model: "Golf",
			Seats: 5, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateCar(ctx, car); err != nil {
			t.Fatalf("create car: %v", err)
		}
		sr, err := storetest.NewFlows(db).CreateSeries(ctx, carpool.SeriesInput{
			CarID: car.ID, From: carpool.Place{Label: "A", Lat: 1, Lon: 1}, To: carpool.Place{Label: "B", Lat: 2, Lon: 2},
			Weekdays: carpool.AllWeekdays, DepartTime: carpool.Clock{Hour: 7, Minute: 30}, TimeZone: "Europe/Berlin",
			Seats: 2, StartsOn: tomorrow, EndsOn: tomorrow.AddDays(20),
		}, driver)
		if err != nil {
			t.Fatalf("create series: %v", err)
		}
		if _, _, err := storetest.NewFlows(db).Subscribe(ctx, sr.ID, rider, 0, 1); err != nil {
			t.Fatalf("subscribe: %v", err)
		}
	}

	const rounds = 3
	var mu sync.Mutex
	made := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, len(replicas)*rounds)
	for _, r := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range rounds {
				// No fair-use cap: every one of the 105 days is due, so each must be made once.
				rep, err := storetest.NewFlows(r).WithLimits(carpool.Limits{}).MaterialiseSeries(ctx, carpool.DefaultSeriesHorizon)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, o := range rep.Created {
					made[o.SeriesID+" "+o.On.String()]++
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("pass: %v", err)
	}
	if want := series * 21; len(made) != want {
		t.Fatalf("got %d days made, want %d", len(made), want)
	}
	for day, n := range made {
		if n != 1 {
			t.Fatalf("%s: made %d times, want once", day, n)
		}
	}
	var rides, bookings int
	if err := db.DB().QueryRowContext(ctx, `SELECT count(*) FROM rides WHERE driver_id = $1`, driver.ID).Scan(&rides); err != nil {
		t.Fatal(err)
	}
	if err := db.DB().QueryRowContext(ctx, `SELECT count(*) FROM bookings WHERE passenger_id = $1 AND status = 'confirmed'`, rider.ID).Scan(&bookings); err != nil {
		t.Fatal(err)
	}
	if rides != series*21 || bookings != rides {
		t.Fatalf("got %d rides and %d bookings, want %d of each", rides, bookings, series*21)
	}
}
