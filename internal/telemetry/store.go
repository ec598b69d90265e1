package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"carpool/internal/carpool"
)

// tracerName identifies carpool's own spans.
const tracerName = "carpool/internal/telemetry"

// InstrumentStore returns s with a span around every call (a child of the request's
// span) and the business counters of m (may be nil) counted from the results, so no
// handler has to remember to count. Ping is not traced: probes call it every second.
func InstrumentStore(s carpool.Store, m *Metrics) carpool.Store {
	return &instrumentedStore{next: s, m: m, tracer: otel.Tracer(tracerName)}
}

type instrumentedStore struct {
	next   carpool.Store
	m      *Metrics
	tracer trace.Tracer
}

var _ carpool.Store = (*instrumentedStore)(nil)

// start opens the span of one store call; end closes it, recording an internal failure
// as an error (a domain refusal such as a full ride is an answer, not a failure).
func (s *instrumentedStore) start(ctx context.Context, op string) (context.Context, func(error)) {
	ctx, span := s.tracer.Start(ctx, "store."+op, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attribute.String("carpool.store.operation", op)))
	return ctx, func(err error) {
		if err != nil {
			code := carpool.ErrorCode(err)
			span.SetAttributes(attribute.String("carpool.error.code", code))
			if code == carpool.EINTERNAL {
				span.RecordError(err)
				span.SetStatus(codes.Error, "store call failed")
			}
		}
		span.End()
	}
}

// outcome names a failed domain call for the business counters.
func outcome(err error, conflict string) string {
	switch carpool.ErrorCode(err) {
	case carpool.ECONFLICT:
		return conflict
	case carpool.EINVALID:
		return "invalid"
	case carpool.EFORBIDDEN:
		return "forbidden"
	case carpool.ENOTFOUND:
		return "not_found"
	default:
		return "error"
	}
}

func (s *instrumentedStore) Ping(ctx context.Context) error { return s.next.Ping(ctx) }
func (s *instrumentedStore) Close() error                   { return s.next.Close() }

func (s *instrumentedStore) CreateMember(ctx context.Context, m carpool.Member) (err error) {
	ctx, end := s.start(ctx, "CreateMember")
	defer func() { end(err) }()
	return s.next.CreateMember(ctx, m)
}

func (s *instrumentedStore) Member(ctx context.Context, id string) (_ carpool.Member, err error) {
	ctx, end := s.start(ctx, "Member")
	defer func() { end(err) }()
	return s.next.Member(ctx, id)
}

func (s *instrumentedStore) MemberByEmail(ctx context.Context, email string) (_ carpool.Member, err error) {
	ctx, end := s.start(ctx, "MemberByEmail")
	defer func() { end(err) }()
	return s.next.MemberByEmail(ctx, email)
}

func (s *instrumentedStore) Members(ctx context.Context, ids []string) (_ []carpool.Member, err error) {
	ctx, end := s.start(ctx, "Members")
	defer func() { end(err) }()
	return s.next.Members(ctx, ids)
}

func (s *instrumentedStore) CreateToken(ctx context.Context, t carpool.Token) (err error) {
	ctx, end := s.start(ctx, "CreateToken")
	defer func() { end(err) }()
	return s.next.CreateToken(ctx, t)
}

func (s *instrumentedStore) MemberByToken(ctx context.Context, hash string, now time.Time) (_ carpool.Member, _ carpool.Token, err error) {
	ctx, end := s.start(ctx, "MemberByToken")
	defer func() { end(err) }()
	return s.next.MemberByToken(ctx, hash, now)
}

func (s *instrumentedStore) DeleteToken(ctx context.Context, id string) (err error) {
	ctx, end := s.start(ctx, "DeleteToken")
	defer func() { end(err) }()
	return s.next.DeleteToken(ctx, id)
}

