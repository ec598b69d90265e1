// Package telemetry sets up what carpool tells its operators: structured logs, metrics
// and traces.
package telemetry

import (
	"io"
	"log/slog"
)

// NewLogger returns a slog logger writing JSON (or text) at level to w.
func NewLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
