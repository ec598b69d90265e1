package carpool_test

import (
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestPartnerSharingShares(t *testing.T) {
	for _, c := range []struct {
		s          carpool.PartnerSharing
		member     bool
		wantShared bool
	}{
		{carpool.SharingProfile, false, false},
		{carpool.SharingProfile, true, true},
		{carpool.SharingOn, false, true},
		{carpool.SharingOn, true, true},
		{carpool.SharingOff, true, false},
		{carpool.SharingOff, false, false},
	} {
		if got := c.s.Shares(c.member); got != c.wantShared {
			t.Errorf("%q with the profile %v: shares %v, want %v", c.s, c.member, got, c.wantShared)
		}
		if back := carpool.SharingOf(c.s.Bool()); back != c.s {
			t.Errorf("%q round trip through a nullable boolean: %q", c.s, back)
		}
	}
	if carpool.PartnerSharing("maybe").Valid() {
		t.Error("an unknown choice is valid")
	}
}

// tripFixture: a Monday-to-Friday commute Zurich → Bern at 07:30 Zurich time from
// 2031-03-03 (a Monday), and a search for it.
func tripFixture() (carpool.Series, carpool.PartnerTripSearch, time.Time) {
	now := time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC) // a Saturday
	sr := carpool.Series{ID: "s1", From: carpool.Place{Lat: 47.3779, Lon: 8.5403}, To: carpool.Place{Lat: 46.9490, Lon: 7.4391},
		Weekdays: carpool.WorkWeek, DepartTime: carpool.Clock{Hour: 7, Minute: 30}, TimeZone: "Europe/Zurich",
		DetourKM: 5, StartsOn: carpool.Date{Year: 2031, Month: 3, Day: 3}, Status: carpool.SeriesActive}
	from, to := sr.From.Point(), sr.To.Point()
	at := carpool.Clock{Hour: 7, Minute: 40}
	return sr, carpool.PartnerTripSearch{From: &from, To: &to, TimeOfDay: &at}, now
}