func (s *instrumentedStore) CreateSite(ctx context.Context, site carpool.Site) (err error) {
	ctx, end := s.start(ctx, "CreateSite")
	defer func() { end(err) }()
	return s.next.CreateSite(ctx, site)
}

func (s *instrumentedStore) Site(ctx context.Context, id string) (_ carpool.Site, err error) {
	ctx, end := s.start(ctx, "Site")
	defer func() { end(err) }()
	return s.next.Site(ctx, id)
}

func (s *instrumentedStore) Sites(ctx context.Context, p carpool.Page) (_ []carpool.Site, _ string, err error) {
	ctx, end := s.start(ctx, "Sites")
	defer func() { end(err) }()
	return s.next.Sites(ctx, p)
}

func (s *instrumentedStore) UpdateSite(ctx context.Context, id string, ifVersion int, change func(*carpool.Site) error) (_ carpool.Site, err error) {
	ctx, end := s.start(ctx, "UpdateSite")
	defer func() { end(err) }()
	return s.next.UpdateSite(ctx, id, ifVersion, change)
}

func (s *instrumentedStore) CreateCar(ctx context.Context, c carpool.Car) (err error) {
	ctx, end := s.start(ctx, "CreateCar")
	defer func() { end(err) }()
	return s.next.CreateCar(ctx, c)
}

func (s *instrumentedStore) Car(ctx context.Context, id string) (_ carpool.Car, err error) {
	ctx, end := s.start(ctx, "Car")
	defer func() { end(err) }()
	return s.next.Car(ctx, id)
}

func (s *instrumentedStore) Cars(ctx context.Context, f carpool.CarFilter, p carpool.Page) (_ []carpool.Car, _ string, err error) {
	ctx, end := s.start(ctx, "Cars")
	defer func() { end(err) }()
	return s.next.Cars(ctx, f, p)
}

func (s *instrumentedStore) UpdateCar(ctx context.Context, id string, ifVersion int, change func(*carpool.Car) error) (_ carpool.Car, err error) {
	ctx, end := s.start(ctx, "UpdateCar")
	defer func() { end(err) }()
	return s.next.UpdateCar(ctx, id, ifVersion, change)
}

func (s *instrumentedStore) CreateReservation(ctx context.Context, carID string, by carpool.Member, kind carpool.ReservationKind, start, end time.Time) (_ carpool.Reservation, err error) {
	ctx, done := s.start(ctx, "CreateReservation")
	defer func() {
		done(err)
		if s.m != nil {
			o := "created"
			if err != nil {
				o = outcome(err, "overlap")
			}
			s.m.reservations.WithLabelValues(o).Inc()
		}
	}()
	return s.next.CreateReservation(ctx, carID, by, kind, start, end)
}

func (s *instrumentedStore) Reservation(ctx context.Context, id string) (_ carpool.Reservation, err error) {
	ctx, end := s.start(ctx, "Reservation")
	defer func() { end(err) }()
	return s.next.Reservation(ctx, id)
}

func (s *instrumentedStore) Reservations(ctx context.Context, f carpool.ReservationFilter, p carpool.Page) (_ []carpool.Reservation, _ string, err error) {
	ctx, end := s.start(ctx, "Reservations")
	defer func() { end(err) }()
	return s.next.Reservations(ctx, f, p)
}

func (s *instrumentedStore) CancelReservation(ctx context.Context, id string, by carpool.Member) (_ carpool.Reservation, err error) {
	ctx, end := s.start(ctx, "CancelReservation")
	defer func() {
		end(err)
		if err == nil && s.m != nil {
			s.m.reservationsEnd.Inc()
		}
	}()
	return s.next.CancelReservation(ctx, id, by)
}

func (s *instrumentedStore) CreateRide(ctx context.Context, in carpool.RideInput, driver carpool.Member) (_ carpool.Ride, err error) {
	ctx, end := s.start(ctx, "CreateRide")
	defer func() {
		end(err)
		if err == nil && s.m != nil {
			s.m.ridesCreated.Inc()
		}
	}()
	return s.next.CreateRide(ctx, in, driver)
}

