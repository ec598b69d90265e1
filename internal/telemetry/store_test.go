package telemetry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"carpool/internal/buildinfo"
	"carpool/internal/carpool"
	"carpool/internal/telemetry"
)

// fakeStore answers the calls the tests make; any other call panics on the nil Store.
type fakeStore struct {
	carpool.Store
	err  error
	site carpool.Site
}

// InTx runs fn over a transaction that accepts events, then fails with f.err as a
// commit would.
func (f *fakeStore) InTx(_ context.Context, fn func(carpool.Tx) error) error {
	if err := fn(fakeTx{}); err != nil {
		return err
	}
	return f.err
}

type fakeTx struct{ carpool.Tx }

func (fakeTx) Append(context.Context, ...carpool.Event) error        { return nil }
func (fakeTx) SaveRideBook(context.Context, *carpool.RideBook) error { return nil }

func (f *fakeStore) Site(context.Context, string) (carpool.Site, error) { return f.site, f.err }

// bookingOutcomes are the outcomes carpool_bookings_total starts with.
var bookingOutcomes = []string{"confirmed", "pending", "waitlisted", "full", "conflict", "invalid", "forbidden", "not_found", "error"}

// decide runs op on a RideBook of a ride ahead in a transaction of s and returns what
// the transaction returned.
func decide(s carpool.Store, ride carpool.Ride, op func(rb *carpool.RideBook, now time.Time) error) error {
	ctx := context.Background()
	return s.InTx(ctx, func(tx carpool.Tx) error {
		rb := &carpool.RideBook{Ride: ride}
		if err := op(rb, time.Now()); err != nil {
			return err
		}
		return tx.SaveRideBook(ctx, rb)
	})
}

func openRide(mode carpool.BookingMode) carpool.Ride {
	return carpool.Ride{ID: "r1", DriverID: "driver", Seats: 1, BookingMode: mode, Status: carpool.RideOpen,
		DepartAt: time.Now().Add(time.Hour)}
}

// TestBookingsAreCountedByOutcome books through committed transactions (a made booking
// is counted from its event) and through BookingRefused (a refused one by its error).
func TestBookingsAreCountedByOutcome(t *testing.T) {
	passenger := carpool.Member{ID: "passenger"}
	book := func(req carpool.BookingRequest) func(*carpool.RideBook, time.Time) error {
		return func(rb *carpool.RideBook, now time.Time) error {
			_, err := rb.Book(passenger, req, now)
			return err
		}
	}
	full := openRide(carpool.BookingInstant)
	full.SeatsTaken = 1
	tests := []struct {
		name string
		run  func(s carpool.Store, m *telemetry.Metrics)
		want string
	}{
		{"confirmed", func(s carpool.Store, _ *telemetry.Metrics) {
			_ = decide(s, openRide(carpool.BookingInstant), book(carpool.BookingRequest{Seats: 1}))
		}, "confirmed"},
		{"pending", func(s carpool.Store, _ *telemetry.Metrics) {
			_ = decide(s, openRide(carpool.BookingApproval), book(carpool.BookingRequest{Seats: 1}))
		}, "pending"},
		{"waitlisted", func(s carpool.Store, _ *telemetry.Metrics) {
			_ = decide(s, full, book(carpool.BookingRequest{Seats: 1, Waitlist: true}))
		}, "waitlisted"},
		{"full", func(_ carpool.Store, m *telemetry.Metrics) {
			m.BookingRefused(carpool.FieldErrorf(carpool.ECONFLICT, "seats", "ride is full"))
		}, "full"},
		{"second booking", func(_ carpool.Store, m *telemetry.Metrics) {
			m.BookingRefused(carpool.Errorf(carpool.ECONFLICT, "you already hold a booking"))
		}, "conflict"},
		{"own ride", func(_ carpool.Store, m *telemetry.Metrics) {
			m.BookingRefused(carpool.Errorf(carpool.EFORBIDDEN, "own ride"))
		}, "forbidden"},
		{"unknown ride", func(_ carpool.Store, m *telemetry.Metrics) {
			m.BookingRefused(carpool.Errorf(carpool.ENOTFOUND, "ride not found"))
		}, "not_found"},
		{"database down", func(_ carpool.Store, m *telemetry.Metrics) {
			m.BookingRefused(errors.New("connection refused"))
		}, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := telemetry.NewMetrics(buildinfo.Info{})
			tt.run(telemetry.InstrumentStore(&fakeStore{}, m), m)
			if got := counter(t, m, "carpool_bookings_total", map[string]string{"outcome": tt.want}); got != 1 {
				t.Fatalf("carpool_bookings_total{outcome=%q}: got %v, want 1", tt.want, got)
			}
			var total float64
			for _, o := range bookingOutcomes {
				total += counter(t, m, "carpool_bookings_total", map[string]string{"outcome": o})
			}
			if total != 1 {
				t.Fatalf("bookings counted over all outcomes: got %v, want 1", total)
			}
		})
	}
}

// TestOnlyCommittedChangesAreCounted: a transaction that fails (here at commit) changed
// nothing and counts nothing; a booking ended by its ride's cancellation is counted as
// the ride's cancellation, not as a booking change.
func TestOnlyCommittedChangesAreCounted(t *testing.T) {
	m := telemetry.NewMetrics(buildinfo.Info{})
	ok := telemetry.InstrumentStore(&fakeStore{}, m)
	failing := telemetry.InstrumentStore(&fakeStore{err: errors.New("commit failed")}, m)
	ctx := context.Background()
	passenger, driver := carpool.Member{ID: "passenger"}, carpool.Member{ID: "driver"}
	for _, s := range []carpool.Store{ok, failing} {
		_ = s.InTx(ctx, func(tx carpool.Tx) error {
			return tx.Append(ctx, carpool.RideCreatedEvent(carpool.Ride{ID: "r1"}, time.Now()))
		})
		_ = decide(s, openRide(carpool.BookingInstant), func(rb *carpool.RideBook, now time.Time) error {
			b, err := rb.Book(passenger, carpool.BookingRequest{Seats: 1}, now)
			if err != nil {
				return err
			}
			_, err = rb.Cancel(b.ID, passenger, now)
			return err
		})
		_ = decide(s, openRide(carpool.BookingApproval), func(rb *carpool.RideBook, now time.Time) error {
			b, err := rb.Book(passenger, carpool.BookingRequest{Seats: 1}, now)
			if err != nil {
				return err
			}
			_, err = rb.Confirm(b.ID, driver, now)
			if err != nil {
				return err
			}
			return rb.CancelRide(driver, now)
		})
	}
	want := map[string]float64{"confirmed": 1, "rejected": 0, "cancelled": 1}
	for change, n := range want {
		if got := counter(t, m, "carpool_booking_changes_total", map[string]string{"change": change}); got != n {
			t.Errorf("carpool_booking_changes_total{change=%s}: got %v, want %v", change, got, n)
		}
	}
	if got := counter(t, m, "carpool_rides_created_total", nil); got != 1 {
		t.Errorf("carpool_rides_created_total: got %v, want 1", got)
	}
	if got := counter(t, m, "carpool_rides_cancelled_total", nil); got != 1 {
		t.Errorf("carpool_rides_cancelled_total: got %v, want 1", got)
	}
}
