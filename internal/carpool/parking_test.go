package carpool_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// The parking fixtures: a site in Berlin whose days are Berlin's, rides that end at its
// door, two spaces labelled so that label order differs from text order.
var (
	berlinZone, _ = time.LoadLocation("Europe/Berlin")
	parkSite      = carpool.Site{ID: "site", Lat: 52.52, Lon: 13.405, TimeZone: "Europe/Berlin"}
	parkRule      = carpool.Parking{RadiusM: 300}
	parkDay       = carpool.Date{Year: 2031, Month: time.March, Day: 3}
	parkNow       = time.Date(2031, 3, 1, 9, 0, 0, 0, time.UTC)
	spaceP2       = carpool.ParkingSpace{ID: "s2", SiteID: "site", Label: "P2", Version: 1}
	spaceP10      = carpool.ParkingSpace{ID: "s10", SiteID: "site", Label: "P10", Version: 1}
	spaceOther    = carpool.ParkingSpace{ID: "x1", SiteID: "elsewhere", Label: "P1", Version: 1}
)

// northOf returns the point km kilometres north of the site.
func northOf(km float64) carpool.Place {
	return carpool.Place{Label: "p", Lat: parkSite.Lat + km/6371.0088*180/math.Pi, Lon: parkSite.Lon}
}

// arriving returns an open ride from 10 km away to the site that arrives at local
// (Berlin) time h:m on day d, with taken confirmed seats.
func arriving(id string, d carpool.Date, h, m, taken int) carpool.Ride {
	r := carpool.Ride{ID: id, DriverID: "driver-" + id, From: northOf(10), To: northOf(0), Seats: 3, SeatsTaken: taken, Status: carpool.RideOpen}
	arrive := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, berlinZone)
	r.DepartAt = arrive.Add(-(carpool.ArrivalAt(r).Sub(r.DepartAt))).UTC()
	return r
}

func claim(ride string, d carpool.Date, queued time.Duration, space string) carpool.ParkingClaim {
	return carpool.ParkingClaim{RideID: ride, DriverID: "driver-" + ride, SiteID: "site", Day: d, QueuedAt: parkNow.Add(-queued), SpaceID: space}
}

// holders returns ride→space of the claims that hold one.
func holders(cs []carpool.ParkingClaim) map[string]string {
	out := map[string]string{}
	for _, c := range cs {
		if c.SpaceID != "" {
			out[c.RideID] = c.SpaceID
		}
	}
	return out
}

// told returns "reason:ride:space" for each parking event.
func told(t *testing.T, events []carpool.Event) []string {
	t.Helper()
	var out []string
	for _, e := range events {
		p, err := e.Decode()
		if err != nil || e.Type != carpool.EventRideParking || e.RecipientID != "driver-"+p.RideID || e.SubjectID != p.RideID {
			t.Fatalf("event %+v: %v", e, err)
		}
		out = append(out, string(p.Reason)+":"+p.RideID+":"+p.Space+":"+p.Date)
	}
	slices.Sort(out)
	return out
}