func (s *instrumentedStore) Ride(ctx context.Context, id string) (_ carpool.Ride, err error) {
	ctx, end := s.start(ctx, "Ride")
	defer func() { end(err) }()
	return s.next.Ride(ctx, id)
}

func (s *instrumentedStore) Rides(ctx context.Context, f carpool.RideFilter, p carpool.Page) (_ []carpool.Ride, _ string, err error) {
	ctx, end := s.start(ctx, "Rides")
	defer func() { end(err) }()
	return s.next.Rides(ctx, f, p)
}

func (s *instrumentedStore) SearchRides(ctx context.Context, q carpool.RideQuery, offset, limit int) (_ []carpool.RideMatch, err error) {
	ctx, end := s.start(ctx, "SearchRides")
	defer func() { end(err) }()
	return s.next.SearchRides(ctx, q, offset, limit)
}

func (s *instrumentedStore) UpdateRide(ctx context.Context, id string, ifVersion int, p carpool.RidePatch, by carpool.Member) (_ carpool.Ride, err error) {
	ctx, end := s.start(ctx, "UpdateRide")
	defer func() { end(err) }()
	return s.next.UpdateRide(ctx, id, ifVersion, p, by)
}

func (s *instrumentedStore) CancelRide(ctx context.Context, id string, by carpool.Member) (_ carpool.Ride, err error) {
	ctx, end := s.start(ctx, "CancelRide")
	defer func() {
		end(err)
		if err == nil && s.m != nil {
			s.m.ridesCancelled.Inc()
		}
	}()
	return s.next.CancelRide(ctx, id, by)
}

func (s *instrumentedStore) BookSeats(ctx context.Context, rideID string, passenger carpool.Member, req carpool.BookingRequest) (b carpool.Booking, err error) {
	ctx, end := s.start(ctx, "BookSeats")
	defer func() {
		end(err)
		if s.m == nil {
			return
		}
		o := string(b.Status)
		if err != nil {
			// The domain refuses a full ride (and too few free seats) as a conflict on
			// the seats field; other conflicts are a second booking and the like.
			o = outcome(err, "conflict")
			if carpool.ErrorCode(err) == carpool.ECONFLICT && carpool.ErrorField(err) == "seats" {
				o = "full"
			}
		}
		s.m.bookings.WithLabelValues(o).Inc()
	}()
	return s.next.BookSeats(ctx, rideID, passenger, req)
}

func (s *instrumentedStore) Booking(ctx context.Context, id string) (_ carpool.Booking, err error) {
	ctx, end := s.start(ctx, "Booking")
	defer func() { end(err) }()
	return s.next.Booking(ctx, id)
}

func (s *instrumentedStore) Bookings(ctx context.Context, f carpool.BookingFilter, p carpool.Page) (_ []carpool.Booking, _ string, err error) {
	ctx, end := s.start(ctx, "Bookings")
	defer func() { end(err) }()
	return s.next.Bookings(ctx, f, p)
}

// bookingChange runs a change of a booking's state and counts it when it succeeds.
func (s *instrumentedStore) bookingChange(ctx context.Context, op, change string, fn func(context.Context) (carpool.Booking, error)) (b carpool.Booking, err error) {
	ctx, end := s.start(ctx, op)
	defer func() {
		end(err)
		if err == nil && s.m != nil {
			s.m.bookingChanges.WithLabelValues(change).Inc()
		}
	}()
	return fn(ctx)
}

func (s *instrumentedStore) ConfirmBooking(ctx context.Context, id string, by carpool.Member) (carpool.Booking, error) {
	return s.bookingChange(ctx, "ConfirmBooking", "confirmed", func(ctx context.Context) (carpool.Booking, error) {
		return s.next.ConfirmBooking(ctx, id, by)
	})
}

