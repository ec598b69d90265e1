package storetest

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// The series fixtures run from tomorrow for two weeks with a four-week horizon, so every
// day they run on is due whatever the time of day the test runs at.
const seriesHorizon = carpool.DefaultSeriesHorizon

func (e *env) today() carpool.Date { return carpool.DateOf(e.now.UTC()) }

func (e *env) seriesInput(car carpool.Car, days carpool.Weekdays, seats int) carpool.SeriesInput {
	return carpool.SeriesInput{
		CarID:      car.ID,
		From:       carpool.Place{Label: "Zurich HB", Lat: 47.3779, Lon: 8.5403},
		To:         carpool.Place{Label: "Bern Bahnhof", Lat: 46.9490, Lon: 7.4391},
		Weekdays:   days,
		DepartTime: carpool.Clock{Hour: 7, Minute: 30},
		TimeZone:   "Europe/Zurich",
		Seats:      seats,
		StartsOn:   e.today().AddDays(1),
		EndsOn:     e.today().AddDays(14),
	}
}

// series offers a series in a new private car of driver.
func (e *env) series(driver carpool.Member, days carpool.Weekdays, seats int) carpool.Series {
	e.t.Helper()
	sr, err := e.f.CreateSeries(e.ctx, e.seriesInput(e.privateCar(driver, 8), days, seats), driver)
	if err != nil {
		e.t.Fatalf("create series: %v", err)
	}
	return sr
}

// runDays returns the days series sr runs on in its fixture window.
func runDays(sr carpool.Series) []carpool.Date {
	var days []carpool.Date
	for d := sr.StartsOn; !d.After(sr.EndsOn); d = d.AddDays(1) {
		if sr.Runs(d) {
			days = append(days, d)
		}
	}
	return days
}

func (e *env) materialise() carpool.SeriesReport {
	e.t.Helper()
	rep, err := e.f.MaterialiseSeries(e.ctx, seriesHorizon)
	if err != nil {
		e.t.Fatalf("materialise series: %v", err)
	}
	return rep
}

// occurrences returns the series' occurrences by day.
func (e *env) occurrences(sr carpool.Series) map[carpool.Date]carpool.Occurrence {
	e.t.Helper()
	occs, err := e.s.Occurrences(e.ctx, []string{sr.ID}, sr.StartsOn, sr.EndsOn)
	if err != nil {
		e.t.Fatalf("occurrences: %v", err)
	}
	out := map[carpool.Date]carpool.Occurrence{}
	for _, o := range occs {
		out[o.On] = o
	}
	return out
}

