// Package benchdb is what the store benches share: a migrated store on either engine,
// and the figures they write (nearest-rank percentiles, the machine's load).
package benchdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
	"carpool/internal/sqlite"
)

// Engine is an opened, migrated store with its database.
type Engine struct {
	Name  string // "postgres" or "sqlite"
	Store carpool.Store
	DB    *sql.DB // writes (the fills)
	Read  *sql.DB // the pool the store reads from (SQLite keeps a separate one)
	Close func() error
}

// Open migrates and opens PostgreSQL at the URL pg, or, when pg is empty, SQLite in a
// fresh temporary folder that Close removes (kept and named when BENCH_KEEP is set).
func Open(ctx context.Context, pg string, pgOpts ...postgres.Option) (*Engine, error) {
	if pg != "" {
		db, err := postgres.Open(ctx, pg, pgOpts...)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			return nil, errors.Join(fmt.Errorf("migrate postgres: %w", err), db.Close())
		}
		return &Engine{Name: "postgres", Store: db, DB: db.DB(), Read: db.DB(), Close: db.Close}, nil
	}
	dir, err := os.MkdirTemp("", "carpool-bench-")
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "carpool.db"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("migrate sqlite: %w", err), db.Close())
	}
	return &Engine{Name: "sqlite", Store: db, DB: db.DB(), Read: db.ReadDB(), Close: func() error {
		if os.Getenv("BENCH_KEEP") != "" {
			fmt.Fprintln(os.Stderr, "kept", dir)
			return db.Close()
		}
		return errors.Join(db.Close(), os.RemoveAll(dir))
	}}, nil
}

// Percentile returns the p-quantile of sorted values (nearest rank), rounded to
// hundredths.
func Percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return Round(sorted[max(0, min(i, len(sorted)-1))])
}

// Round rounds to hundredths, the precision the results files keep.
func Round(x float64) float64 { return math.Round(x*100) / 100 }

// LoadAverage is the machine's 1, 5 and 15 minute load averages, which say how much
// the figures beside it owe to other work on the machine.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
