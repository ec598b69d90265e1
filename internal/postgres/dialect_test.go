package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
)

// TestTranslate feeds the dialect the errors PostgreSQL reports and checks the domain
// error each becomes: the code by SQLSTATE, the field by constraint name.
func TestTranslate(t *testing.T) {
	d := mustOpenMigrated(t).Dialect()
	tests := []struct {
		name       string
		code       string
		constraint string
		column     string
		wantCode   string
		wantField  string
	}{
		{"duplicate email", "23505", "members_email_key", "", carpool.ECONFLICT, "email"},
		{"duplicate plate", "23505", "cars_plate_key", "", carpool.ECONFLICT, "plate"},
		{"second active booking", "23505", "bookings_active_key", "", carpool.ECONFLICT, ""},
		{"unknown unique constraint", "23505", "something_key", "", carpool.ECONFLICT, ""},
		{"overlapping reservation", "23P01", "reservations_no_overlap", "", carpool.ECONFLICT, ""},
		{"seats taken beyond seats", "23514", "rides_seats_taken_check", "", carpool.ECONFLICT, "seats"},
		{"confirmed seats beyond seats", "23514", "bookings_seats_within_ride", "", carpool.ECONFLICT, "seats"},
		{"other check", "23514", "cars_seats_check", "", carpool.ECONFLICT, ""},
		{"unknown site", "23503", "cars_site_id_fkey", "", carpool.EINVALID, "site_id"},
		{"NUL in text", "22021", "", "", carpool.EINVALID, ""},
		{"untranslatable character", "22P05", "", "", carpool.EINVALID, ""},
		{"unknown car", "23503", "reservations_car_id_fkey", "", carpool.EINVALID, "car_id"},
		{"missing value", "23502", "", "name", carpool.EINVALID, "name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pe := &pgconn.PgError{Code: tc.code, ConstraintName: tc.constraint, ColumnName: tc.column, Message: "detail only for logs"}
			err := d.Translate(fmt.Errorf("insert: %w", pe))
			if got := carpool.ErrorCode(err); got != tc.wantCode {
				t.Errorf("code: got %q, want %q (%v)", got, tc.wantCode, err)
			}
			if got := carpool.ErrorField(err); got != tc.wantField {
				t.Errorf("field: got %q, want %q", got, tc.wantField)
			}
			if msg := carpool.ErrorMessage(err); msg == "" || msg == pe.Message {
				t.Errorf("message: got %q, want a user-safe message of its own", msg)
			}
		})
	}
	t.Run("other errors unchanged", func(t *testing.T) {
		for _, in := range []error{
			errors.New("connection reset"),
			&pgconn.PgError{Code: "40001"},
			&pgconn.PgError{Code: "57014"},
		} {
			if got := d.Translate(in); got != in {
				t.Errorf("Translate(%v) = %v, want it unchanged", in, got)
			}
		}
	})
}

func TestRetryable(t *testing.T) {
	d := mustOpenMigrated(t).Dialect()
	tests := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{fmt.Errorf("commit: %w", &pgconn.PgError{Code: "40001"}), true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "57014"}, false},
		{errors.New("40001"), false},
		{sql.ErrNoRows, false},
	}
	for _, tc := range tests {
		if got := d.Retryable(tc.err); got != tc.want {
			t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestRetryableRealFailures provokes a serialization failure and a deadlock on the real
// server and checks the dialect recognises the errors as database/sql returns them.
func TestRetryableRealFailures(t *testing.T) {
	db := mustOpenMigrated(t)
	d := db.Dialect()
	ctx := context.Background()
	if _, err := db.DB().ExecContext(ctx, `CREATE TABLE counters (id int PRIMARY KEY, n int);
		INSERT INTO counters VALUES (1, 0), (2, 0)`); err != nil {
		t.Fatal(err)
	}
	begin := func(level sql.IsolationLevel) *sql.Tx {
		tx, err := db.DB().BeginTx(ctx, &sql.TxOptions{Isolation: level})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tx.Rollback() })
		return tx
	}
	exec := func(tx *sql.Tx, q string) error { _, err := tx.ExecContext(ctx, q); return err }

	t.Run("serialization failure", func(t *testing.T) {
		a, b := begin(sql.LevelRepeatableRead), begin(sql.LevelRepeatableRead)
		if err := exec(b, "SELECT n FROM counters WHERE id = 1"); err != nil { // b's snapshot starts here
			t.Fatal(err)
		}
		if err := exec(a, "UPDATE counters SET n = n + 1 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		if err := a.Commit(); err != nil {
			t.Fatal(err)
		}
		err := exec(b, "UPDATE counters SET n = n + 1 WHERE id = 1")
		if !d.Retryable(err) {
			t.Fatalf("got %v, want a retryable serialization failure", err)
		}
	})
	t.Run("deadlock", func(t *testing.T) {
		a, b := begin(sql.LevelReadCommitted), begin(sql.LevelReadCommitted)
		if err := exec(a, "UPDATE counters SET n = n + 1 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		if err := exec(b, "UPDATE counters SET n = n + 1 WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 2)
		go func() { errs <- exec(a, "UPDATE counters SET n = n + 1 WHERE id = 2") }()
		go func() { errs <- exec(b, "UPDATE counters SET n = n + 1 WHERE id = 1") }()
		var deadlocked int
		for range 2 {
			select {
			case err := <-errs:
				if err != nil {
					if !d.Retryable(err) {
						t.Errorf("got %v, want a retryable deadlock", err)
					}
					deadlocked++
					// The victim is rolled back; end its transaction so the other goes on.
					_ = a.Rollback()
					_ = b.Rollback()
				}
			case <-time.After(30 * time.Second):
				t.Fatal("neither transaction ended: no deadlock detected")
			}
		}
		if deadlocked != 1 {
			t.Errorf("got %d deadlock victims, want 1", deadlocked)
		}
	})
}

func TestStatementTimeout(t *testing.T) {
	db := mustOpenMigrated(t, postgres.WithStatementTimeout(100*time.Millisecond))
	_, err := db.DB().ExecContext(context.Background(), "SELECT pg_sleep(5)")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" {
		t.Fatalf("got %v, want the server to cancel the statement (57014)", err)
	}
}

func TestStats(t *testing.T) {
	db := mustOpenMigrated(t, postgres.WithMaxConns(7))
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := db.Stats()
	if s.MaxConns() != 7 || s.TotalConns() < 1 {
		t.Fatalf("got max %d, total %d connections; want max 7 and at least one open", s.MaxConns(), s.TotalConns())
	}
}
