package carpool_test

import (
	"slices"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// hostileText is what the one text rule must keep out of every free-text field: a
// right-to-left override (makes "exe.txt" read "txt.exe"), a bell and a NUL (which one
// engine stores and the other refuses).
var hostileText = map[string]string{
	"right-to-left override": "Ann\u202egpj.exe",
	"bell":                   "Ann\a",
	"NUL":                    "Ann\x00",
}

// TestEveryTextFieldFollowsTheTextRule feeds hostile text to each free-text field of
// every constructor of the model; each must refuse it as invalid, naming the field.
func TestEveryTextFieldFollowsTheTextRule(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	private := carpool.Car{ID: "car", Kind: carpool.CarPrivate, OwnerID: "d", Seats: 5, Status: carpool.CarActive}
	driver := carpool.Member{ID: "d", Role: carpool.RoleMember}
	fields := []struct {
		field string
		check func(bad string) error
	}{
		{"name", func(bad string) error {
			_, err := carpool.NewMember{Email: "ann@example.com", Name: bad, Password: "correct horse battery"}.Validate()
			return err
		}},
		{"name", func(bad string) error {
			m := carpool.Member{Name: "Ann"}
			return m.ChangeProfile(&bad, nil)
		}},
		{"name", func(bad string) error {
			s := carpool.Site{Name: bad, Address: "Marienplatz 1", Lat: 48.1, Lon: 11.5}
			return s.Validate()
		}},
		{"address", func(bad string) error {
			s := carpool.Site{Name: "HQ", Address: bad, Lat: 48.1, Lon: 11.5}
			return s.Validate()
		}},
		{"plate", func(bad string) error {
			c := carpool.Car{Kind: carpool.CarPrivate, OwnerID: "d", Plate: "M " + bad, Make: "VW", Model: "Golf", Seats: 5}
			return c.Validate()
		}},
		{"make", func(bad string) error {
			c := carpool.Car{Kind: carpool.CarPrivate, OwnerID: "d", Plate: "M AB 1", Make: bad, Model: "Golf", Seats: 5}
			return c.Validate()
		}},
		{"model", func(bad string) error {
			c := carpool.Car{Kind: carpool.CarPrivate, OwnerID: "d", Plate: "M AB 1", Make: "VW", Model: bad, Seats: 5}
			return c.Validate()
		}},
		{"name", func(bad string) error {
			p := carpool.SavedPlace{Name: bad, Lat: 48.1, Lon: 11.5}
			return p.Validate()
		}},
		{"address", func(bad string) error {
			p := carpool.SavedPlace{Name: "Home", Address: bad, Lat: 48.1, Lon: 11.5}
			return p.Validate()
		}},
		{"notes", func(bad string) error {
			in := rideInput(private.ID)
			in.DepartAt, in.Notes = now.Add(24*time.Hour), bad
			_, err := carpool.NewRide(in, driver, private, nil, now)
			return err
		}},
		{"from.label", func(bad string) error {
			in := rideInput(private.ID)
			in.DepartAt, in.From.Label = now.Add(24*time.Hour), bad
			_, err := carpool.NewRide(in, driver, private, nil, now)
			return err
		}},
		{"to.label", func(bad string) error {
			in := rideInput(private.ID)
			in.DepartAt, in.To.Label = now.Add(24*time.Hour), bad
			_, err := carpool.NewRide(in, driver, private, nil, now)
			return err
		}},
		{"notes", func(bad string) error {
			rb := &carpool.RideBook{Ride: carpool.Ride{ID: "r", DriverID: "d", CarID: "car", Seats: 3,
				Status: carpool.RideOpen, DepartAt: now.Add(24 * time.Hour), Version: 1}}
			return rb.Update(carpool.RidePatch{Notes: &bad}, driver, private, nil, now)
		}},
		{"notes", func(bad string) error {
			in := validSeriesInput(t)
			in.Notes = bad
			_, err := carpool.NewSeries(in, driver, private, now)
			return err
		}},
		{"from.label", func(bad string) error {
			in := validSeriesInput(t)
			in.From.Label = bad
			_, err := carpool.NewSeries(in, driver, private, now)
			return err
		}},
		{"description", func(bad string) error {
			_, err := carpool.CleanWebhookDescription(bad)
			return err
		}},
		{"q", func(bad string) error {
			_, err := carpool.MemberFilter{Query: bad}.Normalize()
			return err
		}},
	}
	for _, f := range fields {
		for what, bad := range hostileText {
			err := f.check(bad)
			var named []string
			for _, fe := range carpool.ErrorFields(err) {
				named = append(named, fe.Field)
			}
			if carpool.ErrorCode(err) != carpool.EINVALID || !slices.Contains(named, f.field) {
				t.Errorf("%s with a %s: got %v (fields %v), want an invalid error naming %s", f.field, what, err, named, f.field)
			}
		}
	}
}

// TestDatesStayWithinTheHorizon: a commute may start, and a day of it be skipped, at
// most as far ahead as a ride may be offered, not in the year 9999.
func TestDatesStayWithinTheHorizon(t *testing.T) {
	now := utc(t, "2026-11-30T10:00:00Z")
	driver := carpool.Member{ID: "d"}
	private := carpool.Car{ID: "car", Kind: carpool.CarPrivate, OwnerID: "d", Seats: 5, Status: carpool.CarActive}
	in := validSeriesInput(t)
	in.StartsOn = day(t, "9999-12-27")
	if _, err := carpool.NewSeries(in, driver, private, now); carpool.ErrorField(err) != "starts_on" {
		t.Fatalf("a series starting in 9999: got %v, want an error about starts_on", err)
	}
	in.StartsOn = dateAhead(now, carpool.MaxDateAhead)
	if _, err := carpool.NewSeries(in, driver, private, now); err != nil {
		t.Fatalf("a series starting at the horizon: %v", err)
	}
	in.StartsOn = day(t, "2026-12-01")
	s, err := carpool.NewSeries(in, driver, private, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2999-12-01", "2028-12-01"} { // both Mondays, both beyond the horizon
		if err := s.CheckSkip(day(t, d), driver, now); carpool.ErrorField(err) != "date" {
			t.Errorf("skip %s: got %v, want an error about date", d, err)
		}
	}
	if err := s.CheckSkip(day(t, "2027-03-01"), driver, now); err != nil {
		t.Errorf("skip a Monday within the horizon: %v", err)
	}
}

// dateAhead is the calendar day d after now, in UTC.
func dateAhead(now time.Time, d time.Duration) carpool.Date { return carpool.DateOf(now.Add(d)) }

// TestChangeProfileReportsBothFields: a wrong name and a wrong phone are named together,
// and neither is changed.
func TestChangeProfileReportsBothFields(t *testing.T) {
	m := carpool.Member{Name: "Ann", Phone: "+49 89 1"}
	name, phone := "Ann\a", "call me"
	err := m.ChangeProfile(&name, &phone)
	var got []string
	for _, f := range carpool.ErrorFields(err) {
		got = append(got, f.Field)
	}
	if !slices.Equal(got, []string{"name", "phone"}) || m.Name != "Ann" || m.Phone != "+49 89 1" {
		t.Fatalf("got fields %v and member %+v, want name and phone named and nothing changed", got, m)
	}
}
