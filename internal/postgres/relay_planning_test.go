package postgres_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
)

// countingPlan plans nothing and counts the events it was handed.
func countingPlan(n *atomic.Int32) func(context.Context, carpool.Event) (carpool.Fanout, error) {
	return func(context.Context, carpool.Event) (carpool.Fanout, error) {
		n.Add(1)
		return carpool.Fanout{}, nil
	}
}

// writeEvent commits one outbox event.
func writeEvent(t *testing.T, db *postgres.DB, id string) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := insertEvent(ctx, tx, id); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestOneReplicaPlansAtATime: two replicas (two pools on one database). While one plans
// the events after the cursor, the other's relay neither stores nor plans them: every
// plan it made would be dropped when the first stores. A lease that ended (its holder
// died while planning) no longer holds the others back, and the holder itself may plan
// again after a plan that failed.
func TestOneReplicaPlansAtATime(t *testing.T) {
	url := postgrestest.MigratedDatabase(t)
	a, b := mustOpenEmpty(t, url), mustOpenEmpty(t, url)
	ctx := context.Background()
	bounded, cancel := context.WithTimeout(ctx, 20*time.Second) // a wait fails instead of hanging
	defer cancel()
	writeEvent(t, a, "first")

	planning, release := make(chan struct{}), make(chan struct{})
	done := make(chan int, 1)
	go func() {
		n, err := a.FanOutEvents(ctx, 10, func(ctx context.Context, e carpool.Event) (carpool.Fanout, error) {
			close(planning)
			<-release
			return noPlan(ctx, e)
		})
		if err != nil {
			n = -1
		}
		done <- n
	}()
	<-planning
	var planned atomic.Int32
	if n, err := b.FanOutEvents(bounded, 10, countingPlan(&planned)); err != nil || n != 0 || planned.Load() != 0 {
		t.Fatalf("second replica while the first plans: stored %d, planned %d, %v; want nothing", n, planned.Load(), err)
	}
	close(release)
	if n := <-done; n != 1 {
		t.Fatalf("the planning replica stored %d events, want 1", n)
	}

	// Stored: the lease ended with it, so the other replica takes the next event.
	writeEvent(t, a, "second")
	if n, err := b.FanOutEvents(bounded, 10, countingPlan(&planned)); err != nil || n != 1 || planned.Load() != 1 {
		t.Fatalf("second replica after the first stored: stored %d, planned %d, %v; want 1 and 1", n, planned.Load(), err)
	}

	// A plan that fails keeps the lease with its replica, which plans again at once.
	writeEvent(t, a, "third")
	failed := errors.New("member read failed")
	if _, err := a.FanOutEvents(bounded, 10, func(context.Context, carpool.Event) (carpool.Fanout, error) {
		return carpool.Fanout{}, failed
	}); !errors.Is(err, failed) {
		t.Fatalf("failing plan: got %v, want %v", err, failed)
	}
	planned.Store(0)
	if n, err := b.FanOutEvents(bounded, 10, countingPlan(&planned)); err != nil || n != 0 || planned.Load() != 0 {
		t.Fatalf("other replica within the lease: stored %d, planned %d, %v; want nothing", n, planned.Load(), err)
	}
	if n, err := a.FanOutEvents(bounded, 10, noPlan); err != nil || n != 1 {
		t.Fatalf("the holder again after its failed plan: stored %d, %v; want 1", n, err)
	}

	// A holder that died: its lease holds the others back until it ends, not longer.
	writeEvent(t, a, "fourth")
	if _, err := a.DB().ExecContext(ctx, `UPDATE relay_cursor SET planner = 'dead', planning_until = now() + interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*postgres.DB{a, b} {
		if n, err := r.FanOutEvents(bounded, 10, countingPlan(&planned)); err != nil || n != 0 || planned.Load() != 0 {
			t.Fatalf("a replica within a dead holder's lease: stored %d, planned %d, %v; want nothing", n, planned.Load(), err)
		}
	}
	if _, err := a.DB().ExecContext(ctx, `UPDATE relay_cursor SET planning_until = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if n, err := b.FanOutEvents(bounded, 10, countingPlan(&planned)); err != nil || n != 1 || planned.Load() != 1 {
		t.Fatalf("after the dead holder's lease: stored %d, planned %d, %v; want 1 and 1", n, planned.Load(), err)
	}
}
