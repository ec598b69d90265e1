package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"carpool/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// MigrationLockID is the key of the session-level advisory lock that every migration
// run holds, so several `carpool migrate` (or `carpool serve` starts) at once apply
// each migration exactly once: the others wait, then find nothing
// pending. Advisory locks are scoped to one database, so databases on one server do not
// wait on each other, and the server releases the lock when a process dies.
const MigrationLockID int64 = 0x636172706f6f6c // "carpool"

// provider returns a goose provider over the embedded migrations. It takes no lock of
// its own: callers hold the migration lock (see locked). Each call builds its own
// provider: goose keeps no global state this way, and tests may run in parallel.
func provider(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// locked runs fn while holding the migration lock on a connection of its own; fn works
// through other connections of db, so db must allow at least two (Open sees to it).
//
// goose's own session locker polls pg_try_advisory_lock once a second at best, which
// makes every replica that starts during a migration wait whole seconds; the blocking
// pg_advisory_lock here hands the lock over the moment it is released, and gives up
// when ctx ends (pgx cancels the waiting query).
func locked(ctx context.Context, db *sql.DB, fn func() error) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", MigrationLockID); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		// A detached context: the lock must go even when ctx has ended.
		_, uerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", MigrationLockID)
		if uerr != nil {
			// Returned to the pool, the session would keep the lock: end it instead.
			_ = conn.Raw(func(dc any) error {
				if c, ok := dc.(*stdlib.Conn); ok {
					return c.Conn().Close(context.WithoutCancel(ctx))
				}
				return nil
			})
			err = errors.Join(err, fmt.Errorf("migration unlock: %w", uerr))
		}
	}()
	return fn()
}

// SchemaVersion returns the schema version the database is at and the newest version
// this binary knows. A fresh database is at version 0. It only reads, takes no lock and
// creates nothing, so it neither waits for a running migration nor races one.
func SchemaVersion(ctx context.Context, db *sql.DB) (current, known int64, err error) {
	p, err := provider(db)
	if err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	known = sources[len(sources)-1].Version
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT to_regclass('goose_db_version') IS NOT NULL").Scan(&exists); err != nil {
		return 0, known, fmt.Errorf("read schema version: %w", err)
	}
	if !exists {
		return 0, known, nil
	}
	if err := db.QueryRowContext(ctx,
		"SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&current); err != nil {
		return 0, known, fmt.Errorf("read schema version: %w", err)
	}
	return current, known, nil
}

// checkVersion fails with sqlstore.ErrSchemaTooNew when the database is ahead of the
// binary.
func checkVersion(ctx context.Context, db *sql.DB) error {
	current, known, err := SchemaVersion(ctx, db)
	if err != nil {
		return err
	}
	return sqlstore.CheckSchema(current, known)
}

// Migrate applies the pending embedded migrations and returns the schema version the
// database is at afterwards. It refuses a database whose schema is newer than the
// binary. Concurrent callers, in one process or many, are safe: each holds the
// advisory lock MigrationLockID while it reads the version and applies migrations, so
// the first applies them and the rest find nothing left to do.
func Migrate(ctx context.Context, db *sql.DB) (version int64, err error) {
	err = locked(ctx, db, func() error {
		if err := checkVersion(ctx, db); err != nil {
			return err
		}
		p, err := provider(db)
		if err != nil {
			return err
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if version, err = p.GetDBVersion(ctx); err != nil {
			return fmt.Errorf("migrate: read schema version: %w", err)
		}
		return nil
	})
	return version, err
}
