// Package telemetry sets up what carpool tells its operators: structured logs, metrics
// and traces, and the HTTP middleware that produces them for every request.
package telemetry

import (
	"context"
	"io"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// NewLogger returns a slog logger writing JSON (or text) at level to w. Records logged
// with a context (logger.InfoContext and friends) carry the request id and trace id of
// that context, so an error logged deep in a handler can be found from the access log.
func NewLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(contextHandler{h})
}

// contextHandler adds the request id and trace id found in a record's context.
type contextHandler struct{ slog.Handler }

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		return h.Handler.Handle(ctx, r)
	}
	// The access log names both itself; don't repeat them.
	named := false
	r.Attrs(func(a slog.Attr) bool {
		named = a.Key == attrRequestID
		return !named
	})
	if !named {
		if id := RequestID(ctx); id != "" {
			r.AddAttrs(slog.String(attrRequestID, id))
		}
		if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
			r.AddAttrs(slog.String(attrTraceID, sc.TraceID().String()))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(attrs)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}

// Attribute keys shared by the access log and the context handler.
const (
	attrRequestID = "request_id"
	attrTraceID   = "trace_id"
)
