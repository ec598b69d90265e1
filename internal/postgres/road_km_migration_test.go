package postgres_test

import (
	"context"
	"testing"

	"carpool/internal/pgtest"
	"carpool/internal/postgres"
	"carpool/internal/storetest"
)

func TestRoadKMMigrated(t *testing.T) {
	ctx := context.Background()
	db, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := postgres.MigrateUpTo(ctx, db.DB(), 27); err != nil {
		t.Fatal(err)
	}
	storetest.RoadKMMigrated(t, db, func(q string, args ...any) error {
		_, err := db.DB().ExecContext(ctx, q, args...)
		return err
	}, func() error { _, err := db.Migrate(ctx); return err })
}
