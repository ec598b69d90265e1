package telemetry

import (
	"database/sql"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// The pool views that engines may offer; each is optional.
type (
	pgxStatser interface{ Stats() *pgxpool.Stat }
	sqlWriteDB interface{ DB() *sql.DB }
	sqlReadDB  interface{ ReadDB() *sql.DB }
)

// RegisterDBPools exports the connection pool gauges of db, an engine: pgxpool's
// statistics when it has them (PostgreSQL), else database/sql's of its writing pool and,
// when it offers ReadDB, its reading pool (SQLite). The pool label is engine plus role.
// It reports whether db offered any pool.
func (m *Metrics) RegisterDBPools(engine string, db any) bool {
	c := &poolCollector{}
	switch d := db.(type) {
	case pgxStatser:
		c.pgx = map[string]func() *pgxpool.Stat{engine: d.Stats}
	case sqlWriteDB:
		c.sql = map[string]*sql.DB{engine + "_write": d.DB()}
		if r, ok := db.(sqlReadDB); ok && r.ReadDB() != d.DB() {
			c.sql[engine+"_read"] = r.ReadDB()
		}
	default:
		return false
	}
	m.Registry.MustRegister(c)
	return true
}

var (
	descPoolConns = prometheus.NewDesc(namespace+"_db_pool_connections",
		"Open database connections by pool and state (in_use, idle).", []string{"pool", "state"}, nil)
	descPoolMax = prometheus.NewDesc(namespace+"_db_pool_max_connections",
		"Most connections the pool may open.", []string{"pool"}, nil)
	descPoolWaits = prometheus.NewDesc(namespace+"_db_pool_waits_total",
		"Times a caller had to wait for a free connection.", []string{"pool"}, nil)
	descPoolWaitSeconds = prometheus.NewDesc(namespace+"_db_pool_wait_seconds_total",
		"Time spent waiting for a free connection.", []string{"pool"}, nil)
)

// poolCollector reads the pools' statistics at scrape time.
type poolCollector struct {
	pgx map[string]func() *pgxpool.Stat
	sql map[string]*sql.DB
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descPoolConns
	ch <- descPoolMax
	ch <- descPoolWaits
	ch <- descPoolWaitSeconds
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, stat := range c.pgx {
		s := stat()
		ch <- prometheus.MustNewConstMetric(descPoolConns, prometheus.GaugeValue, float64(s.AcquiredConns()), name, "in_use")
		ch <- prometheus.MustNewConstMetric(descPoolConns, prometheus.GaugeValue, float64(s.IdleConns()), name, "idle")
		ch <- prometheus.MustNewConstMetric(descPoolMax, prometheus.GaugeValue, float64(s.MaxConns()), name)
		ch <- prometheus.MustNewConstMetric(descPoolWaits, prometheus.CounterValue, float64(s.EmptyAcquireCount()), name)
		ch <- prometheus.MustNewConstMetric(descPoolWaitSeconds, prometheus.CounterValue, s.EmptyAcquireWaitTime().Seconds(), name)
	}
	for name, db := range c.sql {
		s := db.Stats()
		ch <- prometheus.MustNewConstMetric(descPoolConns, prometheus.GaugeValue, float64(s.InUse), name, "in_use")
		ch <- prometheus.MustNewConstMetric(descPoolConns, prometheus.GaugeValue, float64(s.Idle), name, "idle")
		ch <- prometheus.MustNewConstMetric(descPoolMax, prometheus.GaugeValue, float64(s.MaxOpenConnections), name)
		ch <- prometheus.MustNewConstMetric(descPoolWaits, prometheus.CounterValue, float64(s.WaitCount), name)
		ch <- prometheus.MustNewConstMetric(descPoolWaitSeconds, prometheus.CounterValue, s.WaitDuration.Seconds(), name)
	}
}
