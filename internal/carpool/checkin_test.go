package carpool_test

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// The check-in fixtures: a ride due east along a parallel from (48, 11) for about 7.4
// km, departing at proofDepart, with one confirmed passenger who boards at the ride's
// start and one who named a pickup 2 km north of the route.
var (
	proofDepart = time.Date(2031, 5, 6, 7, 0, 0, 0, time.UTC)
	proofRide   = carpool.Ride{ID: "ride", DriverID: "dora", Seats: 3, SeatsTaken: 2, Status: carpool.RideOpen, DepartAt: proofDepart,
		From: carpool.Place{Label: "A", Lat: 48, Lon: 11}, To: carpool.Place{Label: "B", Lat: 48, Lon: 11.1}}
	dora      = carpool.Member{ID: "dora", Name: "Dora Driver"}
	pia       = carpool.Member{ID: "pia", Name: "Pia Passenger"}
	paul      = carpool.Member{ID: "paul", Name: "Paul Pickup"}
	olga      = carpool.Member{ID: "olga", Name: "Olga Other"}
	paulStart = carpool.Place{Label: "north", Lat: 48 + kmNorth(2), Lon: 11.05}
)

// kmNorth is km kilometres as degrees of latitude.
func kmNorth(km float64) float64 { return km / 6371.0088 * 180 / math.Pi }

func proofBook() *carpool.ProofBook {
	end := carpool.Place{Label: "B", Lat: 48, Lon: 11.1}
	return &carpool.ProofBook{Ride: proofRide, Zone: time.UTC, Bookings: []carpool.Booking{
		{ID: "b-pia", RideID: "ride", DriverID: "dora", PassengerID: "pia", Seats: 1, Status: carpool.BookingConfirmed},
		{ID: "b-paul", RideID: "ride", DriverID: "dora", PassengerID: "paul", Seats: 1, Status: carpool.BookingConfirmed,
			Pickup: &paulStart, Dropoff: &end},
	}}
}

// onRoute is a point on the ride's way, off it by km to the north.
func onRoute(km float64) carpool.Point { return carpool.Point{Lat: 48 + kmNorth(km), Lon: 11.05} }

func TestCheckInWindowAndDistance(t *testing.T) {
	rule := carpool.CheckInRule{RadiusM: 500}
	cases := []struct {
		name     string
		who      carpool.Member
		at       time.Time
		p        carpool.Point
		wantCode string
		fields   []string
	}{
		{"driver on the route at departure", dora, proofDepart, onRoute(0), "", nil},
		{"passenger 30 min before: the window opens", pia, proofDepart.Add(-30 * time.Minute), onRoute(0), "", nil},
		{"a second before the window opens", pia, proofDepart.Add(-30*time.Minute - time.Second), onRoute(0), carpool.ECONFLICT, nil},
		{"passenger 2 h after: the window's last instant", pia, proofDepart.Add(2 * time.Hour), onRoute(0), "", nil},
		{"a second after the window closed", pia, proofDepart.Add(2*time.Hour + time.Second), onRoute(0), carpool.ECONFLICT, nil},
		{"490 m off the route", pia, proofDepart, onRoute(0.49), "", nil},
		{"510 m off the route", pia, proofDepart, onRoute(0.51), carpool.EINVALID, []string{"lat", "lon"}},
		{"near the origin's end, beyond the segment", dora, proofDepart, carpool.Point{Lat: 48, Lon: 11 - 0.006}, "", nil},
		{"600 m before the origin", dora, proofDepart, carpool.Point{Lat: 48, Lon: 11 - 0.008}, carpool.EINVALID, []string{"lat", "lon"}},
		{"at one's own pickup 2 km off the route", paul, proofDepart, paulStart.Point(), "", nil},
		{"another's pickup is not one's own", pia, proofDepart, paulStart.Point(), carpool.EINVALID, []string{"lat", "lon"}},
		{"a colleague without a booking", olga, proofDepart, onRoute(0), carpool.EFORBIDDEN, nil},
		{"a latitude out of range", pia, proofDepart, carpool.Point{Lat: 91, Lon: 11}, carpool.EINVALID, []string{"lat"}},
		{"both coordinates out of range", pia, proofDepart, carpool.Point{Lat: math.NaN(), Lon: 200}, carpool.EINVALID, []string{"lat", "lon"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pb := proofBook()
			ci, err := pb.CheckIn(rule, c.who, c.p, carpool.CheckInPosition, "", c.at)
			if got := carpool.ErrorCode(err); got != c.wantCode && !(c.wantCode == "" && err == nil) {
				t.Fatalf("got %v (code %q), want code %q", err, got, c.wantCode)
			}
			if c.wantCode != "" {
				if err == nil {
					t.Fatalf("got a check-in, want %s", c.wantCode)
				}
				var named []string
				for _, f := range carpool.ErrorFields(err) {
					named = append(named, f.Field)
				}
				if c.fields != nil && !slices.Equal(named, c.fields) {
					t.Errorf("fields: got %v, want %v", named, c.fields)
				}
				if len(pb.Added()) != 0 || len(pb.Changed()) != 0 {
					t.Errorf("a refused check-in changed the book: %v %v", pb.Added(), pb.Changed())
				}
				return
			}
			if ci.MemberID != c.who.ID || ci.At != c.at || len(pb.Added()) != 1 {
				t.Errorf("got %+v (added %d), want %s's check-in at %v", ci, len(pb.Added()), c.who.ID, c.at)
			}
		})
	}
}

