package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func day(t *testing.T, s string) carpool.Date {
	t.Helper()
	d, err := carpool.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func TestClockAtAcrossDST(t *testing.T) {
	cases := []struct {
		name  string
		zone  string
		clock carpool.Clock
		day   string
		want  string
	}{
		{"berlin before march change", "Europe/Berlin", carpool.Clock{7, 30}, "2026-03-27", "2026-03-27T06:30:00Z"},
		{"berlin march change day", "Europe/Berlin", carpool.Clock{7, 30}, "2026-03-29", "2026-03-29T05:30:00Z"},
		{"berlin after march change", "Europe/Berlin", carpool.Clock{7, 30}, "2026-03-30", "2026-03-30T05:30:00Z"},
		{"berlin before october change", "Europe/Berlin", carpool.Clock{7, 30}, "2026-10-23", "2026-10-23T05:30:00Z"},
		{"berlin october change day", "Europe/Berlin", carpool.Clock{7, 30}, "2026-10-25", "2026-10-25T06:30:00Z"},
		{"berlin after october change", "Europe/Berlin", carpool.Clock{7, 30}, "2026-10-26", "2026-10-26T06:30:00Z"},
		// 02:30 does not exist on 29 March: read with the offset before the gap (+01:00),
		// that is 03:30 summer time.
		{"berlin nonexistent time moves forward", "Europe/Berlin", carpool.Clock{2, 30}, "2026-03-29", "2026-03-29T01:30:00Z"},
		// 02:30 exists twice on 25 October: the first one (+02:00).
		{"berlin repeated time is the first", "Europe/Berlin", carpool.Clock{2, 30}, "2026-10-25", "2026-10-25T00:30:00Z"},
		// West of UTC time.Date would move a skipped time backward; the rule still
		// moves it forward: 02:30 on 8 March is 03:30 EDT.
		{"new york nonexistent time moves forward", "America/New_York", carpool.Clock{2, 30}, "2026-03-08", "2026-03-08T07:30:00Z"},
		{"new york repeated time is the first", "America/New_York", carpool.Clock{1, 30}, "2026-11-01", "2026-11-01T05:30:00Z"},
		{"tokyo has no dst in march", "Asia/Tokyo", carpool.Clock{7, 30}, "2026-03-30", "2026-03-29T22:30:00Z"},
		{"tokyo has no dst in october", "Asia/Tokyo", carpool.Clock{7, 30}, "2026-10-26", "2026-10-25T22:30:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.clock.At(day(t, tc.day), mustZone(t, tc.zone))
			if want := utc(t, tc.want); !got.Equal(want) {
				t.Fatalf("got %s, want %s", got, want)
			}
		})
	}
}

func berlinSeries(t *testing.T) carpool.Series {
	t.Helper()
	return carpool.Series{
		ID: "s1", DriverID: "d", Weekdays: carpool.WorkWeek, DepartTime: carpool.Clock{7, 30},
		TimeZone: "Europe/Berlin", Seats: 3, BookingMode: carpool.BookingInstant,
		StartsOn: day(t, "2026-03-01"), Status: carpool.SeriesActive,
	}
}

func TestSeriesDueKeepsLocalTimeAcrossDST(t *testing.T) {
	for _, tc := range []struct {
		name      string
		zone      string
		now       string
		wantFirst string
		wantLast  string
		wantLocal string
	}{
		{"march in berlin", "Europe/Berlin", "2026-03-23T12:00:00Z", "2026-03-24", "2026-04-03", "07:30"},
		{"october in berlin", "Europe/Berlin", "2026-10-19T12:00:00Z", "2026-10-20", "2026-10-30", "07:30"},
		{"march in tokyo", "Asia/Tokyo", "2026-03-23T12:00:00Z", "2026-03-24", "2026-04-03", "07:30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := berlinSeries(t)
			s.TimeZone = tc.zone
			days := s.Due(utc(t, tc.now), 12*24*time.Hour)
			if len(days) != 9 {
				t.Fatalf("got %d days %v, want 9 working days", len(days), days)
			}
			if days[0] != day(t, tc.wantFirst) || days[len(days)-1] != day(t, tc.wantLast) {
				t.Fatalf("got %s..%s, want %s..%s", days[0], days[len(days)-1], tc.wantFirst, tc.wantLast)
			}
			loc := mustZone(t, tc.zone)
			offsets := map[int]bool{}
			for _, d := range days {
				at := s.DepartAt(d).In(loc)
				if got := at.Format("15:04"); got != tc.wantLocal || carpool.DateOf(at) != d {
					t.Fatalf("%s departs %s, want %s local on that day", d, at, tc.wantLocal)
				}
				if at.Weekday() == time.Saturday || at.Weekday() == time.Sunday {
					t.Fatalf("%s is a weekend day", d)
				}
				_, off := at.Zone()
				offsets[off] = true
			}
			if wantOffsets := map[string]int{"Europe/Berlin": 2, "Asia/Tokyo": 1}[tc.zone]; len(offsets) != wantOffsets {
				t.Fatalf("got %d UTC offsets, want %d", len(offsets), wantOffsets)
			}
		})
	}
}

