package backup_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/backup/backuptest"
)

// TestRoundTrip backs up a generated database of at least 100,000 bookings and
// restores it into a fresh database of the same engine: every table's row count and
// content digest must be equal, and a backup of the restored database must carry the
// same per-table SHA-256 as the first.
func TestRoundTrip(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var src database
			var counts map[string]int64
			if e.name == "sqlite" {
				src, counts = mustOpenFixture(t)
			} else {
				src = e.open(t)
				counts = mustGenerate(t, src, backuptest.ForBookings(fixtureBookings()))
			}
			if want := int64(fixtureBookings()); counts["bookings"] < want {
				t.Fatalf("generated %d bookings, want at least %d", counts["bookings"], want)
			}
			want := digests(t, src)
			start := time.Now()
			archive, m := mustBackup(t, src)
			t.Logf("backup of %d rows: %d bytes in %s", m.Rows, len(archive), time.Since(start).Round(time.Millisecond))
			for _, ts := range m.Tables {
				if ts.Rows != counts[ts.Name] {
					t.Errorf("manifest: table %s has %d rows, want %d", ts.Name, ts.Rows, counts[ts.Name])
				}
			}

			dst := e.open(t)
			start = time.Now()
			restored := mustRestore(t, archive, dst)
			t.Logf("restore of %d rows in %s", restored.Rows, time.Since(start).Round(time.Millisecond))
			assertSameTables(t, restored, m)
			assertSameData(t, digests(t, dst), want)
			_, again := mustBackup(t, dst)
			assertSameTables(t, again, m)
		})
	}
}

// TestRoundTripCrossEngine moves data SQLite → PostgreSQL → SQLite, as a team leaving
// the embedded default does (and one coming back): nothing may change on the way.
func TestRoundTripCrossEngine(t *testing.T) {
	lite, _ := mustOpenFixture(t)
	want := digests(t, lite)
	archive, m := mustBackup(t, lite)

	pg := mustOpenPostgres(t)
	mustRestore(t, archive, pg)
	assertSameData(t, digests(t, pg), want)
	archive2, m2 := mustBackup(t, pg)
	assertSameTables(t, m2, m)
	if m2.Engine != "postgres" || m.Engine != "sqlite" {
		t.Errorf("engines in manifests: got %s and %s, want sqlite and postgres", m.Engine, m2.Engine)
	}

	back := mustOpenSQLite(t)
	mustRestore(t, archive2, back)
	assertSameData(t, digests(t, back), want)

	// The outbox keeps numbering after the restored events on PostgreSQL.
	var next int64
	err := pg.DB().QueryRowContext(context.Background(),
		"INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at) VALUES ('new', 't', 's', 'r', '{}', now()) RETURNING seq").Scan(&next)
	if err != nil {
		t.Fatalf("insert event after restore: %v", err)
	}
	if want := int64(m.Tables[7].Rows) + 1; next != want {
		t.Errorf("next outbox seq after restore: got %d, want %d", next, want)
	}
}
