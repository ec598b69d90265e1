package sqlite

import (
	"context"
	"database/sql"
)

// MigrateUpTo applies the migrations up to version, for tests of what a later one does
// to rows written before it.
func MigrateUpTo(ctx context.Context, db *sql.DB, version int64) error {
	p, err := provider(db)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}
