package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"carpool/internal/sqlite"
	"carpool/internal/storetest"
)

func TestRoadKMMigrated(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "carpool.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := sqlite.MigrateUpTo(ctx, db.DB(), 27); err != nil {
		t.Fatal(err)
	}
	storetest.RoadKMMigrated(t, db, func(q string, args ...any) error {
		_, err := db.DB().ExecContext(ctx, q, args...)
		return err
	}, func() error { _, err := db.Migrate(ctx); return err })
}