func (s *instrumentedStore) RejectBooking(ctx context.Context, id string, by carpool.Member) (carpool.Booking, error) {
	return s.bookingChange(ctx, "RejectBooking", "rejected", func(ctx context.Context) (carpool.Booking, error) {
		return s.next.RejectBooking(ctx, id, by)
	})
}

func (s *instrumentedStore) CancelBooking(ctx context.Context, id string, by carpool.Member) (carpool.Booking, error) {
	return s.bookingChange(ctx, "CancelBooking", "cancelled", func(ctx context.Context) (carpool.Booking, error) {
		return s.next.CancelBooking(ctx, id, by)
	})
}

func (s *instrumentedStore) Events(ctx context.Context, afterSeq int64, limit int) (_ []carpool.Event, err error) {
	ctx, end := s.start(ctx, "Events")
	defer func() { end(err) }()
	return s.next.Events(ctx, afterSeq, limit)
}

func (s *instrumentedStore) ReserveIdempotencyKey(ctx context.Context, rec carpool.IdempotencyRecord) (_ carpool.IdempotencyRecord, _ bool, err error) {
	ctx, end := s.start(ctx, "ReserveIdempotencyKey")
	defer func() { end(err) }()
	return s.next.ReserveIdempotencyKey(ctx, rec)
}

func (s *instrumentedStore) CompleteIdempotencyKey(ctx context.Context, rec carpool.IdempotencyRecord) (err error) {
	ctx, end := s.start(ctx, "CompleteIdempotencyKey")
	defer func() { end(err) }()
	return s.next.CompleteIdempotencyKey(ctx, rec)
}

func (s *instrumentedStore) ReleaseIdempotencyKey(ctx context.Context, scope, key string) (err error) {
	ctx, end := s.start(ctx, "ReleaseIdempotencyKey")
	defer func() { end(err) }()
	return s.next.ReleaseIdempotencyKey(ctx, scope, key)
}

func (s *instrumentedStore) CarsByID(ctx context.Context, ids []string) (_ []carpool.Car, err error) {
	ctx, end := s.start(ctx, "CarsByID")
	defer func() { end(err) }()
	return s.next.CarsByID(ctx, ids)
}

func (s *instrumentedStore) RidesByID(ctx context.Context, ids []string) (_ []carpool.Ride, err error) {
	ctx, end := s.start(ctx, "RidesByID")
	defer func() { end(err) }()
	return s.next.RidesByID(ctx, ids)
}

func (s *instrumentedStore) RideBookings(ctx context.Context, rideIDs ...string) (_ []carpool.Booking, err error) {
	ctx, end := s.start(ctx, "RideBookings")
	defer func() { end(err) }()
	return s.next.RideBookings(ctx, rideIDs...)
}

func (s *instrumentedStore) PassengerBookings(ctx context.Context, passengerID string, rideIDs []string) (_ []carpool.Booking, err error) {
	ctx, end := s.start(ctx, "PassengerBookings")
	defer func() { end(err) }()
	return s.next.PassengerBookings(ctx, passengerID, rideIDs)
}

func (s *instrumentedStore) Utilisation(ctx context.Context, from, to time.Time) (_ []carpool.CarUsage, err error) {
	ctx, end := s.start(ctx, "Utilisation")
	defer func() { end(err) }()
	return s.next.Utilisation(ctx, from, to)
}

func (s *instrumentedStore) ListMembers(ctx context.Context, f carpool.MemberFilter, p carpool.Page) (_ []carpool.Member, _ string, err error) {
	ctx, end := s.start(ctx, "ListMembers")
	defer func() { end(err) }()
	return s.next.ListMembers(ctx, f, p)
}

func (s *instrumentedStore) SetRole(ctx context.Context, id string, role carpool.Role, by carpool.Member) (_ carpool.Member, err error) {
	ctx, end := s.start(ctx, "SetRole")
	defer func() { end(err) }()
	return s.next.SetRole(ctx, id, role, by)
}

