package notify_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/notify"
)

// TestRelayPurgesByRetention: a relay with a retention deletes the audit entries older
// than it as soon as it starts (then hourly), and says so in the audit log.
func TestRelayPurgesByRetention(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	old := carpool.NewAuditEntry(w.driver, carpool.AuditSiteCreated, "site", "s-old", "", w.now.Add(-48*time.Hour))
	recent := carpool.NewAuditEntry(w.driver, carpool.AuditSiteCreated, "site", "s-new", "", w.now)
	for _, e := range []carpool.AuditEntry{old, recent} {
		if err := w.db.AppendAudit(w.ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(w.ctx)
	done := make(chan struct{})
	go func() {
		notify.New(w.db, notify.Options{PurgeAfter: 24 * time.Hour, Purge: app.New(w.db, app.Options{}).PurgeBefore, Poll: 20 * time.Millisecond}).Run(ctx)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })

	deadline := time.Now().Add(10 * time.Second)
	for {
		entries, _, err := w.db.AuditLog(w.ctx, carpool.AuditFilter{}, carpool.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.SubjectID] = true
			seen[e.Action] = true
		}
		if !seen["s-old"] {
			if !seen["s-new"] || !seen[carpool.AuditRetentionPurged] {
				t.Fatalf("after the purge: got %+v, want s-new and a retention line", entries)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the old audit entry is still there after 10s")
		}
		time.Sleep(20 * time.Millisecond) // polling, bounded by the deadline
	}
}