// nthDay returns the first day on or after the series start with weekday wd.
func nthDay(sr carpool.Series, wd time.Weekday) carpool.Date {
	d := sr.StartsOn
	for d.Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

func ofSeries(occs []carpool.Occurrence, id string) []carpool.Occurrence {
	var out []carpool.Occurrence
	for _, o := range occs {
		if o.SeriesID == id {
			out = append(out, o)
		}
	}
	return out
}

func countEvents(events []carpool.Event, typ, recipient string) int {
	n := 0
	for _, e := range events {
		if e.Type == typ && e.RecipientID == recipient {
			n++
		}
	}
	return n
}

func testSeries(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)

	t.Run("materialise makes each day once at local time", func(t *testing.T) {
		driver := e.member(carpool.RoleMember)
		sr := e.series(driver, carpool.WorkWeek, 3)
		want := runDays(sr)
		created := ofSeries(e.materialise().Created, sr.ID)
		if len(created) != len(want) {
			t.Fatalf("first pass: got %d occurrences, want %d", len(created), len(want))
		}
		if again := ofSeries(e.materialise().Created, sr.ID); len(again) != 0 {
			t.Fatalf("second pass: got %d new occurrences, want 0", len(again))
		}
		occs := e.occurrences(sr)
		zurich, err := time.LoadLocation("Europe/Zurich")
		noErr(t, err, "load zone")
		for _, d := range want {
			o, ok := occs[d]
			if !ok || o.Status != carpool.OccurrenceScheduled || o.RideID == "" {
				t.Fatalf("%s: got %+v, want a scheduled occurrence with a ride", d, o)
			}
			r := e.rideNow(o.RideID)
			local := r.DepartAt.In(zurich)
			if carpool.DateOf(local) != d || local.Format("15:04") != "07:30" || r.DriverID != driver.ID || r.Seats != 3 {
				t.Fatalf("%s: got ride leaving %s, want 07:30 local that day", d, local)
			}
		}
	})

	t.Run("the days made are read for many series at once", func(t *testing.T) {
		a, b := e.series(e.member(carpool.RoleMember), carpool.WorkWeek, 3), e.series(e.member(carpool.RoleMember), carpool.AllWeekdays, 2)
		e.materialise()
		from, to := a.StartsOn.AddDays(2), a.StartsOn.AddDays(9)
		made, err := e.s.SeriesDaysMade(e.ctx, []string{a.ID, b.ID, carpool.NewID()}, from, to)
		noErr(t, err, "series days made")
		if len(made) != 2 {
			t.Fatalf("got days of %d series, want the 2 that have occurrences", len(made))
		}
		for _, sr := range []carpool.Series{a, b} {
			var want []string
			for d := range e.occurrences(sr) {
				if !d.Before(from) && !d.After(to) {
					want = append(want, d.String())
				}
			}
			var got []string
			for _, d := range made[sr.ID] {
				got = append(got, d.String())
			}
			slices.Sort(want)
			slices.Sort(got)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Fatalf("series %s: got days %v, want %v (its occurrences from %s to %s)", sr.ID, got, want, from, to)
			}
		}
		none, err := e.s.SeriesDaysMade(e.ctx, nil, from, to)
		if err != nil || len(none) != 0 {
			t.Fatalf("no series: got %v, %v; want nothing", none, err)
		}
	})

	t.Run("no weekday is refused", func(t *testing.T) {
		driver := e.member(carpool.RoleMember)
		_, err := e.f.CreateSeries(e.ctx, e.seriesInput(e.privateCar(driver, 5), 0, 2), driver)
		wantCode(t, err, carpool.EINVALID, "weekdays")
	})

	t.Run("subscription books chosen days as they appear", func(t *testing.T) {
		driver, rider := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		sr := e.series(driver, carpool.WorkWeek, 3)
		days := carpool.DaysOf(time.Monday, time.Tuesday, time.Thursday)
		sub, booked, err := e.f.Subscribe(e.ctx, sr.ID, rider, days, 1)
		noErr(t, err, "subscribe")
		if len(booked) != 0 || sub.Weekdays != days {
			t.Fatalf("got %d bookings and days %s, want none yet and %s", len(booked), sub.Weekdays, days)
		}
		_, _, err = e.f.Subscribe(e.ctx, sr.ID, rider, days, 1)
		wantCode(t, err, carpool.ECONFLICT, "")

		rep := e.materialise()
		mine := 0
		for _, b := range rep.Bookings {
			if b.PassengerID == rider.ID {
				mine++
				if b.Status != carpool.BookingConfirmed {
					t.Fatalf("got %s, want confirmed (instant series with room)", b.Status)
				}
			}
		}
		want := 0
		for _, d := range runDays(sr) {
			if days.Has(d.Weekday()) {
				want++
			}
		}
		if mine != want {
			t.Fatalf("got %d bookings, want %d (Mon, Tue, Thu)", mine, want)
		}

		// A second rider subscribing after the rides exist is booked on them at once.
		late := e.member(carpool.RoleMember)
		_, booked, err = e.f.Subscribe(e.ctx, sr.ID, late, 0, 1)
		noErr(t, err, "late subscribe")
		if len(booked) != len(runDays(sr)) {
			t.Fatalf("late subscriber: got %d bookings, want %d", len(booked), len(runDays(sr)))
		}

		// Leaving one day cancels that day only; leaving the series cancels the rest.
		monday := nthDay(sr, time.Monday)
		b, err := e.f.LeaveSeriesDate(e.ctx, sr.ID, monday, rider)
		noErr(t, err, "leave monday")
		if b.Status != carpool.BookingCancelled {
			t.Fatalf("got %s, want cancelled", b.Status)
		}
		_, err = e.f.LeaveSeriesDate(e.ctx, sr.ID, monday, rider)
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, err = e.f.Unsubscribe(e.ctx, sr.ID, rider)
		noErr(t, err, "unsubscribe")
		left, _, err := e.s.Bookings(e.ctx, carpool.BookingFilter{PassengerID: rider.ID, ActiveOnly: true}, carpool.Page{Limit: 100})
		noErr(t, err, "bookings")
		if len(left) != 0 {
			t.Fatalf("after leaving: got %d active bookings, want 0", len(left))
		}
		subs, err := e.s.Subscriptions(e.ctx, carpool.SubscriptionFilter{SeriesID: sr.ID})
		noErr(t, err, "subscriptions")
		if len(subs) != 1 || subs[0].PassengerID != late.ID {
			t.Fatalf("got %+v, want only the late subscriber", subs)
		}
		list, err := e.s.SeriesList(e.ctx, carpool.SeriesFilter{SubscriberID: late.ID})
		noErr(t, err, "series list")
		if len(list) != 1 || list[0].ID != sr.ID {
			t.Fatalf("got %d series, want the one subscribed to", len(list))
		}
	})

	t.Run("a full day waitlists the subscriber and tells them", func(t *testing.T) {
		driver, first, second := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		sr := e.series(driver, carpool.DaysOf(time.Wednesday), 1)
		_, _, err := e.f.Subscribe(e.ctx, sr.ID, first, 0, 1)
		noErr(t, err, "subscribe first")
		_, _, err = e.f.Subscribe(e.ctx, sr.ID, second, 0, 1)
		noErr(t, err, "subscribe second")
		seq := e.lastSeq()
		rep := e.materialise()
		statuses := map[string][]carpool.BookingStatus{}
		for _, b := range rep.Bookings {
			statuses[b.PassengerID] = append(statuses[b.PassengerID], b.Status)
		}
		days := len(runDays(sr))
		for _, s := range statuses[first.ID] {
			if s != carpool.BookingConfirmed {
				t.Fatalf("first subscriber: got %s, want confirmed", s)
			}
		}
		for _, s := range statuses[second.ID] {
			if s != carpool.BookingWaitlisted {
				t.Fatalf("second subscriber: got %s, want waitlisted", s)
			}
		}
		if len(statuses[first.ID]) != days || len(statuses[second.ID]) != days {
			t.Fatalf("got %d and %d bookings, want %d each", len(statuses[first.ID]), len(statuses[second.ID]), days)
		}
		if n := countEvents(e.eventsAfter(seq), carpool.EventBookingWaitlisted, second.ID); n != days {
			t.Fatalf("got %d waitlisted events for the second subscriber, want %d", n, days)
		}
	})

	t.Run("skip cancels the day and keeps it from being made", func(t *testing.T) {
		driver, rider := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		sr := e.series(driver, carpool.WorkWeek, 3)
		_, _, err := e.f.Subscribe(e.ctx, sr.ID, rider, 0, 1)
		noErr(t, err, "subscribe")
		// One day skipped before it is made, one after.
		early, late := nthDay(sr, time.Tuesday), nthDay(sr, time.Wednesday)
		_, err = e.f.SkipSeriesDate(e.ctx, sr.ID, early, driver)
		noErr(t, err, "skip before materialising")
		e.materialise()
		occs := e.occurrences(sr)
		if o := occs[early]; o.Status != carpool.OccurrenceSkipped || o.RideID != "" {
			t.Fatalf("day skipped early: got %+v, want skipped without a ride", o)
		}
		ride := occs[late].RideID
		seq := e.lastSeq()
		_, err = e.f.SkipSeriesDate(e.ctx, sr.ID, late, carpool.Member{ID: rider.ID})
		wantCode(t, err, carpool.EFORBIDDEN, "")
		o, err := e.f.SkipSeriesDate(e.ctx, sr.ID, late, driver)
		noErr(t, err, "skip")
		if o.Status != carpool.OccurrenceSkipped {
			t.Fatalf("got %s, want skipped", o.Status)
		}
		if r := e.rideNow(ride); r.Status != carpool.RideCancelled {
			t.Fatalf("skipped day's ride: got %s, want cancelled", r.Status)
		}
		events := e.eventsAfter(seq)
		if countEvents(events, carpool.EventBookingCancelled, rider.ID) != 1 || countEvents(events, carpool.EventSeriesSkipped, rider.ID) != 1 {
			t.Fatalf("got events %+v, want the rider told of the cancelled booking and the skipped day", summarize(t, events))
		}
		_, err = e.f.SkipSeriesDate(e.ctx, sr.ID, late, driver)
		wantCode(t, err, carpool.ECONFLICT, "date")
		_, err = e.f.SkipSeriesDate(e.ctx, sr.ID, nthDay(sr, time.Saturday), driver)
		wantCode(t, err, carpool.EINVALID, "date")
	})

	t.Run("change all future rides with the rules of one ride", func(t *testing.T) {
		driver, rider := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		sr := e.series(driver, carpool.WorkWeek, 3)
		_, _, err := e.f.Subscribe(e.ctx, sr.ID, rider, 0, 2)
		noErr(t, err, "subscribe")
		e.materialise()
		// A colleague books the last seat of the first day by hand.
		first := runDays(sr)[0]
		e.book(e.rideNow(e.occurrences(sr)[first].RideID), e.member(carpool.RoleMember), 1, false)

		// One seat is fewer than the subscriber rides with; two seats are fewer than the
		// first day has confirmed, which that day's ride refuses as it would alone.
		for _, seats := range []int{1, 2} {
			_, err = e.f.UpdateSeries(e.ctx, sr.ID, sr.Version, carpool.SeriesPatch{Seats: &seats}, driver)
			wantCode(t, err, carpool.ECONFLICT, "seats")
			if got, _ := e.s.Series(e.ctx, sr.ID); got.Seats != 3 || got.Version != sr.Version {
				t.Fatalf("refused change to %d: got %d seats version %d, want unchanged", seats, got.Seats, got.Version)
			}
		}
		if msg := carpool.ErrorMessage(err); !strings.Contains(msg, first.String()) {
			t.Fatalf("got %q, want the refusing day %s named", msg, first)
		}

		eight, four, approval := carpool.Clock{Hour: 8, Minute: 15}, 4, carpool.BookingApproval
		up, err := e.f.UpdateSeries(e.ctx, sr.ID, sr.Version, carpool.SeriesPatch{DepartTime: &eight, Seats: &four, BookingMode: &approval}, driver)
		noErr(t, err, "update series")
		if up.Version != sr.Version+1 || up.DepartTime != eight {
			t.Fatalf("got %+v, want the new time at the next version", up)
		}
		_, err = e.f.UpdateSeries(e.ctx, sr.ID, sr.Version, carpool.SeriesPatch{Seats: &four}, driver)
		wantCode(t, err, carpool.ECONFLICT, "if_match")
		for d, o := range e.occurrences(sr) {
			r := e.rideNow(o.RideID)
			taken := 2
			if d == first {
				taken = 3
			}
			if !r.DepartAt.Equal(up.DepartAt(d)) || r.Seats != 4 || r.BookingMode != approval || r.SeatsTaken != taken {
				t.Fatalf("%s: got %s, %d seats (%d taken), %s; want %s, 4 seats (%d taken), approval",
					d, r.DepartAt, r.Seats, r.SeatsTaken, r.BookingMode, up.DepartAt(d), taken)
			}
		}
	})

	t.Run("detour budget reaches every day's ride", func(t *testing.T) {
		driver := e.member(carpool.RoleMember)
		in := e.seriesInput(e.privateCar(driver, 8), carpool.WorkWeek, 3)
		twenty := 20.0
		in.DetourKM = &twenty
		sr, err := e.f.CreateSeries(e.ctx, in, driver)
		noErr(t, err, "create series")
		if got, _ := e.s.Series(e.ctx, sr.ID); got.DetourKM != 20 {
			t.Fatalf("stored series budget: got %.1f, want 20", got.DetourKM)
		}
		e.materialise()
		first := runDays(sr)[0]
		for d, o := range e.occurrences(sr) {
			if r := e.rideNow(o.RideID); r.DetourKM != 20 {
				t.Fatalf("%s: got budget %.1f, want the series' 20", d, r.DetourKM)
			}
		}
		// A passenger of the first day boards at Baden, well off the way.
		ride := e.rideNow(e.occurrences(sr)[first].RideID)
		baden := &carpool.Place{Label: "Baden", Lat: 47.4764, Lon: 8.3065}
		bern := &carpool.Place{Label: "Bern Wankdorf", Lat: 46.9630, Lon: 7.4650}
		_, err = e.f.BookSeats(e.ctx, ride.ID, e.member(carpool.RoleMember), carpool.BookingRequest{Seats: 1, Pickup: baden, Dropoff: bern})
		noErr(t, err, "book")
		zero, fifty1 := 0.0, carpool.MaxDetourKM+1
		_, err = e.f.UpdateSeries(e.ctx, sr.ID, sr.Version, carpool.SeriesPatch{DetourKM: &fifty1}, driver)
		wantCode(t, err, carpool.EINVALID, "max_detour_km")
		_, err = e.f.UpdateSeries(e.ctx, sr.ID, sr.Version, carpool.SeriesPatch{DetourKM: &zero}, driver)
		wantCode(t, err, carpool.ECONFLICT, "max_detour_km")
		if msg := carpool.ErrorMessage(err); !strings.Contains(msg, first.String()) {
			t.Fatalf("got %q, want the refusing day %s named", msg, first)
		}
		if got := e.rideNow(ride.ID).DetourKM; got != 20 {
			t.Fatalf("first day's budget after the refusal: got %.1f, want 20", got)
		}
		twentyFive := 25.0
		up, err := e.f.UpdateSeries(e.ctx, sr.ID, sr.Version, carpool.SeriesPatch{DetourKM: &twentyFive}, driver)
		noErr(t, err, "raise budget")
		if up.DetourKM != 25 {
			t.Fatalf("series budget: got %.1f, want 25", up.DetourKM)
		}
		for d, o := range e.occurrences(sr) {
			if r := e.rideNow(o.RideID); r.DetourKM != 25 {
				t.Fatalf("%s: got budget %.1f, want 25", d, r.DetourKM)
			}
		}
	})

	t.Run("ending cancels future rides and tells passengers", func(t *testing.T) {
		driver, rider := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		sr := e.series(driver, carpool.WorkWeek, 3)
		_, _, err := e.f.Subscribe(e.ctx, sr.ID, rider, 0, 1)
		noErr(t, err, "subscribe")
		e.materialise()
		seq := e.lastSeq()
		_, err = e.f.EndSeries(e.ctx, sr.ID, rider)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		ended, err := e.f.EndSeries(e.ctx, sr.ID, driver)
		noErr(t, err, "end series")
		if ended.Status != carpool.SeriesEnded {
			t.Fatalf("got %s, want ended", ended.Status)
		}
		days := len(runDays(sr))
		for _, o := range e.occurrences(sr) {
			if r := e.rideNow(o.RideID); r.Status != carpool.RideCancelled {
				t.Fatalf("%s: got ride %s, want cancelled", o.On, r.Status)
			}
		}
		events := e.eventsAfter(seq)
		if got := countEvents(events, carpool.EventBookingCancelled, rider.ID); got != days {
			t.Fatalf("got %d cancellations told to the rider, want %d", got, days)
		}
		if countEvents(events, carpool.EventSeriesEnded, rider.ID) != 1 {
			t.Fatalf("got events %+v, want series.ended for the rider", summarize(t, events))
		}
		if again := ofSeries(e.materialise().Created, sr.ID); len(again) != 0 {
			t.Fatalf("after ending: got %d new occurrences, want 0", len(again))
		}
	})

	t.Run("deactivated members get no new days", func(t *testing.T) {
		admin := e.member(carpool.RoleAdmin)
		driver, rider, gone := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		kept := e.series(driver, carpool.WorkWeek, 3)
		for _, m := range []carpool.Member{rider, gone} {
			_, _, err := e.f.Subscribe(e.ctx, kept.ID, m, 0, 1)
			noErr(t, err, "subscribe")
		}
		leaver := e.member(carpool.RoleMember)
		dropped := e.series(leaver, carpool.WorkWeek, 3)
		for _, m := range []carpool.Member{gone, leaver} {
			_, err := e.f.DeactivateMember(e.ctx, m.ID, admin)
			noErr(t, err, "deactivate")
		}
		rep := e.materialise()
		if n := len(ofSeries(rep.Created, dropped.ID)); n != 0 {
			t.Fatalf("deactivated driver's series: got %d days, want none", n)
		}
		for _, b := range rep.Bookings {
			if b.PassengerID == gone.ID {
				t.Fatalf("deactivated subscriber booked on %s", b.RideID)
			}
		}
		if n := len(ofSeries(rep.Created, kept.ID)); n != len(runDays(kept)) {
			t.Fatalf("active driver's series: got %d days, want %d", n, len(runDays(kept)))
		}
	})

	t.Run("recurring pool-car reservation reports conflicts", func(t *testing.T) {
		driver, manager := e.member(carpool.RoleMember), e.member(carpool.RoleFleetManager)
		car := e.poolCar(e.site(), 5)
		in := e.seriesInput(car, carpool.DaysOf(time.Tuesday), 3)
		from, until := carpool.Clock{Hour: 7, Minute: 0}, carpool.Clock{Hour: 19, Minute: 0}
		in.ReserveFrom, in.ReserveUntil = &from, &until
		sr, err := e.f.CreateSeries(e.ctx, in, driver)
		noErr(t, err, "create pool series")
		// A maintenance block on the first Tuesday, noon to 14:00 local.
		tuesday := nthDay(sr, time.Tuesday)
		loc := sr.Location()
		_, err = e.f.CreateReservation(e.ctx, car.ID, manager, carpool.ReservationMaintenance,
			carpool.Clock{Hour: 12}.At(tuesday, loc), carpool.Clock{Hour: 14}.At(tuesday, loc))
		noErr(t, err, "maintenance block")
		seq := e.lastSeq()
		rep := e.materialise()
		conflicts, created := ofSeries(rep.Conflicts, sr.ID), ofSeries(rep.Created, sr.ID)
		if len(conflicts) != 1 || conflicts[0].On != tuesday {
			t.Fatalf("got conflicts %+v, want the first Tuesday", conflicts)
		}
		if len(created) != len(runDays(sr))-1 {
			t.Fatalf("got %d created, want %d", len(created), len(runDays(sr))-1)
		}
		for _, o := range created {
			res, err := e.s.Reservation(e.ctx, o.ReservationID)
			noErr(t, err, "occurrence reservation")
			start, end := sr.ReservationWindow(o.On)
			if res.MemberID != driver.ID || !res.Start.Equal(start) || !res.End.Equal(end) {
				t.Fatalf("%s: got reservation %s–%s, want %s–%s", o.On, res.Start, res.End, start, end)
			}
			if r := e.rideNow(o.RideID); r.ReservationID != res.ID {
				t.Fatalf("%s: ride rests on %q, want %q", o.On, r.ReservationID, res.ID)
			}
		}
		events := e.eventsAfter(seq)
		if countEvents(events, carpool.EventSeriesConflict, driver.ID) != 1 || countEvents(events, carpool.EventSeriesConflict, manager.ID) != 1 {
			t.Fatalf("got events %+v, want series.conflict for driver and fleet manager", summarize(t, events))
		}
		// Ending the series gives the car back.
		_, err = e.f.EndSeries(e.ctx, sr.ID, driver)
		noErr(t, err, "end pool series")
		for _, o := range created {
			if res, _ := e.s.Reservation(e.ctx, o.ReservationID); res.Status != carpool.ReservationCancelled {
				t.Fatalf("%s: got reservation %s, want cancelled", o.On, res.Status)
			}
		}
	})
}