func TestPartnerTripSearchMatch(t *testing.T) {
	none := func(carpool.Date) bool { return false }
	sr, base, now := tripFixture()
	norm := func(s carpool.PartnerTripSearch) carpool.PartnerTripSearch {
		t.Helper()
		s, err := s.Normalize(now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := norm(base)
	m, ok := s.Match(sr, none)
	if !ok || len(m.Departures) != 20 || m.PickupClock() != (carpool.Clock{Hour: 7, Minute: 30}) {
		t.Fatalf("the commute's own ends: %+v %v, want 20 weekdays in four weeks, pickup 07:30", m, ok)
	}
	if first := m.Departures[0]; !first.Equal(time.Date(2031, 3, 3, 6, 30, 0, 0, time.UTC)) {
		t.Errorf("first departure %v, want 07:30 Zurich (06:30 UTC) on Monday 3 March", first)
	}

	// Along the way: halfway, the pickup is later than the departure.
	mid := carpool.Point{Lat: (47.3779 + 46.9490) / 2, Lon: (8.5403 + 7.4391) / 2}
	along := base
	along.From = &mid
	// About 62 road km at 50 km/h: the driver is there near 08:45.
	later := carpool.Clock{Hour: 8, Minute: 45}
	along.TimeOfDay = &later
	if m, ok := norm(along).Match(sr, none); !ok || m.PickupAfter <= 0 || m.Pickup != mid {
		t.Errorf("halfway: %+v %v, want a pickup there, after the departure", m, ok)
	}
	// Off the route and far from its ends: Basel.
	off := base
	off.From = &carpool.Point{Lat: 47.5596, Lon: 7.5886}
	if _, ok := norm(off).Match(sr, none); ok {
		t.Error("from Basel: matched")
	}
	// Without a detour budget only the radius around the ends finds it.
	tight := sr
	tight.DetourKM = 0
	if _, ok := norm(along).Match(tight, none); ok {
		t.Error("halfway with no detour budget: matched")
	}
	near := base
	near.From = &carpool.Point{Lat: 47.3800, Lon: 8.5403} // ~230 m from the start
	if m, ok := norm(near).Match(tight, none); !ok || m.Pickup != sr.From.Point() {
		t.Errorf("near the start with no detour budget: %+v %v, want boarding at the start", m, ok)
	}

	for _, c := range []struct {
		name   string
		change func(*carpool.PartnerTripSearch, *carpool.Series)
		want   int // departures; 0: no match
	}{
		{"weekend only", func(s *carpool.PartnerTripSearch, _ *carpool.Series) {
			s.Weekdays = carpool.DaysOf(time.Saturday, time.Sunday)
		}, 0},
		{"mondays", func(s *carpool.PartnerTripSearch, _ *carpool.Series) { s.Weekdays = carpool.DaysOf(time.Monday) }, 4},
		{"too late", func(s *carpool.PartnerTripSearch, _ *carpool.Series) {
			s.TimeOfDay = &carpool.Clock{Hour: 7, Minute: 46}
		}, 0},
		{"just in margin", func(s *carpool.PartnerTripSearch, _ *carpool.Series) {
			s.TimeOfDay = &carpool.Clock{Hour: 7, Minute: 45}
		}, 20},
		{"round midnight", func(s *carpool.PartnerTripSearch, sr *carpool.Series) {
			sr.DepartTime = carpool.Clock{Hour: 23, Minute: 55}
			s.TimeOfDay = &carpool.Clock{Hour: 0, Minute: 5}
		}, 20},
		{"one week window", func(s *carpool.PartnerTripSearch, _ *carpool.Series) {
			s.MinDepartAt = time.Date(2031, 3, 10, 0, 0, 0, 0, time.UTC)
			s.MaxDepartAt = time.Date(2031, 3, 16, 23, 0, 0, 0, time.UTC)
		}, 5},
		{"before it starts", func(s *carpool.PartnerTripSearch, _ *carpool.Series) {
			s.MaxDepartAt = time.Date(2031, 3, 2, 23, 0, 0, 0, time.UTC)
		}, 0},
		{"ended", func(_ *carpool.PartnerTripSearch, sr *carpool.Series) { sr.Status = carpool.SeriesEnded }, 0},
		{"ends after a week", func(_ *carpool.PartnerTripSearch, sr *carpool.Series) {
			sr.EndsOn = carpool.Date{Year: 2031, Month: 3, Day: 9}
		}, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, sr := base, sr
			c.change(&s, &sr)
			m, ok := norm(s).Match(sr, none)
			if got := len(m.Departures); ok != (c.want > 0) || got != c.want {
				t.Errorf("matched %v with %d departures, want %d", ok, got, c.want)
			}
		})
	}
	// A skipped day is no departure.
	skipped := func(d carpool.Date) bool { return d == carpool.Date{Year: 2031, Month: 3, Day: 4} }
	if m, _ := s.Match(sr, skipped); len(m.Departures) != 19 {
		t.Errorf("one day skipped: %d departures, want 19", len(m.Departures))
	}
}

func TestPartnerTripSearchNormalize(t *testing.T) {
	_, base, now := tripFixture()
	for _, c := range []struct {
		name   string
		change func(*carpool.PartnerTripSearch)
		fields []string
	}{
		{"no ends, no time", func(s *carpool.PartnerTripSearch) { s.From, s.To, s.TimeOfDay = nil, nil, nil },
			[]string{"departureLat", "arrivalLat", "departureTimeOfDay"}},
		{"bad margin and count", func(s *carpool.PartnerTripSearch) { s.TimeDelta = 13 * time.Hour; s.Count = -1 }, []string{"timeDelta", "count"}},
		{"window reversed", func(s *carpool.PartnerTripSearch) {
			s.MinDepartAt = now.Add(48 * time.Hour)
			s.MaxDepartAt = now.Add(24 * time.Hour)
		}, []string{"maxDepartureDate"}},
		{"window too long", func(s *carpool.PartnerTripSearch) { s.MaxDepartAt = now.Add(13 * 7 * 24 * time.Hour) }, []string{"maxDepartureDate"}},
		{"radius too wide", func(s *carpool.PartnerTripSearch) { s.FromRadiusKM = 500 }, []string{"departureRadius"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := base
			c.change(&s)
			_, err := s.Normalize(now)
			got := map[string]bool{}
			for _, f := range carpool.ErrorFields(err) {
				got[f.Field] = true
			}
			for _, f := range c.fields {
				if !got[f] {
					t.Errorf("error %v does not name %s", err, f)
				}
			}
			if len(got) != len(c.fields) {
				t.Errorf("error names %v, want %v", got, c.fields)
			}
		})
	}
	s, err := base.Normalize(now)
	if err != nil || s.Weekdays != carpool.AllWeekdays || s.TimeDelta != carpool.DefaultPartnerTimeDelta ||
		s.FromRadiusKM != carpool.DefaultPartnerRadiusKM || s.Count != carpool.MaxPartnerJourneys ||
		!s.MinDepartAt.Equal(now) || !s.MaxDepartAt.Equal(now.Add(carpool.DefaultPartnerTripWindow)) {
		t.Errorf("defaults: %+v, %v", s, err)
	}
}
