package pgtest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"carpool/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestNewDatabaseIsFreshAndPrivate(t *testing.T) {
	ctx := context.Background()
	a := connect(t, pgtest.NewDatabase(t))
	b := connect(t, pgtest.NewDatabase(t))
	if _, err := a.Exec(ctx, "CREATE TABLE only_in_a (id int)"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'").Scan(&n); err != nil {
		t.Fatalf("query b: %v", err)
	}
	if n != 0 {
		t.Fatalf("got table of database a in database b, want fresh databases")
	}
	var nameA, nameB string
	_ = a.QueryRow(ctx, "SELECT current_database()").Scan(&nameA)
	_ = b.QueryRow(ctx, "SELECT current_database()").Scan(&nameB)
	if nameA == nameB {
		t.Fatalf("got the same database %q twice, want one per call", nameA)
	}
}

func TestDatabaseDroppedAfterTest(t *testing.T) {
	var url string
	t.Run("user", func(t *testing.T) { url = pgtest.NewDatabase(t) })
	if url == "" {
		t.Fatal("subtest made no database")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, url); err == nil {
		_ = conn.Close(ctx)
		t.Fatalf("connected to %s after its test ended, want it dropped", url)
	}
}

func TestStopAndStart(t *testing.T) {
	if os.Getenv(pgtest.EnvURL) != "" {
		t.Skipf("%s is set: this test needs a server of its own", pgtest.EnvURL)
	}
	srv := pgtest.New(t)
	url := srv.NewDatabase(t)
	ctx := context.Background()
	conn := connect(t, url)
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)"); err != nil {
		t.Fatalf("seed: %v", err)
	}
	srv.Stop(t)
	if err := conn.Ping(ctx); err == nil {
		t.Fatal("ping answered with the server stopped")
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if c, err := pgx.Connect(short, url); err == nil {
		_ = c.Close(ctx)
		t.Fatal("connected with the server stopped")
	}
	srv.Start(t)
	var got int
	if err := connect(t, url).QueryRow(ctx, "SELECT id FROM kept").Scan(&got); err != nil || got != 7 {
		t.Fatalf("after restart got %d, %v; want 7 (data kept)", got, err)
	}
}

func TestNewDatabaseFromTemplate(t *testing.T) {
	srv := pgtest.Shared(t)
	prepared := 0
	prepare := func(ctx context.Context, url string) error {
		prepared++
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "CREATE TABLE seeded (id int); INSERT INTO seeded VALUES (1)")
		return err
	}
	ctx := context.Background()
	a := connect(t, srv.NewDatabaseFrom(t, "seeded", prepare))
	b := connect(t, srv.NewDatabaseFrom(t, "seeded", prepare))
	if prepared != 1 {
		t.Fatalf("got the template prepared %d times, want once", prepared)
	}
	if _, err := a.Exec(ctx, "INSERT INTO seeded VALUES (2)"); err != nil {
		t.Fatalf("insert into a: %v", err)
	}
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM seeded").Scan(&n); err != nil || n != 1 {
		t.Fatalf("b: got %d rows, %v; want the template's 1 row, untouched by a", n, err)
	}
}
