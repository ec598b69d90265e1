package telemetry

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OutboxCounter is an engine that can count the outbox events not yet delivered.
type OutboxCounter interface {
	OutboxBacklog(ctx context.Context) (int64, error)
}

var descOutboxBacklog = prometheus.NewDesc(namespace+"_outbox_backlog",
	"Outbox events not yet delivered (counted at scrape time).", nil, nil)

// RegisterOutboxBacklog exports carpool_outbox_backlog, counted by db at each scrape
// within timeout, so a slow database delays a scrape by at most that. A failed count
// leaves the series out of that scrape (absent() alerts on it) and is logged.
func (m *Metrics) RegisterOutboxBacklog(db OutboxCounter, timeout time.Duration, logger *slog.Logger) {
	m.Registry.MustRegister(&outboxCollector{db: db, timeout: timeout, log: logger})
}

type outboxCollector struct {
	db      OutboxCounter
	timeout time.Duration
	log     *slog.Logger
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descOutboxBacklog }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	n, err := c.db.OutboxBacklog(ctx)
	if err != nil {
		c.log.Warn("metrics: count outbox backlog", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descOutboxBacklog, prometheus.GaugeValue, float64(n))
}
