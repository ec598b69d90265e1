package app_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
)

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// TestRunSeriesMakesRidesInTheBackground runs the job serve starts and waits, with a
// deadline, for the first pass to make the series' rides; cancelling stops the job.
func TestRunSeriesMakesRidesInTheBackground(t *testing.T) {
	db := openStore(t)
	a := app.New(db, app.Options{})
	ctx := context.Background()
	driver, rider := addMember(t, db, "driver"), addMember(t, db, "rider")
	now := carpool.Timestamp(time.Now())
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B J 1", Make: "VW", Model: "Golf",
		Seats: 5, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateCar(ctx, car); err != nil {
		t.Fatalf("create car: %v", err)
	}
	tomorrow := carpool.DateOf(time.Now().UTC()).AddDays(1)
	sr, err := a.OfferSeries(ctx, driver, carpool.SeriesInput{
		CarID: car.ID, From: carpool.Place{Label: "A", Lat: 52.5, Lon: 13.4}, To: carpool.Place{Label: "B", Lat: 52.4, Lon: 13.0},
		Weekdays: carpool.AllWeekdays, DepartTime: carpool.Clock{Hour: 8}, TimeZone: "Europe/Berlin", Seats: 2,
		StartsOn: tomorrow, EndsOn: tomorrow.AddDays(6),
	})
	if err != nil {
		t.Fatalf("offer series: %v", err)
	}
	if _, _, err := a.Subscribe(ctx, rider, sr.ID, 0, 1); err != nil {
		t.Fatalf("subscribe: %v", err)
	}

	jobCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.RunSeries(jobCtx, carpool.DefaultSeriesHorizon, 20*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	deadline := time.Now().Add(10 * time.Second)
	var week app.Week
	for {
		if week, err = a.Week(ctx, rider, tomorrow); err != nil {
			t.Fatalf("week: %v", err)
		}
		if len(week.Days) == 7 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("RunSeries did not return after its context ended")
	}
	if len(week.Days) != 7 {
		t.Fatalf("got %d days in the rider's week, want 7", len(week.Days))
	}
	for _, d := range week.Days {
		if d.Mine == nil || d.Mine.Status != carpool.BookingConfirmed || d.Driving {
			t.Fatalf("%s: got booking %+v, want the rider confirmed", d.Occurrence.On, d.Mine)
		}
		if local := d.Ride.DepartAt.In(d.Series.Location()).Format("15:04"); local != "08:00" {
			t.Fatalf("%s: leaves %s local, want 08:00", d.Occurrence.On, local)
		}
	}
	c, err := a.Commutes(ctx, rider)
	if err != nil || len(c.Riding) != 1 || c.Riding[0].Driver != "driver" || len(c.Driving) != 0 {
		t.Fatalf("rider's commutes: got %+v, %v; want one ridden with driver", c, err)
	}
}

// txCountingStore counts the transactions run through it.
type txCountingStore struct {
	carpool.Store
	txs atomic.Int64
}

func (s *txCountingStore) InTx(ctx context.Context, fn func(carpool.Tx) error) error {
	s.txs.Add(1)
	return s.Store.InTx(ctx, fn)
}

// TestSeriesPassLocksOnlySeriesWithDaysToMake: the hourly pass runs on every replica
// over every commute, so a commute whose due days are all made costs no transaction;
// one with a day newly due (the clock moved on) gets one, and the day is made.
func TestSeriesPassLocksOnlySeriesWithDaysToMake(t *testing.T) {
	f := newApp(t)
	store := &txCountingStore{Store: f.store}
	a := app.New(store, app.Options{Now: f.clock.Now})
	const horizon = 3 * 24 * h
	var ids []string
	for range 3 {
		driver := f.member(carpool.RoleMember)
		sr, err := a.OfferSeries(f.ctx, driver, carpool.SeriesInput{
			CarID: f.privateCar(driver, 4).ID, From: carpool.Place{Label: "A", Lat: 47.37, Lon: 8.54}, To: carpool.Place{Label: "B", Lat: 47.5, Lon: 8.72},
			Weekdays: carpool.AllWeekdays, DepartTime: carpool.Clock{Hour: 7, Minute: 30}, TimeZone: "Europe/Zurich", Seats: 3,
			StartsOn: carpool.DateOf(start), EndsOn: carpool.DateOf(start).AddDays(30),
		})
		if err != nil {
			t.Fatalf("offer series: %v", err)
		}
		ids = append(ids, sr.ID)
	}
	pass := func() (carpool.SeriesReport, int64) {
		t.Helper()
		before := store.txs.Load()
		rep, err := a.MaterialiseSeries(f.ctx, horizon)
		if err != nil {
			t.Fatalf("materialise: %v", err)
		}
		return rep, store.txs.Load() - before
	}
	if rep, txs := pass(); txs != 3 || len(rep.Created) != 9 {
		t.Fatalf("first pass: %d transactions made %d days, want 3 making 9 (three days each)", txs, len(rep.Created))
	}
	if rep, txs := pass(); txs != 0 || len(rep.Created) != 0 {
		t.Fatalf("pass with every day made: %d transactions made %d days, want none", txs, len(rep.Created))
	}
	f.clock.Advance(24 * h)
	rep, txs := pass()
	if txs != 3 || len(rep.Created) != 3 {
		t.Fatalf("pass a day later: %d transactions made %d days, want 3 making 3", txs, len(rep.Created))
	}
	want := carpool.DateOf(start).AddDays(4)
	for _, o := range rep.Created {
		if o.On != want || !slices.Contains(ids, o.SeriesID) {
			t.Errorf("made %s of %s, want %s of one of the commutes", o.On, o.SeriesID, want)
		}
	}
}