func TestParkingAllocate(t *testing.T) {
	next := parkDay.AddDays(1)
	cancelled := arriving("c", parkDay, 8, 0, 1)
	cancelled.Status = carpool.RideCancelled
	retired := spaceP2
	retired.RetiredAt = parkNow.Add(-time.Minute)
	d, n := parkDay.String(), next.String()
	tests := []struct {
		name    string
		spaces  []carpool.ParkingSpace
		claims  []carpool.ParkingClaim
		rides   []carpool.Ride
		day     carpool.Date
		want    map[string]string
		waiting []string // waiting claims, in queue order
		dropped []string
		events  []string
	}{{
		name:   "first confirmed first served, spaces in label order",
		spaces: []carpool.ParkingSpace{spaceP10, spaceP2},
		claims: []carpool.ParkingClaim{claim("a", parkDay, time.Hour, ""), claim("b", parkDay, 3*time.Hour, ""), claim("c", parkDay, 2*time.Hour, "")},
		rides:  []carpool.Ride{arriving("a", parkDay, 8, 0, 1), arriving("b", parkDay, 8, 30, 2), arriving("c", parkDay, 9, 0, 1)},
		want:   map[string]string{"b": "s2", "c": "s10"}, waiting: []string{"a"},
		events: []string{"space_granted:b:P2:" + d, "space_granted:c:P10:" + d},
	}, {
		name:   "a new carpool queues behind those confirmed before it",
		spaces: []carpool.ParkingSpace{spaceP2},
		claims: []carpool.ParkingClaim{claim("a", parkDay, time.Hour, "")},
		rides:  []carpool.Ride{arriving("new", parkDay, 7, 0, 1), arriving("a", parkDay, 8, 0, 1)},
		want:   map[string]string{"a": "s2"}, waiting: []string{"new"},
		events: []string{"space_granted:a:P2:" + d},
	}, {
		name:   "a solo ride never holds a space",
		spaces: []carpool.ParkingSpace{spaceP2, spaceP10},
		rides:  []carpool.Ride{arriving("solo", parkDay, 8, 0, 0), arriving("pool", parkDay, 8, 0, 1)},
		want:   map[string]string{"pool": "s2"},
		events: []string{"space_granted:pool:P2:" + d},
	}, {
		name:   "holders keep their space when an older carpool arrives",
		spaces: []carpool.ParkingSpace{spaceP2},
		claims: []carpool.ParkingClaim{claim("holder", parkDay, time.Hour, "s2"), claim("older", parkDay, 5*time.Hour, "")},
		rides:  []carpool.Ride{arriving("holder", parkDay, 8, 0, 1), arriving("older", parkDay, 8, 0, 1)},
		want:   map[string]string{"holder": "s2"}, waiting: []string{"older"},
	}, {
		name:   "the last passenger leaves: the space goes to the next in the queue",
		spaces: []carpool.ParkingSpace{spaceP2},
		claims: []carpool.ParkingClaim{claim("holder", parkDay, 5*time.Hour, "s2"), claim("late", parkDay, time.Hour, ""), claim("early", parkDay, 2*time.Hour, "")},
		rides:  []carpool.Ride{arriving("holder", parkDay, 8, 0, 0), arriving("late", parkDay, 8, 0, 1), arriving("early", parkDay, 8, 0, 1)},
		want:   map[string]string{"early": "s2"}, waiting: []string{"late"}, dropped: []string{"holder"},
		events: []string{"space_granted:early:P2:" + d, "space_released:holder:P2:" + d},
	}, {
		name:   "a cancelled ride frees its space without telling its driver",
		spaces: []carpool.ParkingSpace{spaceP2},
		claims: []carpool.ParkingClaim{claim("c", parkDay, 5*time.Hour, "s2"), claim("next", parkDay, time.Hour, "")},
		rides:  []carpool.Ride{cancelled, arriving("next", parkDay, 8, 0, 1)},
		want:   map[string]string{"next": "s2"}, dropped: []string{"c"},
		events: []string{"space_granted:next:P2:" + d},
	}, {
		name:   "a holder whose space was retired gets a free one",
		spaces: []carpool.ParkingSpace{retired, spaceP10},
		claims: []carpool.ParkingClaim{claim("a", parkDay, time.Hour, "s2")},
		rides:  []carpool.Ride{arriving("a", parkDay, 8, 0, 1)},
		want:   map[string]string{"a": "s10"},
		events: []string{"space_granted:a:P10:" + d},
	}, {
		name:   "a holder whose space was retired and finds none free loses it",
		spaces: []carpool.ParkingSpace{retired},
		claims: []carpool.ParkingClaim{claim("a", parkDay, time.Hour, "s2")},
		rides:  []carpool.Ride{arriving("a", parkDay, 8, 0, 1)},
		want:   map[string]string{}, waiting: []string{"a"},
		events: []string{"space_released:a:P2:" + d},
	}, {
		name:   "a space of another site is never given",
		spaces: []carpool.ParkingSpace{spaceOther},
		rides:  []carpool.Ride{arriving("a", parkDay, 8, 0, 1)},
		want:   map[string]string{}, waiting: []string{"a"},
	}, {
		name:   "day borders are the site's: 23:50 in Berlin is still the day",
		spaces: []carpool.ParkingSpace{spaceP2, spaceP10},
		rides:  []carpool.Ride{arriving("late", parkDay, 23, 50, 1), arriving("early", parkDay, 0, 5, 1)},
		want:   map[string]string{"early": "s2", "late": "s10"},
		events: []string{"space_granted:early:P2:" + d, "space_granted:late:P10:" + d},
	}, {
		// 00:10 in Berlin on the next day is still the day in UTC.
		name:   "day borders are the site's: 00:10 in Berlin is the next day, 23:50 the day before",
		spaces: []carpool.ParkingSpace{spaceP2},
		rides:  []carpool.Ride{arriving("after", next, 0, 10, 1), arriving("before", parkDay.AddDays(-1), 23, 50, 1)},
		want:   map[string]string{},
	}, {
		name:   "a ride moved to another day leaves its space to the next of the old day",
		spaces: []carpool.ParkingSpace{spaceP2},
		claims: []carpool.ParkingClaim{claim("moved", parkDay, 5*time.Hour, "s2"), claim("next", parkDay, time.Hour, "")},
		rides:  []carpool.Ride{arriving("moved", next, 8, 0, 1), arriving("next", parkDay, 8, 0, 1)},
		want:   map[string]string{"next": "s2"}, dropped: []string{"moved"},
		events: []string{"space_granted:next:P2:" + d, "space_released:moved:P2:" + d},
	}, {
		name:   "a ride moved in keeps its place in the queue but bumps no holder",
		spaces: []carpool.ParkingSpace{spaceP2, spaceP10},
		day:    next,
		claims: []carpool.ParkingClaim{claim("moved", parkDay, 5*time.Hour, "s2"), claim("holder", next, time.Hour, "s2"), claim("waits", next, 2*time.Hour, "")},
		rides:  []carpool.Ride{arriving("moved", next, 8, 0, 1), arriving("holder", next, 8, 0, 1), arriving("waits", next, 8, 0, 1)},
		want:   map[string]string{"holder": "s2", "moved": "s10"}, waiting: []string{"waits"},
		events: []string{"space_granted:moved:P10:" + n},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			day := tc.day
			if day.IsZero() {
				day = parkDay
			}
			in := carpool.ParkingDay{Site: parkSite, Day: day, Spaces: tc.spaces, Claims: tc.claims, Sites: []carpool.Site{parkSite}}
			ch := parkRule.Allocate(in, tc.rides, parkNow)
			if got := holders(ch.Claims); !equalMaps(got, tc.want) {
				t.Errorf("holders: got %v, want %v", got, tc.want)
			}
			var waiting []string
			for _, c := range ch.Claims {
				if c.SiteID != "site" || c.Day != day {
					t.Errorf("claim %+v is not of the site's day %s", c, day)
				}
				if c.SpaceID == "" {
					waiting = append(waiting, c.RideID)
				}
			}
			if !slices.Equal(waiting, tc.waiting) {
				t.Errorf("waiting: got %v, want %v", waiting, tc.waiting)
			}
			if !slices.Equal(ch.Dropped, tc.dropped) {
				t.Errorf("dropped: got %v, want %v", ch.Dropped, tc.dropped)
			}
			if got := told(t, ch.Events); !slices.Equal(got, tc.events) {
				t.Errorf("events: got %v, want %v", got, tc.events)
			}
			if len(holders(ch.Claims)) > len(tc.spaces) {
				t.Errorf("%d holders for %d spaces", len(holders(ch.Claims)), len(tc.spaces))
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestParkingSiteOf(t *testing.T) {
	near := carpool.Site{ID: "near", Lat: northOf(0.5).Lat, Lon: parkSite.Lon}
	tests := []struct {
		name   string
		to     carpool.Place
		sites  []carpool.Site
		want   string
		arrive bool
	}{
		{"at the door", northOf(0), []carpool.Site{parkSite}, "site", true},
		{"just within the radius", northOf(0.29), []carpool.Site{parkSite}, "site", true},
		{"just beyond the radius", northOf(0.31), []carpool.Site{parkSite}, "", false},
		{"the nearer of two sites in reach", northOf(0.28), []carpool.Site{parkSite, near}, "near", true},
		{"the nearer of two sites, the other way", northOf(0.2), []carpool.Site{near, parkSite}, "site", true},
		{"no site", northOf(0), nil, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := carpool.Ride{From: northOf(10), To: tc.to}
			got, ok := parkRule.SiteOf(r, tc.sites)
			if ok != tc.arrive || got.ID != tc.want {
				t.Errorf("got %q %v, want %q %v", got.ID, ok, tc.want, tc.arrive)
			}
			if box := parkRule.Area(tc.to.Point()); tc.arrive && !box.Contains(carpool.Point{Lat: got.Lat, Lon: got.Lon}) {
				t.Errorf("the area %+v around the destination misses the site", box)
			}
		})
	}
	if got, _ := (carpool.Parking{}).SiteOf(carpool.Ride{To: northOf(0.31)}, []carpool.Site{parkSite}); got.ID != "" {
		t.Errorf("default radius: a destination 310 m away arrives at %q", got.ID)
	}
}

func TestParkingDepartures(t *testing.T) {
	from, to := parkRule.Departures(parkSite, parkDay)
	if want := time.Date(2031, 3, 1, 23, 0, 0, 0, time.UTC); !from.Equal(want) {
		t.Errorf("from: got %v, want %v", from, want)
	}
	if want := time.Date(2031, 3, 3, 23, 0, 0, 0, time.UTC); !to.Equal(want) {
		t.Errorf("to: got %v, want %v", to, want)
	}
	noZone := carpool.Parking{Zone: berlinZone}
	if got := noZone.SiteZone(carpool.Site{}); got != berlinZone {
		t.Errorf("a site without a zone: got %v, want the installation's", got)
	}
}

func TestCompareLabels(t *testing.T) {
	got := []string{"P10", "B1", "P2", "P02a", "P", "P1"}
	slices.SortFunc(got, carpool.CompareLabels)
	if want := []string{"B1", "P", "P1", "P2", "P02a", "P10"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestParkingSpaceChanges(t *testing.T) {
	s, err := carpool.NewParkingSpace(parkSite, "  P1 ", parkNow)
	if err != nil || s.Label != "P1" || s.SiteID != "site" || s.Version != 1 || !s.Active() {
		t.Fatalf("new: got %+v %v", s, err)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", 41)} {
		if _, err := carpool.NewParkingSpace(parkSite, bad, parkNow); carpool.ErrorCode(err) != carpool.EINVALID || fieldOf(err) != "label" {
			t.Errorf("label %q: got %v, want invalid label", bad, err)
		}
	}
	if err := s.Rename("P7", parkNow); err != nil || s.Label != "P7" || s.Version != 2 {
		t.Fatalf("rename: got %+v %v", s, err)
	}
	if err := s.Rename("", parkNow); carpool.ErrorCode(err) != carpool.EINVALID || s.Label != "P7" {
		t.Errorf("rename to nothing: got %v, label %q", err, s.Label)
	}
	if err := s.Retire(parkNow); err != nil || s.Active() || s.Version != 3 {
		t.Fatalf("retire: got %+v %v", s, err)
	}
	if err := s.Retire(parkNow); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Errorf("retire twice: got %v, want conflict", err)
	}
	if err := s.Rename("P8", parkNow); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Errorf("rename a retired space: got %v, want conflict", err)
	}
}

func fieldOf(err error) string {
	var e *carpool.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