func (s *instrumentedStore) DeactivateMember(ctx context.Context, id string, by carpool.Member) (_ carpool.Deactivation, err error) {
	ctx, end := s.start(ctx, "DeactivateMember")
	defer func() { end(err) }()
	return s.next.DeactivateMember(ctx, id, by)
}

func (s *instrumentedStore) ReactivateMember(ctx context.Context, id string, by carpool.Member) (_ carpool.Member, err error) {
	ctx, end := s.start(ctx, "ReactivateMember")
	defer func() { end(err) }()
	return s.next.ReactivateMember(ctx, id, by)
}

func (s *instrumentedStore) UpdateMember(ctx context.Context, id string, change func(*carpool.Member) error) (_ carpool.Member, err error) {
	ctx, end := s.start(ctx, "UpdateMember")
	defer func() { end(err) }()
	return s.next.UpdateMember(ctx, id, change)
}

func (s *instrumentedStore) MemberTokens(ctx context.Context, memberID string, now time.Time) (_ []carpool.Token, err error) {
	ctx, end := s.start(ctx, "MemberTokens")
	defer func() { end(err) }()
	return s.next.MemberTokens(ctx, memberID, now)
}

func (s *instrumentedStore) DeleteMemberTokens(ctx context.Context, memberID, keep string) (_ int, err error) {
	ctx, end := s.start(ctx, "DeleteMemberTokens")
	defer func() { end(err) }()
	return s.next.DeleteMemberTokens(ctx, memberID, keep)
}

func (s *instrumentedStore) AppendAudit(ctx context.Context, e carpool.AuditEntry) (err error) {
	ctx, end := s.start(ctx, "AppendAudit")
	defer func() { end(err) }()
	return s.next.AppendAudit(ctx, e)
}

func (s *instrumentedStore) AuditLog(ctx context.Context, f carpool.AuditFilter, p carpool.Page) (_ []carpool.AuditEntry, _ string, err error) {
	ctx, end := s.start(ctx, "AuditLog")
	defer func() { end(err) }()
	return s.next.AuditLog(ctx, f, p)
}

func (s *instrumentedStore) EraseMember(ctx context.Context, id string, by carpool.Member) (err error) {
	ctx, end := s.start(ctx, "EraseMember")
	defer func() { end(err) }()
	return s.next.EraseMember(ctx, id, by)
}

func (s *instrumentedStore) RideFigures(ctx context.Context, f carpool.RideFigureFilter) (_ carpool.RideFigures, err error) {
	ctx, end := s.start(ctx, "RideFigures")
	defer func() { end(err) }()
	return s.next.RideFigures(ctx, f)
}

func (s *instrumentedStore) TakeSignInAttempt(ctx context.Context, keys []carpool.ThrottleKey) (_ []time.Duration, err error) {
	ctx, end := s.start(ctx, "TakeSignInAttempt")
	defer func() { end(err) }()
	return s.next.TakeSignInAttempt(ctx, keys)
}

func (s *instrumentedStore) ResetSignInAttempts(ctx context.Context, key string) (err error) {
	ctx, end := s.start(ctx, "ResetSignInAttempts")
	defer func() { end(err) }()
	return s.next.ResetSignInAttempts(ctx, key)
}

func (s *instrumentedStore) RefundSignInAttempt(ctx context.Context, key carpool.ThrottleKey) (err error) {
	ctx, end := s.start(ctx, "RefundSignInAttempt")
	defer func() { end(err) }()
	return s.next.RefundSignInAttempt(ctx, key)
}

func (s *instrumentedStore) SetMemberRole(ctx context.Context, id string, role carpool.Role) (_ carpool.Member, err error) {
	ctx, end := s.start(ctx, "SetMemberRole")
	defer func() { end(err) }()
	return s.next.SetMemberRole(ctx, id, role)
}
