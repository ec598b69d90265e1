package carpool_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestNeedsAlternatives(t *testing.T) {
	for _, c := range []struct {
		name string
		b    carpool.Booking
		want bool
	}{
		{"rejected", carpool.Booking{PassengerID: "p", Status: carpool.BookingRejected, CancelledBy: "d"}, true},
		{"cancelled by the driver", carpool.Booking{PassengerID: "p", Status: carpool.BookingCancelled, CancelledBy: "d"}, true},
		{"cancelled by the passenger", carpool.Booking{PassengerID: "p", Status: carpool.BookingCancelled, CancelledBy: "p"}, false},
		{"confirmed", carpool.Booking{PassengerID: "p", Status: carpool.BookingConfirmed}, false},
		{"pending", carpool.Booking{PassengerID: "p", Status: carpool.BookingPending}, false},
		{"waitlisted", carpool.Booking{PassengerID: "p", Status: carpool.BookingWaitlisted}, false},
	} {
		if got := c.b.NeedsAlternatives(); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAlternativeQuery(t *testing.T) {
	dep := time.Date(2026, 12, 8, 7, 0, 0, 0, time.UTC)
	lost := carpool.Ride{ID: "lost", DriverID: "d", DepartAt: dep,
		From: carpool.Place{Label: "A", Lat: 48.1372, Lon: 11.5756}, To: carpool.Place{Label: "B", Lat: 48.3538, Lon: 11.7861}}
	plain := carpool.AlternativeQuery(lost, carpool.Booking{PassengerID: "p", Seats: 2})
	if !plain.Route || plain.Seats != 2 || *plain.From != lost.From.Point() || *plain.To != lost.To.Point() ||
		!plain.DepartAfter.Equal(dep.Add(-carpool.AlternativeWindow)) || !plain.DepartBefore.Equal(dep.Add(carpool.AlternativeWindow)) {
		t.Errorf("without points: got %+v", plain)
	}
	pickup := carpool.Place{Label: "P", Lat: 48.19, Lon: 11.615}
	dropoff := carpool.Place{Label: "Q", Lat: 48.249, Lon: 11.651}
	along := carpool.AlternativeQuery(lost, carpool.Booking{PassengerID: "p", Seats: 1, Pickup: &pickup, Dropoff: &dropoff})
	at := lost.PickupAt(lost.Insert(&carpool.Point{Lat: 48.19, Lon: 11.615}, &carpool.Point{Lat: 48.249, Lon: 11.651}))
	if *along.From != pickup.Point() || *along.To != dropoff.Point() || !at.After(dep) ||
		!along.DepartAfter.Equal(at.Add(-carpool.AlternativeWindow)) || !along.DepartBefore.Equal(at.Add(carpool.AlternativeWindow)) {
		t.Errorf("with points: got %+v, want the window around %s", along, at)
	}
}

// searchFunc is a ride search over a fixed answer.
type searchFunc func(carpool.RideQuery) []carpool.RideMatch

func (f searchFunc) SearchRides(_ context.Context, q carpool.RideQuery, _, _ int) ([]carpool.RideMatch, error) {
	return f(q), nil
}

func TestSearchAlternatives(t *testing.T) {
	now := time.Date(2026, 12, 8, 6, 0, 0, 0, time.UTC)
	lost := carpool.Ride{ID: "lost", DriverID: "d", DepartAt: now.Add(time.Hour),
		From: carpool.Place{Lat: 48.1372, Lon: 11.5756}, To: carpool.Place{Lat: 48.3538, Lon: 11.7861}}
	b := carpool.Booking{PassengerID: "p", Seats: 1}
	var asked carpool.RideQuery
	found := []carpool.RideMatch{{Ride: carpool.Ride{ID: "lost"}}, {Ride: carpool.Ride{ID: "own", DriverID: "p"}},
		{Ride: carpool.Ride{ID: "a"}}, {Ride: carpool.Ride{ID: "b"}}, {Ride: carpool.Ride{ID: "c"}}, {Ride: carpool.Ride{ID: "d"}}}
	got, err := carpool.SearchAlternatives(context.Background(), searchFunc(func(q carpool.RideQuery) []carpool.RideMatch {
		asked = q
		return found
	}), lost, b, now)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range got {
		ids = append(ids, m.Ride.ID)
	}
	if len(ids) != carpool.MaxAlternatives || ids[0] != "a" || ids[2] != "c" {
		t.Errorf("kept: got %v, want the best %d but the lost ride and the passenger's own", ids, carpool.MaxAlternatives)
	}
	if !asked.DepartAfter.Equal(now) {
		t.Errorf("the window starts at %s, want now (%s): no ride leaves in the past", asked.DepartAfter, now)
	}
	past, err := carpool.SearchAlternatives(context.Background(), searchFunc(func(carpool.RideQuery) []carpool.RideMatch { return found }),
		lost, b, now.Add(3*time.Hour))
	if err != nil || past != nil {
		t.Errorf("after the lost ride's time: got %v, %v, want none", past, err)
	}
}
