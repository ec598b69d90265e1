package telemetry

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// problemInternal is the RFC 9457 body of an answer to a panic; it says nothing about
// the cause.
const problemInternal = `{"type":"urn:carpool:problem:internal","title":"Internal Server Error","status":500,"code":"internal","detail":"internal error"}` + "\n"

// Recover turns a panic in next into a 500 problem+json answer (when the response has
// not started) and one error log record with the stack. http.ErrAbortHandler passes
// through: it is net/http's way to abort a response on purpose.
func Recover(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := w.(*recorder)
		if !ok {
			rec = &recorder{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			logger.ErrorContext(r.Context(), "panic serving request",
				"method", r.Method, "route", routeOf(r), "panic", v, "stack", string(debug.Stack()))
			if rec.wroteHeader() {
				// Too late for a clean answer: abort the connection so the client sees
				// a broken response, not a truncated one that looks whole.
				panic(http.ErrAbortHandler)
			}
			h := rec.Header()
			for k := range h {
				if k != http.CanonicalHeaderKey(RequestIDHeader) {
					delete(h, k)
				}
			}
			h.Set("Content-Type", "application/problem+json")
			h.Set("Cache-Control", "no-store")
			rec.WriteHeader(http.StatusInternalServerError)
			_, _ = rec.Write([]byte(problemInternal))
		}()
		next.ServeHTTP(rec, r)
	})
}
