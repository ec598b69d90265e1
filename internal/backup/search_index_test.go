package backup_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"carpool/internal/backup"
	"carpool/internal/backup/backuptest"
	"carpool/internal/carpool"
)

// TestRestoreRebuildsSearchIndex restores a backup over other data, into each engine
// from each engine: the spatial index of the end search is derived from rides and not
// backed up, so the restored database must answer every search exactly as the source
// does, with no entry left from the data the restore replaced.
func TestRestoreRebuildsSearchIndex(t *testing.T) {
	for _, from := range engines {
		for _, to := range engines {
			t.Run(from.name+" to "+to.name, func(t *testing.T) {
				ctx := context.Background()
				src := from.open(t)
				mustGenerate(t, src, backuptest.Size{Members: 30, Rides: restoreRides()})
				archive, _ := mustBackup(t, src)
				dst := to.open(t)
				mustGenerate(t, dst, backuptest.Size{Members: 10, Rides: 40})
				if _, err := backup.Restore(ctx, bytes.NewReader(archive), dst, backup.RestoreOptions{Force: true}); err != nil {
					t.Fatalf("restore --force: %v", err)
				}

				matched := 0
				for k := range 12 {
					// The generated rides leave from around Berlin for Munich on the
					// day after backuptest.Base.
					origin := carpool.Point{Lat: 52.5 + float64(k)*0.008, Lon: 13.4 - float64(k)*0.006}
					dest := carpool.Point{Lat: 48.137 + float64(k)*0.001, Lon: 11.576}
					q := carpool.RideQuery{From: &origin, RadiusKM: 2,
						DepartAfter: backuptest.Base.Add(24 * time.Hour), DepartBefore: backuptest.Base.Add(30 * time.Hour)}
					if k%2 == 0 {
						q.To = &dest
					}
					q, err := q.Normalize(backuptest.Base)
					if err != nil {
						t.Fatal(err)
					}
					want := search(t, src.(carpool.Store), q)
					got := search(t, dst.(carpool.Store), q)
					matched += len(want)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("query %d after restore: got %v, want %v", k, got, want)
					}
				}
				if matched < 20 {
					t.Fatalf("got %d matches over all queries, too few to prove anything", matched)
				}
				if to.name == "sqlite" {
					var indexed, open int
					db := dst.DB()
					if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rides_ends_rtree`).Scan(&indexed); err != nil {
						t.Fatal(err)
					}
					if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rides WHERE status = 'open'`).Scan(&open); err != nil {
						t.Fatal(err)
					}
					if indexed != open {
						t.Fatalf("R*Tree holds %d rides, want the %d open ones", indexed, open)
					}
				}
			})
		}
	}
}

func search(t *testing.T, s carpool.Store, q carpool.RideQuery) []string {
	t.Helper()
	ms, err := s.SearchRides(context.Background(), q, 0, 1000)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	ids := []string{}
	for _, m := range ms {
		ids = append(ids, m.Ride.ID)
	}
	return ids
}
