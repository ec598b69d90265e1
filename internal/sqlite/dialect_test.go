package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestTranslate provokes each kind of constraint violation with raw SQL and checks the
// domain code the dialect gives it.
func TestTranslate(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	now := carpool.Timestamp(time.Now())
	m := carpool.Member{ID: carpool.NewID(), Email: "a@example.com", Name: "A", Role: carpool.RoleMember, PasswordHash: "h"}
	if err := db.CreateMember(ctx, m); err != nil {
		t.Fatal(err)
	}
	insertMember := `INSERT INTO members (id, email, name, phone, role, password_hash, created_at, updated_at) VALUES ($1, $2, $3, '', $4, 'h', $5, $5)`
	cases := []struct {
		name  string
		query string
		args  []any
		code  string
	}{
		{"unique", insertMember, []any{carpool.NewID(), m.Email, "B", "member", now}, carpool.ECONFLICT},
		{"primary key", insertMember, []any{m.ID, "b@example.com", "B", "member", now}, carpool.ECONFLICT},
		{"check", insertMember, []any{carpool.NewID(), "c@example.com", "C", "root", now}, carpool.ECONFLICT},
		{"not null", insertMember, []any{carpool.NewID(), "d@example.com", nil, "member", now}, carpool.EINVALID},
		{"foreign key", `INSERT INTO tokens (id, member_id, hash, created_at, expires_at) VALUES ($1, $2, 'h', $3, $4)`,
			[]any{carpool.NewID(), carpool.NewID(), now, now.Add(time.Hour)}, carpool.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.DB().ExecContext(ctx, tc.query, tc.args...)
			if err == nil {
				t.Fatal("the database accepted the row")
			}
			got := db.Dialect().Translate(err)
			if code := carpool.ErrorCode(got); code != tc.code {
				t.Fatalf("got %v (from %v), want %s", got, err, tc.code)
			}
			if db.Dialect().Retryable(err) {
				t.Fatalf("a constraint violation is not retryable: %v", err)
			}
		})
	}
	if other := sql.ErrConnDone; db.Dialect().Translate(other) != other {
		t.Fatal("an error that is no constraint violation must pass unchanged")
	}
}

// TestRetryableBusy holds the write lock in one connection and lets another, without a
// busy timeout, run into it: SQLITE_BUSY is what the store retries.
func TestRetryableBusy(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	open := func() *sql.DB {
		raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		raw.SetMaxOpenConns(1)
		t.Cleanup(func() { raw.Close() })
		return raw
	}
	a, b := open(), open()
	if _, err := a.ExecContext(ctx, "CREATE TABLE x (v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := a.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = b.BeginTx(ctx, nil)
	if err == nil {
		t.Fatal("a second writer got the lock")
	}
	if !db.Dialect().Retryable(err) {
		t.Fatalf("got %v, want it retryable", err)
	}
}

// TestTimesStoredInOneFormat guards the _time_format DSN option the SQL's time comparisons
// rely on: every time is stored as UTC text in one fixed layout.
func TestTimesStoredInOneFormat(t *testing.T) {
	db := openStore(t)
	ctx := context.Background()
	for _, at := range []time.Time{
		time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(2030, 1, 2, 3, 4, 5, 120000, time.FixedZone("X", 3600)),
	} {
		m := carpool.Member{ID: carpool.NewID(), Email: carpool.NewID() + "@example.com", Name: "A", Role: carpool.RoleMember,
			PasswordHash: "h", CreatedAt: at, UpdatedAt: at}
		if err := db.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		var text string
		if err := db.DB().QueryRowContext(ctx, `SELECT created_at || '' FROM members WHERE id = $1`, m.ID).Scan(&text); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$`).MatchString(text) {
			t.Fatalf("stored %q, want UTC in the layout 2006-01-02 15:04:05.999999-07:00", text)
		}
		got, err := db.Member(ctx, m.ID)
		if err != nil || got.CreatedAt != carpool.Timestamp(at) {
			t.Fatalf("read back %v, %v; want %v", got.CreatedAt, err, carpool.Timestamp(at))
		}
	}
}