func TestCheckInRefusals(t *testing.T) {
	rule := carpool.CheckInRule{}
	t.Run("twice", func(t *testing.T) {
		pb := proofBook()
		if _, err := pb.CheckIn(rule, pia, onRoute(0), carpool.CheckInPosition, "", proofDepart); err != nil {
			t.Fatal(err)
		}
		_, err := pb.CheckIn(rule, pia, onRoute(0), carpool.CheckInPosition, "", proofDepart.Add(time.Minute))
		if carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Errorf("second check-in: got %v, want a conflict", err)
		}
	})
	t.Run("cancelled ride", func(t *testing.T) {
		pb := proofBook()
		pb.Ride.Status = carpool.RideCancelled
		if _, err := pb.CheckIn(rule, dora, onRoute(0), carpool.CheckInPosition, "", proofDepart); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Errorf("got %v, want a conflict", err)
		}
	})
	t.Run("passenger marked as not there", func(t *testing.T) {
		pb := proofBook()
		if _, err := pb.NoShow("b-pia", dora, proofDepart.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := pb.CheckIn(rule, pia, onRoute(0), carpool.CheckInPosition, "", proofDepart.Add(2*time.Minute)); carpool.ErrorCode(err) != carpool.ECONFLICT {
			t.Errorf("got %v, want a conflict", err)
		}
	})
	t.Run("default radius is 500 m", func(t *testing.T) {
		pb := proofBook()
		if _, err := pb.CheckIn(rule, pia, onRoute(0.51), carpool.CheckInPosition, "", proofDepart); carpool.ErrorCode(err) != carpool.EINVALID {
			t.Errorf("510 m off: got %v, want invalid", err)
		}
		if _, err := pb.CheckIn(rule, pia, onRoute(0.49), carpool.CheckInPosition, "", proofDepart); err != nil {
			t.Errorf("490 m off: %v", err)
		}
	})
}

