package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"

	"carpool/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// provider returns the goose provider over the embedded migrations. Each call builds its
// own: goose keeps no global state this way, and tests may run in parallel.
func provider(db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithGoMigrations(siteSecurityRole))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// SchemaVersion returns the schema version the database is at and the newest version this
// binary knows. A fresh database is at version 0.
func SchemaVersion(ctx context.Context, db *sql.DB) (current, known int64, err error) {
	p, err := provider(db)
	if err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	known = sources[len(sources)-1].Version
	current, err = p.GetDBVersion(ctx)
	if err != nil {
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

// migrateRaceWait bounds how long Migrate keeps retrying behind another process that is
// migrating the same database file.
const migrateRaceWait = 30 * time.Second

// Migrate applies the pending embedded migrations and returns the schema version the
// database is at afterwards. It refuses a database whose schema is newer than the binary.
// Concurrent callers are safe: SQLite serialises the migration transactions, goose skips
// what another caller already applied, and a caller that lost the race to apply a
// migration runs Up again until it sees the schema complete.
func Migrate(ctx context.Context, db *sql.DB) (int64, error) {
	if err := checkVersion(ctx, db); err != nil {
		return 0, err
	}
	p, err := provider(db)
	if err != nil {
		return 0, err
	}
	// Another process migrating the same file may apply a migration between our read of
	// the version and our attempt at it, so ours fails ("table already exists"). Each
	// migration commits on its own, so running Up again starts after what the other
	// applied; we do that while the schema keeps moving, and stop once it is complete.
	deadline := time.Now().Add(migrateRaceWait)
	for {
		_, err := p.Up(ctx)
		if err == nil {
			break
		}
		current, known, verr := SchemaVersion(ctx, db)
		if verr == nil && current == known {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return 0, fmt.Errorf("migrate: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: read schema version: %w", err)
	}
	return v, nil
}
