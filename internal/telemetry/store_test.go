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
	booking carpool.Booking
	err     error
	site    carpool.Site
}

func (f *fakeStore) BookSeats(context.Context, string, carpool.Member, carpool.BookingRequest) (carpool.Booking, error) {
	return f.booking, f.err
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

func (fakeTx) Append(context.Context, ...carpool.Event) error { return nil }

func (f *fakeStore) CancelBooking(context.Context, string, carpool.Member) (carpool.Booking, error) {
	return f.booking, f.err
}

func (f *fakeStore) Site(context.Context, string) (carpool.Site, error) { return f.site, f.err }

func TestInstrumentStoreCountsBookingOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		booking carpool.Booking
		err     error
		want    string
	}{
		{"confirmed", carpool.Booking{Status: carpool.BookingConfirmed}, nil, "confirmed"},
		{"pending", carpool.Booking{Status: carpool.BookingPending}, nil, "pending"},
		{"waitlisted", carpool.Booking{Status: carpool.BookingWaitlisted}, nil, "waitlisted"},
		{"full", carpool.Booking{}, carpool.FieldErrorf(carpool.ECONFLICT, "seats", "ride is full"), "full"},
		{"second booking", carpool.Booking{}, carpool.Errorf(carpool.ECONFLICT, "you already hold a booking"), "conflict"},
		{"own ride", carpool.Booking{}, carpool.Errorf(carpool.EFORBIDDEN, "own ride"), "forbidden"},
		{"unknown ride", carpool.Booking{}, carpool.Errorf(carpool.ENOTFOUND, "ride not found"), "not_found"},
		{"database down", carpool.Booking{}, errors.New("connection refused"), "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := telemetry.NewMetrics(buildinfo.Info{})
			s := telemetry.InstrumentStore(&fakeStore{booking: tt.booking, err: tt.err}, m)
			b, err := s.BookSeats(context.Background(), "r1", carpool.Member{}, carpool.BookingRequest{Seats: 1})
			if b != tt.booking || !errors.Is(err, tt.err) {
				t.Fatalf("decorator changed the result: got %v, %v; want %v, %v", b, err, tt.booking, tt.err)
			}
			if got := counter(t, m, "carpool_bookings_total", map[string]string{"outcome": tt.want}); got != 1 {
				t.Fatalf("carpool_bookings_total{outcome=%q}: got %v, want 1", tt.want, got)
			}
			var total float64
			for _, o := range []string{"confirmed", "pending", "waitlisted", "full", "conflict", "invalid", "forbidden", "not_found", "error"} {
				total += counter(t, m, "carpool_bookings_total", map[string]string{"outcome": o})
			}
			if total != 1 {
				t.Fatalf("bookings counted over all outcomes: got %v, want 1", total)
			}
		})
	}
}

func TestInstrumentStoreCountsOnlySuccessfulChanges(t *testing.T) {
	m := telemetry.NewMetrics(buildinfo.Info{})
	ok := telemetry.InstrumentStore(&fakeStore{booking: carpool.Booking{Status: carpool.BookingCancelled}}, m)
	failing := telemetry.InstrumentStore(&fakeStore{err: carpool.Errorf(carpool.ECONFLICT, "already cancelled")}, m)
	ctx := context.Background()
	for _, s := range []carpool.Store{ok, failing} {
		_ = s.InTx(ctx, func(tx carpool.Tx) error {
			return tx.Append(ctx, carpool.RideCreatedEvent(carpool.Ride{ID: "r1"}, time.Now()))
		})
		s.CancelBooking(ctx, "b1", carpool.Member{})
	}
	if got := counter(t, m, "carpool_rides_created_total", nil); got != 1 {
		t.Errorf("carpool_rides_created_total: got %v, want 1", got)
	}
	if got := counter(t, m, "carpool_booking_changes_total", map[string]string{"change": "cancelled"}); got != 1 {
		t.Errorf("carpool_booking_changes_total{change=cancelled}: got %v, want 1", got)
	}
}