func TestProofClasses(t *testing.T) {
	rule := carpool.CheckInRule{}
	at := proofDepart.Add(5 * time.Minute)
	classOf := func(pb *carpool.ProofBook, passenger string) carpool.ProofClass {
		t.Helper()
		i := slices.IndexFunc(pb.Proofs, func(p carpool.Proof) bool { return p.PassengerID == passenger })
		if i < 0 {
			t.Fatalf("no record of %s in %+v", passenger, pb.Proofs)
		}
		return pb.Proofs[i].Class
	}
	t.Run("matched, nobody checked in: A", func(t *testing.T) {
		pb := proofBook()
		pb.Refresh(proofDepart.Add(3 * time.Hour))
		if got := classOf(pb, "pia"); got != carpool.ProofA {
			t.Errorf("got %s, want A", got)
		}
		if len(pb.Changed()) != 2 {
			t.Errorf("changed: got %d records, want one per confirmed passenger (2)", len(pb.Changed()))
		}
	})
	t.Run("the driver alone: B for every passenger", func(t *testing.T) {
		pb := proofBook()
		if _, err := pb.CheckIn(rule, dora, onRoute(0), carpool.CheckInPosition, "", at); err != nil {
			t.Fatal(err)
		}
		if classOf(pb, "pia") != carpool.ProofB || classOf(pb, "paul") != carpool.ProofB {
			t.Errorf("got %s and %s, want B and B", classOf(pb, "pia"), classOf(pb, "paul"))
		}
	})
	t.Run("both occupants: C for that passenger only", func(t *testing.T) {
		pb := proofBook()
		for _, m := range []carpool.Member{pia, dora} {
			if _, err := pb.CheckIn(rule, m, onRoute(0), carpool.CheckInPosition, "", at); err != nil {
				t.Fatal(err)
			}
		}
		if classOf(pb, "pia") != carpool.ProofC || classOf(pb, "paul") != carpool.ProofB {
			t.Errorf("got %s and %s, want C and B", classOf(pb, "pia"), classOf(pb, "paul"))
		}
	})
	t.Run("the passenger alone: B", func(t *testing.T) {
		pb := proofBook()
		if _, err := pb.CheckIn(rule, paul, paulStart.Point(), carpool.CheckInPosition, "", at); err != nil {
			t.Fatal(err)
		}
		if classOf(pb, "paul") != carpool.ProofB {
			t.Errorf("got %s, want B", classOf(pb, "paul"))
		}
		p := pb.Proofs[slices.IndexFunc(pb.Proofs, func(p carpool.Proof) bool { return p.PassengerID == "paul" })]
		if p.Start.Lat != paulStart.Lat || p.DistanceM <= 0 || p.PassengerCheckIn == nil || p.DriverCheckIn != nil {
			t.Errorf("paul's record: got %+v, want his pickup as the start, a distance, his check-in only", p)
		}
	})
	t.Run("no-show: none, never graded again", func(t *testing.T) {
		pb := proofBook()
		if _, err := pb.NoShow("b-pia", dora, at); err != nil {
			t.Fatal(err)
		}
		if _, err := pb.CheckIn(rule, dora, onRoute(0), carpool.CheckInPosition, "", at); err != nil {
			t.Fatal(err)
		}
		if classOf(pb, "pia") != carpool.ProofNoShow {
			t.Errorf("got %s, want none", classOf(pb, "pia"))
		}
	})
}

