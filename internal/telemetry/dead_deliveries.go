package telemetry

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DeadDeliveryCounter is an engine that can count the dead deliveries of each channel.
type DeadDeliveryCounter interface {
	DeadDeliveriesByChannel(ctx context.Context) (map[string]int64, error)
}

var descDeadDeliveries = prometheus.NewDesc(namespace+"_notify_dead_deliveries",
	"Deliveries that used all their attempts and wait for an admin's retry, by channel (counted at scrape time).",
	[]string{"channel"}, nil)

// RegisterDeadDeliveries exports carpool_notify_dead_deliveries{channel}, counted by db at
// each scrape within timeout. Unlike carpool_notify_dead_total, which counts what one
// replica gave up on since it started, the gauge is what is dead in the database now: it
// stays up until an admin retries, across restarts, and every replica reports the same.
// Each of channels is exported, 0 when none is dead, so an alert sees the series before
// the first failure. A failed count leaves the series out of that scrape and is logged.
func (m *Metrics) RegisterDeadDeliveries(db DeadDeliveryCounter, channels []string, timeout time.Duration, logger *slog.Logger) {
	m.Registry.MustRegister(&deadDeliveriesCollector{db: db, channels: channels, timeout: timeout, log: logger})
}

type deadDeliveriesCollector struct {
	db       DeadDeliveryCounter
	channels []string
	timeout  time.Duration
	log      *slog.Logger
}

func (c *deadDeliveriesCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descDeadDeliveries }

func (c *deadDeliveriesCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	counts, err := c.db.DeadDeliveriesByChannel(ctx)
	if err != nil {
		c.log.Warn("metrics: count dead deliveries", "err", err)
		return
	}
	seen := map[string]bool{}
	for _, channel := range c.channels {
		seen[channel] = true
		ch <- prometheus.MustNewConstMetric(descDeadDeliveries, prometheus.GaugeValue, float64(counts[channel]), channel)
	}
	// A channel the binary does not know yet (written by a newer replica) still counts.
	for channel, n := range counts {
		if !seen[channel] {
			ch <- prometheus.MustNewConstMetric(descDeadDeliveries, prometheus.GaugeValue, float64(n), channel)
		}
	}
}
