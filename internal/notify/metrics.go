package notify

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"carpool/internal/carpool"
)

// Metrics are the relay's Prometheus series. A nil *Metrics counts nothing.
type Metrics struct {
	events     prometheus.Counter
	deliveredC *prometheus.CounterVec
	failedC    *prometheus.CounterVec
	deadC      *prometheus.CounterVec
	lag        *prometheus.HistogramVec
}

// NewMetrics registers the relay's series on reg:
//
//	carpool_notify_events_total                      events fanned out
//	carpool_notify_delivered_total{channel}          deliveries that succeeded
//	carpool_notify_failed_total{channel}             attempts that failed and will be retried
//	carpool_notify_dead_total{channel}               deliveries that used their attempts
//	carpool_notify_delivery_lag_seconds{channel}     from the event's commit to its delivery
func NewMetrics(reg prometheus.Registerer) *Metrics {
	channel := []string{"channel"}
	m := &Metrics{
		events: prometheus.NewCounter(prometheus.CounterOpts{Name: "carpool_notify_events_total",
			Help: "Outbox events fanned out to their recipients."}),
		deliveredC: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carpool_notify_delivered_total",
			Help: "Notifications delivered, by channel."}, channel),
		failedC: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carpool_notify_failed_total",
			Help: "Delivery attempts that failed and will be retried, by channel."}, channel),
		deadC: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "carpool_notify_dead_total",
			Help: "Deliveries given up after their last attempt, by channel (an admin can retry them)."}, channel),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "carpool_notify_delivery_lag_seconds",
			Help:    "Seconds from an event's commit to its delivery, by channel.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600}}, channel),
	}
	reg.MustRegister(m.events, m.deliveredC, m.failedC, m.deadC, m.lag)
	for _, c := range []string{carpool.ChannelInbox, carpool.ChannelEmail, carpool.ChannelWebhook} {
		m.deliveredC.WithLabelValues(c)
		m.failedC.WithLabelValues(c)
		m.deadC.WithLabelValues(c)
	}
	return m
}

func (m *Metrics) fannedOut(events int, inboxLags []time.Duration) {
	if m == nil {
		return
	}
	m.events.Add(float64(events))
	for _, l := range inboxLags {
		m.deliveredC.WithLabelValues(carpool.ChannelInbox).Inc()
		m.lag.WithLabelValues(carpool.ChannelInbox).Observe(l.Seconds())
	}
}

func (m *Metrics) delivered(channel string, lag time.Duration) {
	if m == nil {
		return
	}
	m.deliveredC.WithLabelValues(channel).Inc()
	m.lag.WithLabelValues(channel).Observe(lag.Seconds())
}

func (m *Metrics) failed(channel string) {
	if m != nil {
		m.failedC.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) dead(channel string) {
	if m != nil {
		m.deadC.WithLabelValues(channel).Inc()
	}
}
