// Package partnerapi serves the search part of the standard-covoiturage API (Fabrique
// des Mobilités) under /standard-covoiturage/, for partner operators such as a city's
// journey planner. Every request carries the partner's X-API-Key, checked against the
// database each time so a revocation holds at once on every replica. Answers use the
// standard's field names; what they hold is decided by the application layer
// (app.DriverJourneys), which never hands out a name, phone or e-mail.
package partnerapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// Prefix is where the API is mounted.
const Prefix = "/standard-covoiturage"

// Default limits on one partner's requests.
const (
	DefaultRate = 60 // requests per minute
)

// Options configure a Server. The zero value is usable.
type Options struct {
	Logger *slog.Logger
	// PublicURL is where members reach the web UI; webUrl deep links point there.
	PublicURL string
	// Operator names carpool to partners in driver.operator (a domain name carpool is
	// reached at); empty takes PublicURL's host.
	Operator string
	// Rate is how many requests one partner may make per minute, counted in the
	// database across every replica; 0 means DefaultRate.
	Rate int
	// Now is the rate's clock; tests may stop it.
	Now func() time.Time
}

// Server answers partner requests.
type Server struct {
	app      *app.App
	log      *slog.Logger
	url      string
	operator string
	rate     int
	now      func() time.Time
	mux      *http.ServeMux
}

// NewServer returns the partner API over the use cases of a.
func NewServer(a *app.App, opts Options) *Server {
	s := &Server{app: a, log: opts.Logger, url: opts.PublicURL, operator: opts.Operator}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.operator == "" {
		s.operator = hostOf(s.url)
	}
	s.rate, s.now = opts.Rate, opts.Now
	if s.rate <= 0 {
		s.rate = DefaultRate
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.mux = http.NewServeMux()
	s.mux.Handle("GET "+Prefix+"/status", s.partner(s.status))
	s.mux.Handle("GET "+Prefix+"/driver_journeys", s.partner(s.driverJourneys))
	s.mux.Handle("GET "+Prefix+"/driver_regular_trips", s.partner(s.driverRegularTrips))
	s.mux.Handle("GET "+Prefix+"/passenger_journeys", s.partner(s.passengerJourneys))
	s.mux.Handle("GET "+Prefix+"/passenger_regular_trips", s.partner(s.passengerRegularTrips))
	s.mux.Handle("POST "+Prefix+"/bookings", s.partner(s.postBooking))
	return s
}

// ServeHTTP answers a request under Prefix; anything unrouted is a 404 in the
// standard's error form.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if _, pattern := s.mux.Handler(r); pattern == "" {
		writeError(w, http.StatusNotFound, "no such path in this API")
		return
	}
	s.mux.ServeHTTP(w, r)
}

type partnerHandler func(w http.ResponseWriter, r *http.Request, p carpool.Partner) error

// partner authenticates the key, applies the partner's rate, and turns errors into the
// standard's {"error": "..."} answers.
func (s *Server) partner(h partnerHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.app.AuthenticatePartner(r.Context(), r.Header.Get("X-API-Key"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.app.AdmitPartnerRequest(r.Context(), p, s.rate, s.now()); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := h(w, r, p); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := app.HTTPStatus(err)
	msg := carpool.ErrorMessage(err)
	if fields := carpool.ErrorFields(err); len(fields) > 1 {
		// The standard's error is one string: it names every parameter at fault.
		parts := make([]string, len(fields))
		for i, f := range fields {
			parts[i] = f.Message
		}
		msg = strings.Join(parts, "; ")
	}
	switch {
	case status == http.StatusTooManyRequests:
		wait := carpool.RetryAfter(err)
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	case status == http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `APIKey header="X-API-Key"`)
	case status == http.StatusUnprocessableEntity:
		// The standard answers bad parameters with 400.
		status = http.StatusBadRequest
	case status >= 500:
		s.log.ErrorContext(r.Context(), "partner request failed", "path", r.URL.Path, "err", err)
		msg = "internal error; please try again later"
	}
	writeError(w, status, msg)
}

// errorBody is the one error form the standard names.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) status(w http.ResponseWriter, r *http.Request, _ carpool.Partner) error {
	if err := s.app.Ping(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
