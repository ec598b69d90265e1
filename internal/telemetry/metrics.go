package telemetry

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"carpool/internal/buildinfo"
	"carpool/internal/carpool"
)

// namespace prefixes every carpool metric.
const namespace = "carpool"

// Metrics holds carpool's Prometheus metrics on a registry of its own (not the global
// default, so tests and libraries cannot add to it by accident).
type Metrics struct {
	Registry *prometheus.Registry

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	series   sync.Map // seriesKey -> requestSeries
	inFlight prometheus.Gauge
	active   atomic.Int64 // the same as inFlight, readable

	bookings        *prometheus.CounterVec
	bookingChanges  *prometheus.CounterVec
	reservations    *prometheus.CounterVec
	reservationsEnd prometheus.Counter
	ridesCreated    prometheus.Counter
	ridesCancelled  prometheus.Counter
}

// NewMetrics registers the HTTP, business, build and Go runtime/process metrics.
func NewMetrics(bi buildinfo.Info) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests answered on the main listener, by method, route template and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests on the main listener, by method, route template and status code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "code"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "http_requests_in_flight",
			Help: "HTTP requests being served on the main listener.",
		}),
		bookings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "bookings_total",
			Help: "Seat booking attempts by outcome: confirmed, pending, waitlisted, full, conflict, invalid, forbidden, not_found, error.",
		}, []string{"outcome"}),
		bookingChanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "booking_changes_total",
			Help: "Bookings confirmed, rejected or cancelled after they were made.",
		}, []string{"change"}),
		reservations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "reservations_total",
			Help: "Pool car reservation attempts by outcome: created, overlap, invalid, forbidden, not_found, error.",
		}, []string{"outcome"}),
		reservationsEnd: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "reservations_cancelled_total",
			Help: "Reservations cancelled.",
		}),
		ridesCreated: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "rides_created_total", Help: "Rides offered.",
		}),
		ridesCancelled: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "rides_cancelled_total", Help: "Rides cancelled (by their driver, a fleet manager, a skipped commute day or a deactivation).",
		}),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "Build information of the running binary; always 1.",
		ConstLabels: prometheus.Labels{"version": bi.Version, "commit": bi.Commit, "goversion": bi.GoVersion},
	})
	buildInfo.Set(1)
	reg.MustRegister(m.requests, m.duration, m.inFlight,
		m.bookings, m.bookingChanges, m.reservations, m.reservationsEnd, m.ridesCreated, m.ridesCancelled,
		buildInfo,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// Outcomes exist from the start at 0, so rate() and alerts work before the first event.
	for _, o := range []string{"confirmed", "pending", "waitlisted", "full", "conflict", "invalid", "forbidden", "not_found", "error"} {
		m.bookings.WithLabelValues(o)
	}
	for _, c := range []string{"confirmed", "rejected", "cancelled"} {
		m.bookingChanges.WithLabelValues(c)
	}
	for _, o := range []string{"created", "overlap", "invalid", "forbidden", "not_found", "error"} {
		m.reservations.WithLabelValues(o)
	}
	return m
}

// Handler serves the metrics in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{
		// A collector that fails (the outbox count timing out) must not hide the rest.
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.Registry, // promhttp_metric_handler_errors_total
	})
}

// knownMethods are the methods that get their own label value; anything else is OTHER,
// so a client cannot create series at will.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// InFlight returns the number of requests being served, for the shutdown log.
func (m *Metrics) InFlight() int64 { return m.active.Load() }

func (m *Metrics) begin() {
	m.inFlight.Inc()
	m.active.Add(1)
}

func (m *Metrics) done() {
	m.inFlight.Dec()
	m.active.Add(-1)
}

func (m *Metrics) observeRequest(method, route string, status int, elapsed time.Duration) {
	if !knownMethods[method] {
		method = "OTHER"
	}
	key := seriesKey{method, route, status}
	s, ok := m.series.Load(key)
	if !ok {
		// Looking a series up by its label values hashes them every time; the set of
		// (method, route, status) is small and fixed, so each is looked up once.
		code := strconv.Itoa(status)
		s, _ = m.series.LoadOrStore(key, requestSeries{
			count:    m.requests.WithLabelValues(method, route, code),
			duration: m.duration.WithLabelValues(method, route, code),
		})
	}
	rs := s.(requestSeries)
	rs.count.Inc()
	rs.duration.Observe(elapsed.Seconds())
}

type seriesKey struct {
	method, route string
	status        int
}

type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// countEvents counts the business changes a committed transaction reported in its
// outbox events, whichever use case made them.
func (m *Metrics) countEvents(events []carpool.Event) {
	for _, e := range events {
		switch e.Type {
		case carpool.EventReservationCreated:
			m.reservations.WithLabelValues("created").Inc()
		case carpool.EventReservationCancelled:
			m.reservationsEnd.Inc()
		case carpool.EventRideCreated:
			m.ridesCreated.Inc()
		case carpool.EventRideCancelled:
			m.ridesCancelled.Inc()
		default:
			m.countBooking(e)
		}
	}
}

// countBooking counts a booking event: a new booking by the outcome it got, a later
// change by the change. Promotions from the waitlist and bookings ended by a cancelled
// ride are consequences, not decisions anyone took, and stay uncounted here.
func (m *Metrics) countBooking(e carpool.Event) {
	p, err := e.Decode()
	if err != nil {
		return
	}
	switch {
	case e.Type == carpool.EventBookingWaitlisted:
		m.bookings.WithLabelValues("waitlisted").Inc()
	case e.Type == carpool.EventBookingRequested && p.Reason == "":
		m.bookings.WithLabelValues("pending").Inc()
	case e.Type == carpool.EventBookingConfirmed && p.Reason == carpool.ReasonInstant:
		m.bookings.WithLabelValues("confirmed").Inc()
	case e.Type == carpool.EventBookingConfirmed && p.Reason == carpool.ReasonApproved:
		m.bookingChanges.WithLabelValues("confirmed").Inc()
	case e.Type == carpool.EventBookingRejected:
		m.bookingChanges.WithLabelValues("rejected").Inc()
	case e.Type == carpool.EventBookingCancelled && p.Reason != carpool.ReasonRideCancelled:
		m.bookingChanges.WithLabelValues("cancelled").Inc()
	}
}

// BookingRefused counts a seat booking the rules or a failure refused (a made one is
// counted from its event), by outcome: full (too few free seats), conflict (a second
// booking and the like), invalid, forbidden, not_found or error.
func (m *Metrics) BookingRefused(err error) {
	if m == nil || err == nil {
		return
	}
	o := outcome(err, "conflict")
	if carpool.ErrorCode(err) == carpool.ECONFLICT && carpool.ErrorField(err) == "seats" {
		o = "full"
	}
	m.bookings.WithLabelValues(o).Inc()
}

// ReservationRefused counts a reservation attempt the rules or a failure refused (a
// made one is counted from its event), by outcome: overlap, invalid, forbidden,
// not_found or error.
func (m *Metrics) ReservationRefused(err error) {
	if m != nil && err != nil {
		m.reservations.WithLabelValues(outcome(err, "overlap")).Inc()
	}
}