// testSeriesConcurrency runs three materialisation passes at once, as three replicas
// would, and checks that each day's ride exists exactly once.
func testSeriesConcurrency(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver, rider := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	var all []carpool.Series
	for range 4 {
		sr := e.series(driver, carpool.AllWeekdays, 2)
		_, _, err := e.f.Subscribe(e.ctx, sr.ID, rider, 0, 1)
		noErr(t, err, "subscribe")
		all = append(all, sr)
	}
	const replicas = 3
	reports := make([]carpool.SeriesReport, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			reports[i], errs[i] = e.f.MaterialiseSeries(e.ctx, seriesHorizon)
		}()
	}
	close(start)
	wg.Wait()
	created := map[string]int{}
	for i := range replicas {
		noErr(t, errs[i], "materialise")
		for _, o := range reports[i].Created {
			created[o.SeriesID+" "+o.On.String()]++
		}
	}
	for _, sr := range all {
		for _, d := range runDays(sr) {
			if n := created[sr.ID+" "+d.String()]; n != 1 {
				t.Fatalf("%s %s: made %d times, want once", sr.ID, d, n)
			}
		}
	}
	rides, _, err := e.s.Rides(e.ctx, carpool.RideFilter{DriverID: driver.ID}, carpool.Page{Limit: 100})
	noErr(t, err, "rides")
	if want := len(all) * len(runDays(all[0])); len(rides) != want {
		t.Fatalf("got %d rides, want %d", len(rides), want)
	}
	bookings, _, err := e.s.Bookings(e.ctx, carpool.BookingFilter{PassengerID: rider.ID, ActiveOnly: true}, carpool.Page{Limit: 100})
	noErr(t, err, "bookings")
	if len(bookings) != len(rides) {
		t.Fatalf("got %d bookings of the subscriber, want one per ride (%d)", len(bookings), len(rides))
	}
}
