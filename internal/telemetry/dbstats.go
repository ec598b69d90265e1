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

// RegisterDBPools exports the connection pool gauges of db, an engine, labelled by pool:
// for PostgreSQL (pgxpool under database/sql) one pool named after the engine, for
// SQLite its writing pool and, when it offers ReadDB, its reading pool. It reports
// whether db offered any pool.
func (m *Metrics) RegisterDBPools(engine string, db any) bool {
	w, ok := db.(sqlWriteDB)
	if !ok {
		return false
	}
	c := &poolCollector{}
	if p, ok := db.(pgxStatser); ok {
		c.pools = append(c.pools, pool{name: engine, sql: w.DB(), pgx: p.Stats})
	} else {
		c.pools = append(c.pools, pool{name: engine + "_write", sql: w.DB()})
		if r, ok := db.(sqlReadDB); ok && r.ReadDB() != w.DB() {
			c.pools = append(c.pools, pool{name: engine + "_read", sql: r.ReadDB()})
		}
	}
	m.Registry.MustRegister(c)
	return true
}

var (
	descPoolConns = prometheus.NewDesc(namespace+"_db_pool_connections",
		"Open database connections by pool and state: in_use (running a statement or transaction) or idle.", []string{"pool", "state"}, nil)
	descPoolMax = prometheus.NewDesc(namespace+"_db_pool_max_connections",
		"Most connections the pool may open.", []string{"pool"}, nil)
	descPoolWaits = prometheus.NewDesc(namespace+"_db_pool_waits_total",
		"Times a caller had to wait for a free connection.", []string{"pool"}, nil)
	descPoolWaitSeconds = prometheus.NewDesc(namespace+"_db_pool_wait_seconds_total",
		"Time spent waiting for a free connection.", []string{"pool"}, nil)
)

// pool is one connection pool: database/sql, possibly over a pgxpool.
type pool struct {
	name string
	sql  *sql.DB
	pgx  func() *pgxpool.Stat // nil unless database/sql runs over a pgxpool
}

// poolCollector reads the pools' statistics at scrape time.
type poolCollector struct{ pools []pool }

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descPoolConns
	ch <- descPoolMax
	ch <- descPoolWaits
	ch <- descPoolWaitSeconds
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.pools {
		s := p.sql.Stats()
		inUse, idle, limit := float64(s.InUse), float64(s.Idle), float64(s.MaxOpenConnections)
		waits, waited := float64(s.WaitCount), s.WaitDuration.Seconds()
		if p.pgx != nil {
			// Over pgxpool, database/sql keeps idle connections acquired from pgx, so
			// pgx's own "acquired" overstates use: in use is database/sql's figure,
			// idle the rest of what pgx holds open; waits happen in either pool.
			ps := p.pgx()
			idle = max(float64(ps.TotalConns())-inUse, 0)
			limit = float64(ps.MaxConns())
			waits += float64(ps.EmptyAcquireCount())
			waited += ps.EmptyAcquireWaitTime().Seconds()
		}
		ch <- prometheus.MustNewConstMetric(descPoolConns, prometheus.GaugeValue, inUse, p.name, "in_use")
		ch <- prometheus.MustNewConstMetric(descPoolConns, prometheus.GaugeValue, idle, p.name, "idle")
		ch <- prometheus.MustNewConstMetric(descPoolMax, prometheus.GaugeValue, limit, p.name)
		ch <- prometheus.MustNewConstMetric(descPoolWaits, prometheus.CounterValue, waits, p.name)
		ch <- prometheus.MustNewConstMetric(descPoolWaitSeconds, prometheus.CounterValue, waited, p.name)
	}
}
