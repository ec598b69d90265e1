package backup_test

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/backup"
	"carpool/internal/backup/backuptest"
	"carpool/internal/carpool"
	"carpool/internal/sqlstore"
)

// writeRide commits one ride with two confirmed one-seat bookings, its seats_taken and an
// outbox event, in one transaction, as the store does: a backup that split this
// transaction would show a ride without its bookings or a booking without its ride.
func writeRide(ctx context.Context, db *sql.DB, members int, n int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := carpool.Timestamp(time.Now())
	ride := carpool.NewID()
	driver := backuptest.ID(backuptest.TMembers, int(n)%members)
	if _, err := tx.ExecContext(ctx, `INSERT INTO rides (id, driver_id, car_id, from_label, from_lat, from_lon,
		to_label, to_lat, to_lon, depart_at, seats, seats_taken, booking_mode, notes, status, version, created_at, updated_at)
		VALUES ($1, $2, $3, 'A', 52.5, 13.4, 'B', 48.1, 11.5, $4, 4, 2, 'instant', '', 'open', 1, $4, $4)`,
		ride, driver, backuptest.ID(backuptest.TCars, 0), now); err != nil {
		return err
	}
	for k := 1; k <= 2; k++ {
		passenger := backuptest.ID(backuptest.TMembers, (int(n)+k)%members)
		if _, err := tx.ExecContext(ctx, `INSERT INTO bookings (id, ride_id, driver_id, passenger_id, seats, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, 'confirmed', $5, $5)`, carpool.NewID(), ride, driver, passenger, now); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at)
		VALUES ($1, 'ride.created', $2, $3, '{}', $4)`, carpool.NewID(), ride, driver, now); err != nil {
		return err
	}
	return tx.Commit()
}

// countRows counts every table's rows through q.
func countRows(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (map[string]int64, error) {
	counts := map[string]int64{}
	for _, table := range sqlstore.Tables {
		var n int64
		if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			return nil, err
		}
		counts[table] = n
	}
	return counts, nil
}

// TestBackupUnderConcurrentWrites takes a backup while writers commit rides with their
// bookings. The backup must be one point in time: its counts equal the counts read in
// its own transaction at its end, though writers committed meanwhile; and restored, it
// holds no booking without its ride and no ride whose seats_taken disagrees with its
// confirmed bookings.
func TestBackupUnderConcurrentWrites(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			const members = 200
			var db, writerDB backup.Database
			if e.name == "sqlite" {
				// Writers use a connection of their own, as the server process does
				// while `carpool backup` runs.
				path := filepath.Join(t.TempDir(), "carpool.db")
				db = mustOpenSQLiteAt(t, path)
				writerDB = mustOpenSQLiteAt(t, path)
			} else {
				db = e.open(t)
				writerDB = db
			}
			// Enough rows that reading them takes a while; that writers commit during
			// the backup does not rest on its length but on InSnapshot below.
			mustGenerate(t, db, backuptest.Size{Members: members, Rides: 1000})

			var committed atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for w := range 2 {
				wg.Go(func() {
					for n := int64(w); ; n += 2 {
						select {
						case <-stop:
							return
						default:
						}
						if err := writeRide(ctx, writerDB.DB(), members, n); err != nil {
							errs <- err
							return
						}
						committed.Add(1)
					}
				})
			}
			waitFor(t, func() bool { return committed.Load() >= 5 }, "writers to start")

			var inSnapshot, outside map[string]int64
			var buf bytes.Buffer
			m, err := backup.Write(ctx, &buf, db, backup.Options{
				InSnapshot: func(ctx context.Context, tx *sql.Tx, _ *backup.Manifest) error {
					// Let writers commit after every table was read, then count
					// inside the snapshot and outside it.
					seen := committed.Load()
					waitFor(t, func() bool { return committed.Load() >= seen+10 }, "writes during the backup")
					var err error
					if inSnapshot, err = countRows(ctx, tx); err != nil {
						return err
					}
					outside, err = countRows(ctx, writerDB.DB())
					return err
				},
			})
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatalf("writer: %v", err)
			}
			if err != nil {
				t.Fatalf("backup: %v", err)
			}
			t.Logf("writers committed %d transactions; backup has %d rows", committed.Load(), m.Rows)
			for _, ts := range m.Tables {
				if ts.Rows != inSnapshot[ts.Name] {
					t.Errorf("table %s: backup has %d rows, its snapshot %d", ts.Name, ts.Rows, inSnapshot[ts.Name])
				}
			}
			if outside["bookings"] <= inSnapshot["bookings"] {
				t.Fatalf("no writes committed during the backup (bookings: %d outside, %d in snapshot): the test proves nothing", outside["bookings"], inSnapshot["bookings"])
			}

			dst := e.open(t)
			mustRestore(t, buf.Bytes(), dst)
			assertConsistent(t, dst.DB())
		})
	}
}

// assertConsistent checks the rules a torn snapshot would break.
func assertConsistent(t *testing.T, db *sql.DB) {
	t.Helper()
	checks := []struct{ name, query string }{
		{"bookings without their ride", `SELECT count(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM rides r WHERE r.id = b.ride_id)`},
		{"rides whose seats_taken differs from their confirmed bookings", `SELECT count(*) FROM rides r WHERE r.seats_taken <>
			(SELECT coalesce(sum(b.seats), 0) FROM bookings b WHERE b.ride_id = r.id AND b.status = 'confirmed')`},
		{"rides without their event", `SELECT count(*) FROM rides r WHERE r.notes = '' AND r.from_label = 'A'
			AND NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.subject_id = r.id)`},
		{"events without their ride", `SELECT count(*) FROM outbox_events e WHERE e.type = 'ride.created'
			AND NOT EXISTS (SELECT 1 FROM rides r WHERE r.id = e.subject_id)`},
	}
	for _, c := range checks {
		var n int64
		if err := db.QueryRowContext(context.Background(), c.query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n != 0 {
			t.Errorf("%s: got %d, want 0", c.name, n)
		}
	}
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