func TestSeriesDueRespectsBounds(t *testing.T) {
	s := berlinSeries(t)
	s.StartsOn, s.EndsOn = day(t, "2026-06-03"), day(t, "2026-06-05")
	// Wednesday 3 June at 06:00 UTC: that day's 07:30 (05:30 UTC) has left.
	got := s.Due(utc(t, "2026-06-03T06:00:00Z"), 4*7*24*time.Hour)
	want := []carpool.Date{day(t, "2026-06-04"), day(t, "2026-06-05")}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v", got, want)
	}
	s.Status = carpool.SeriesEnded
	if got := s.Due(utc(t, "2026-06-03T00:00:00Z"), 4*7*24*time.Hour); len(got) != 0 {
		t.Fatalf("ended series: got %v, want none", got)
	}
}

func validSeriesInput(t *testing.T) carpool.SeriesInput {
	t.Helper()
	return carpool.SeriesInput{
		CarID: "car", From: carpool.Place{Label: "Home", Lat: 52.5, Lon: 13.4},
		To: carpool.Place{Label: "Office", Lat: 52.52, Lon: 13.41}, Weekdays: carpool.WorkWeek,
		DepartTime: carpool.Clock{7, 30}, TimeZone: "Europe/Berlin", Seats: 3,
		StartsOn: day(t, "2026-12-01"),
	}
}

