package telemetry

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"carpool/internal/carpool"
)

// tracerName identifies carpool's own spans.
const tracerName = "carpool/internal/telemetry"

//go:generate go run ./storegen

// InstrumentStore returns s with a span around every call (a child of the request's
// span) and the business counters of m (may be nil) counted from the results, so no
// handler has to remember to count. Ping is not traced: probes call it every second.
//
// The tracing is written once, in start; store_gen.go applies it to every method of
// carpool.Store that this file does not wrap by hand for its counters (storegen writes
// it; a test fails when the contract changed and it was not run again).
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

// InTx traces the transaction as one span and, once it has committed, counts what it
// did from the events it wrote: a rolled-back transaction changed nothing.
func (s *instrumentedStore) InTx(ctx context.Context, fn func(tx carpool.Tx) error) (err error) {
	ctx, end := s.start(ctx, "InTx")
	var seen *eventTx
	defer func() {
		end(err)
		if err == nil && s.m != nil && seen != nil {
			s.m.countEvents(seen.events)
		}
	}()
	return s.next.InTx(ctx, func(tx carpool.Tx) error {
		seen = &eventTx{Tx: tx} // a rerun starts over
		return fn(seen)
	})
}

// eventTx remembers the events a transaction writes.
type eventTx struct {
	carpool.Tx
	events []carpool.Event
}

func (t *eventTx) Append(ctx context.Context, events ...carpool.Event) error {
	t.events = append(t.events, events...)
	return t.Tx.Append(ctx, events...)
}

func (t *eventTx) SaveRideBook(ctx context.Context, rb *carpool.RideBook) error {
	t.events = append(t.events, rb.Change().Events...)
	return t.Tx.SaveRideBook(ctx, rb)
}
