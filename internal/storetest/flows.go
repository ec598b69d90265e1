package storetest

import (
	"context"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// Flows runs the changes that used to be store methods through the application layer,
// which now holds them (load, let the domain decide, save in one Tx): the suite checks
// that the two together keep every rule on each engine, and the race tests that they
// do so under concurrency.
type Flows struct {
	a *app.App
	s carpool.Store
}

// NewFlows returns the changes over s, for tests that set up data through the old
// store-shaped calls.
func NewFlows(s carpool.Store) Flows { return Flows{a: app.New(s, app.Options{}), s: s} }

func (f Flows) CreateRide(ctx context.Context, in carpool.RideInput, driver carpool.Member) (carpool.Ride, error) {
	return f.a.OfferRide(ctx, driver, in)
}

func (f Flows) UpdateRide(ctx context.Context, id string, ifVersion int, p carpool.RidePatch, by carpool.Member) (carpool.Ride, error) {
	return f.a.UpdateRide(ctx, by, id, ifVersion, p)
}

func (f Flows) CancelRide(ctx context.Context, id string, by carpool.Member) (carpool.Ride, error) {
	return f.a.CancelRide(ctx, by, id, false)
}

// CancelRideFreeingCar cancels a ride and the pool-car reservation it rests on, unless
// another open ride still rests on it.
func (f Flows) CancelRideFreeingCar(ctx context.Context, id string, by carpool.Member) (carpool.Ride, error) {
	return f.a.CancelRide(ctx, by, id, true)
}

func (f Flows) CreateReservation(ctx context.Context, carID string, by carpool.Member, kind carpool.ReservationKind, start, end time.Time) (carpool.Reservation, error) {
	return f.a.Reserve(ctx, by, carID, kind, start, end)
}

func (f Flows) CancelReservation(ctx context.Context, id string, by carpool.Member) (carpool.Reservation, error) {
	return f.a.CancelReservation(ctx, by, id)
}

func (f Flows) CreateSeries(ctx context.Context, in carpool.SeriesInput, driver carpool.Member) (carpool.Series, error) {
	return f.a.OfferSeries(ctx, driver, in)
}

func (f Flows) MaterialiseSeries(ctx context.Context, horizon time.Duration) (carpool.SeriesReport, error) {
	return f.a.MaterialiseSeries(ctx, horizon)
}

func (f Flows) SkipSeriesDate(ctx context.Context, id string, d carpool.Date, by carpool.Member) (carpool.Occurrence, error) {
	return f.a.SkipSeriesDate(ctx, by, id, d)
}

func (f Flows) UpdateSeries(ctx context.Context, id string, ifVersion int, p carpool.SeriesPatch, by carpool.Member) (carpool.Series, error) {
	return f.a.UpdateSeries(ctx, by, id, ifVersion, p)
}

func (f Flows) EndSeries(ctx context.Context, id string, by carpool.Member) (carpool.Series, error) {
	return f.a.EndSeries(ctx, by, id)
}

func (f Flows) Subscribe(ctx context.Context, seriesID string, passenger carpool.Member, days carpool.Weekdays, seats int) (carpool.Subscription, []carpool.Booking, error) {
	return f.a.Subscribe(ctx, passenger, seriesID, days, seats)
}

func (f Flows) Unsubscribe(ctx context.Context, seriesID string, passenger carpool.Member) (carpool.Subscription, error) {
	return f.a.Unsubscribe(ctx, passenger, seriesID)
}

func (f Flows) LeaveSeriesDate(ctx context.Context, seriesID string, d carpool.Date, passenger carpool.Member) (carpool.Booking, error) {
	return f.a.LeaveSeriesDate(ctx, passenger, seriesID, d)
}

func (f Flows) BookSeats(ctx context.Context, rideID string, passenger carpool.Member, req carpool.BookingRequest) (carpool.Booking, error) {
	return f.a.Book(ctx, passenger, rideID, req)
}

func (f Flows) ConfirmBooking(ctx context.Context, id string, by carpool.Member) (carpool.Booking, error) {
	return f.a.ConfirmBooking(ctx, by, id)
}

func (f Flows) RejectBooking(ctx context.Context, id string, by carpool.Member) (carpool.Booking, error) {
	return f.a.RejectBooking(ctx, by, id)
}

func (f Flows) CancelBooking(ctx context.Context, id string, by carpool.Member) (carpool.Booking, error) {
	return f.a.CancelBooking(ctx, by, id)
}

func (f Flows) UpdateCar(ctx context.Context, id string, ifVersion int, p app.CarPatch, by carpool.Member) (carpool.Car, error) {
	return f.a.UpdateCar(ctx, by, id, ifVersion, p)
}

func (f Flows) RetireCar(ctx context.Context, id string, by carpool.Member) (carpool.Car, error) {
	return f.a.RetireCar(ctx, by, id, 0)
}

func (f Flows) SetRole(ctx context.Context, id string, role carpool.Role, by carpool.Member) (carpool.Member, error) {
	return f.a.SetRole(ctx, by, id, role)
}

func (f Flows) DeactivateMember(ctx context.Context, id string, by carpool.Member) (carpool.Deactivation, error) {
	return f.a.Deactivate(ctx, by, id)
}

func (f Flows) EraseMember(ctx context.Context, id string, by carpool.Member) error {
	return f.a.EraseMember(ctx, by, id)
}

// WithLimits returns the changes under limits instead of carpool.DefaultLimits, for
// fixtures that make more than one member may hold.
func (f Flows) WithLimits(l carpool.Limits) Flows {
	return Flows{a: app.New(f.s, app.Options{Limits: &l}), s: f.s}
}

// ChangeMember applies change to a member under its row lock and saves the profile, as
// the application layer's profile and password changes do.
func (f Flows) ChangeMember(ctx context.Context, id string, change func(*carpool.Member) error) (carpool.Member, error) {
	var out carpool.Member
	err := f.s.InTx(ctx, func(tx carpool.Tx) error {
		m, err := tx.LockMember(ctx, id)
		if err != nil {
			return err
		}
		if err := change(&m); err != nil {
			return err
		}
		m.UpdatedAt = tx.Now()
		out = m
		return tx.SaveProfile(ctx, m)
	})
	return out, err
}

func (f Flows) PurgeBefore(ctx context.Context, before time.Time) (carpool.Purged, error) {
	return f.a.PurgeBefore(ctx, before)
}