func TestNewSeriesValidation(t *testing.T) {
	now := utc(t, "2026-11-30T10:00:00Z")
	driver := carpool.Member{ID: "d"}
	private := carpool.Car{ID: "car", Kind: carpool.CarPrivate, OwnerID: "d", Seats: 5, Status: carpool.CarActive}
	pool := carpool.Car{ID: "car", Kind: carpool.CarPool, SiteID: "s", Seats: 5, Status: carpool.CarActive}
	clock := func(h, m int) *carpool.Clock { return &carpool.Clock{h, m} }
	cases := []struct {
		name  string
		car   carpool.Car
		edit  func(*carpool.SeriesInput)
		field string
	}{
		{"valid private", private, func(*carpool.SeriesInput) {}, ""},
		{"valid open ended pool", pool, func(in *carpool.SeriesInput) { in.ReserveFrom, in.ReserveUntil = clock(7, 0), clock(19, 0) }, ""},
		{"no weekday", private, func(in *carpool.SeriesInput) { in.Weekdays = 0 }, "weekdays"},
		{"end before start", private, func(in *carpool.SeriesInput) { in.EndsOn = day(t, "2026-11-30") }, "ends_on"},
		{"start in the past", private, func(in *carpool.SeriesInput) { in.StartsOn = day(t, "2026-11-29") }, "starts_on"},
		{"end too far", private, func(in *carpool.SeriesInput) { in.EndsOn = day(t, "2029-01-01") }, "ends_on"},
		{"unknown zone", private, func(in *carpool.SeriesInput) { in.TimeZone = "Mars/Olympus" }, "time_zone"},
		{"bad time", private, func(in *carpool.SeriesInput) { in.DepartTime = carpool.Clock{24, 0} }, "depart_time"},
		{"too many seats", private, func(in *carpool.SeriesInput) { in.Seats = 5 }, "seats"},
		{"pool car without window", pool, func(*carpool.SeriesInput) {}, "reserve_from"},
		{"window backwards", pool, func(in *carpool.SeriesInput) { in.ReserveFrom, in.ReserveUntil = clock(19, 0), clock(7, 0) }, "reserve_until"},
		{"departure outside window", pool, func(in *carpool.SeriesInput) { in.ReserveFrom, in.ReserveUntil = clock(8, 0), clock(19, 0) }, "depart_time"},
		{"private car with window", private, func(in *carpool.SeriesInput) { in.ReserveFrom, in.ReserveUntil = clock(7, 0), clock(19, 0) }, "reserve_from"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validSeriesInput(t)
			tc.edit(&in)
			s, err := carpool.NewSeries(in, driver, tc.car, now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				if s.Status != carpool.SeriesActive || s.Version != 1 || s.TimeZone != "Europe/Berlin" {
					t.Fatalf("got %+v, want an active series in Europe/Berlin", s)
				}
				return
			}
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func TestValidateHorizon(t *testing.T) {
	for _, tc := range []struct {
		d  time.Duration
		ok bool
	}{
		{carpool.DefaultSeriesHorizon, true},
		{carpool.MaxSeriesHorizon, true},
		{carpool.MaxSeriesHorizon + time.Hour, false},
		{time.Hour, false},
	} {
		if err := carpool.ValidateHorizon(tc.d); (err == nil) != tc.ok {
			t.Errorf("ValidateHorizon(%s): got %v, want ok=%v", tc.d, err, tc.ok)
		}
	}
}

func TestSubscription(t *testing.T) {
	s := berlinSeries(t)
	now := utc(t, "2026-03-01T00:00:00Z")
	cases := []struct {
		name  string
		who   string
		days  carpool.Weekdays
		seats int
		code  string
	}{
		{"all days", "p", 0, 0, ""},
		{"three days", "p", carpool.DaysOf(time.Monday, time.Tuesday, time.Thursday), 1, ""},
		{"a day the series does not run", "p", carpool.DaysOf(time.Saturday), 1, carpool.EINVALID},
		{"too many seats", "p", 0, 4, carpool.EINVALID},
		{"own series", "d", 0, 1, carpool.EFORBIDDEN},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sub, err := carpool.NewSubscription(s, carpool.Member{ID: tc.who}, tc.days, tc.seats, now)
			if got := carpool.ErrorCode(err); got != tc.code {
				t.Fatalf("got %q (%v), want %q", got, err, tc.code)
			}
			if err == nil && (sub.Weekdays == 0 || sub.Seats != 1 || !sub.Covers(day(t, "2026-03-02"))) {
				t.Fatalf("got %+v, want one seat covering Monday", sub)
			}
		})
	}
}

func TestSeriesUpdateAndEnd(t *testing.T) {
	s := berlinSeries(t)
	car := carpool.Car{Kind: carpool.CarPrivate, OwnerID: "d", Seats: 5, Status: carpool.CarActive}
	now := utc(t, "2026-03-10T10:00:00Z")
	eight := carpool.Clock{8, 0}
	if err := s.Update(carpool.SeriesPatch{DepartTime: &eight}, carpool.Member{ID: "x"}, car, now); carpool.ErrorCode(err) != carpool.EFORBIDDEN {
		t.Fatalf("stranger: got %v, want forbidden", err)
	}
	if err := s.Update(carpool.SeriesPatch{DepartTime: &eight}, carpool.Member{ID: "d"}, car, now); err != nil {
		t.Fatal(err)
	}
	// The first Monday after the March change: 08:00 CEST.
	rp := s.RidePatch(carpool.SeriesPatch{DepartTime: &eight}, day(t, "2026-03-30"))
	if want := utc(t, "2026-03-30T06:00:00Z"); rp.DepartAt == nil || !rp.DepartAt.Equal(want) {
		t.Fatalf("got %v, want %s", rp.DepartAt, want)
	}
	if err := s.End(carpool.Member{ID: "d"}, now); err != nil {
		t.Fatal(err)
	}
	if s.Status != carpool.SeriesEnded || s.EndsOn != day(t, "2026-03-10") {
		t.Fatalf("got %s until %s, want ended on 2026-03-10", s.Status, s.EndsOn)
	}
	if err := s.End(carpool.Member{ID: "d"}, now); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Fatalf("second end: got %v, want conflict", err)
	}
}

func TestWeekdays(t *testing.T) {
	w, err := carpool.ParseWeekdays([]string{"Mon", "wednesday", "fri"})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.String(); got != "mon,wed,fri" {
		t.Fatalf("got %s, want mon,wed,fri", got)
	}
	if _, err := carpool.ParseWeekdays([]string{"mo"}); err == nil {
		t.Fatal("got no error for mo, want one")
	}
	if !carpool.WorkWeek.Contains(w) || w.Contains(carpool.WorkWeek) {
		t.Fatal("Contains is wrong")
	}
}

func TestSeriesFitsSubscriptions(t *testing.T) {
	s := berlinSeries(t)
	s.Seats = 2
	subs := []carpool.Subscription{{Seats: 2, Status: carpool.SubscriptionActive}, {Seats: 3, Status: carpool.SubscriptionLeft}}
	if err := s.Fits(subs); err != nil {
		t.Fatalf("got %v, want the subscriptions to fit", err)
	}
	s.Seats = 1
	if err := s.Fits(subs); carpool.ErrorCode(err) != carpool.ECONFLICT || carpool.ErrorField(err) != "seats" {
		t.Fatalf("got %v, want a conflict on seats", err)
	}
}