func TestNoShowRules(t *testing.T) {
	after := proofDepart.Add(time.Minute)
	cases := []struct {
		name     string
		booking  string
		by       carpool.Member
		at       time.Time
		prepare  func(pb *carpool.ProofBook)
		wantCode string
	}{
		{"the driver after departure", "b-pia", dora, after, nil, ""},
		{"the driver at the departure minute", "b-pia", dora, proofDepart, nil, ""},
		{"before departure", "b-pia", dora, proofDepart.Add(-time.Second), nil, carpool.ECONFLICT},
		{"the passenger themselves", "b-pia", pia, after, nil, carpool.EFORBIDDEN},
		{"another passenger", "b-pia", paul, after, nil, carpool.EFORBIDDEN},
		{"a booking not confirmed on the ride", "b-none", dora, after, nil, carpool.ECONFLICT},
		{"a passenger who checked in", "b-pia", dora, after, func(pb *carpool.ProofBook) {
			if _, err := pb.CheckIn(carpool.CheckInRule{}, pia, onRoute(0), carpool.CheckInPosition, "", proofDepart); err != nil {
				t.Fatal(err)
			}
		}, carpool.ECONFLICT},
		{"twice", "b-pia", dora, after, func(pb *carpool.ProofBook) {
			if _, err := pb.NoShow("b-pia", dora, proofDepart); err != nil {
				t.Fatal(err)
			}
		}, carpool.ECONFLICT},
		{"the day is over", "b-pia", dora, time.Date(2031, 5, 7, 0, 0, 0, 0, time.UTC), nil, carpool.ECONFLICT},
		{"the day's last second", "b-pia", dora, time.Date(2031, 5, 6, 23, 59, 59, 0, time.UTC), nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pb := proofBook()
			if c.prepare != nil {
				c.prepare(pb)
			}
			p, err := pb.NoShow(c.booking, c.by, c.at)
			if c.wantCode != "" {
				if carpool.ErrorCode(err) != c.wantCode {
					t.Errorf("got %v, want %s", err, c.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.NoShowAt != c.at || p.Class != carpool.ProofNoShow {
				t.Errorf("got %+v, want a no-show at %v", p, c.at)
			}
		})
	}
}

func TestProofSealing(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// Departing 23:00 in Berlin: check-in closes at 01:00 the next day, whose end
	// seals the records.
	r := proofRide
	r.DepartAt = time.Date(2031, 5, 6, 23, 0, 0, 0, berlin)
	day, end := carpool.ProofDay(r, berlin)
	if want := (carpool.Date{Year: 2031, Month: time.May, Day: 7}); day != want {
		t.Errorf("day: got %s, want %s", day, want)
	}
	if want := time.Date(2031, 5, 8, 0, 0, 0, 0, berlin); !end.Equal(want) {
		t.Errorf("sealed at: got %v, want %v", end, want)
	}

	pb := proofBook()
	pb.Refresh(proofDepart)
	sealed := pb.Proofs[0].SealedAt
	later := &carpool.ProofBook{Ride: pb.Ride, Bookings: pb.Bookings, Zone: time.UTC, Proofs: pb.Proofs,
		CheckIns: []carpool.CheckIn{{RideID: "ride", MemberID: "dora", At: proofDepart, Method: carpool.CheckInPosition}}}
	later.Refresh(sealed)
	if len(later.Changed()) != 0 {
		t.Errorf("a refresh after the day changed sealed records: %+v", later.Changed())
	}
	later.Refresh(sealed.Add(-time.Second))
	if len(later.Changed()) != 2 {
		t.Errorf("a refresh within the day: got %d changed, want 2", len(later.Changed()))
	}
}

func TestSiteCodes(t *testing.T) {
	codes := carpool.SiteCodes{Secret: []byte("a secret of this deployment")}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	zones := func(id string) (*time.Location, error) {
		if id == "site-a" || id == "site-b" {
			return berlin, nil
		}
		return nil, errors.New("no such site")
	}
	day := carpool.Date{Year: 2031, Month: time.May, Day: 6}
	code := codes.Code("site-a", day)
	noonBerlin := time.Date(2031, 5, 6, 12, 0, 0, 0, berlin)
	swap := func(s string, i int, part string) string {
		parts := splitDots(s)
		parts[i] = part
		return parts[0] + "." + parts[1] + "." + parts[2]
	}
	cases := []struct {
		name string
		code string
		now  time.Time
		ok   bool
	}{
		{"today at the site", code, noonBerlin, true},
		{"the day's first minute in the site's zone (22:00 UTC the day before)", code, time.Date(2031, 5, 5, 22, 0, 0, 0, time.UTC), true},
		{"the next day: expired", code, noonBerlin.Add(24 * time.Hour), false},
		{"the day's end in the site's zone", code, time.Date(2031, 5, 6, 22, 0, 0, 0, time.UTC), false},
		{"the day before", code, noonBerlin.Add(-24 * time.Hour), false},
		{"replayed for another site", swap(code, 0, "site-b"), noonBerlin, false},
		{"replayed for another day", swap(code, 1, "2031-05-07"), noonBerlin.Add(24 * time.Hour), false},
		{"tampered signature", swap(code, 2, flipFirst(splitDots(code)[2])), noonBerlin, false},
		{"signed by another deployment", carpool.SiteCodes{Secret: []byte("another")}.Code("site-a", day), noonBerlin, false},
		{"not a code", "hello", noonBerlin, false},
		{"a date in another form", swap(code, 1, "2031-5-6"), noonBerlin, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			site, err := codes.Verify(c.code, c.now, zones)
			if c.ok {
				if err != nil || site != "site-a" {
					t.Errorf("got %q, %v; want site-a", site, err)
				}
				return
			}
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != "code" {
				t.Errorf("got %q, %v; want invalid naming code", site, err)
			}
		})
	}
	if _, err := (carpool.SiteCodes{}).Verify(carpool.SiteCodes{}.Code("site-a", day), noonBerlin, zones); err == nil {
		t.Error("a deployment without a secret accepted a code")
	}
}

func splitDots(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// flipFirst changes the first character of s to another.
func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}
