package postgres_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/pgtest"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
	"carpool/internal/storetest"
)

// TestStore runs the whole storage contract suite, unchanged, on PostgreSQL. Each store
// is a copy of a migrated template database.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) carpool.Store {
		return mustOpenMigrated(t)
	})
}

// mustOpenMigrated opens a fresh database copied from a template that holds the full
// schema, closed when the test ends.
func mustOpenMigrated(t testing.TB, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	url := postgrestest.MigratedDatabase(t)
	return mustOpenEmpty(t, url, opts...)
}

// TestPingFollowsTheServer: with the server stopped, Ping fails quickly; when it is
// back, the same pool answers again, without reopening.
func TestPingFollowsTheServer(t *testing.T) {
	srv := pgtest.New(t)
	db := mustOpenEmpty(t, srv.NewDatabase(t), postgres.WithConnectTimeout(time.Second))
	ctx := context.Background()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	srv.Stop(t)
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := db.Ping(short); err == nil {
		t.Fatal("ping succeeded with the server stopped")
	}
	srv.Start(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := db.Ping(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ping after restart: %v, want the pool to recover", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
