package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// PurgeBefore deletes what is older than before (carpool.RetentionTx) and, when it
// deleted anything, says what in the audit log in the same transaction: the purge is the
// only way audit entries ever go, so it leaves a line of its own. Every replica's relay
// runs it hourly; each row is deleted, and counted, by one of them.
func (a *App) PurgeBefore(ctx context.Context, before time.Time) (carpool.Purged, error) {
	before = carpool.Timestamp(before)
	var out carpool.Purged
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		p, err := tx.PurgeBefore(ctx, before, tx.Now())
		if err != nil {
			return err
		}
		out = p
		if p.Total() == 0 {
			return nil
		}
		detail := carpool.PurgeDetail{Purged: p, Before: before}.String()
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(carpool.Member{}, carpool.AuditRetentionPurged, "retention", "", detail, tx.Now()))
	})
	if err != nil {
		return carpool.Purged{}, fmt.Errorf("purge old rows: %w", err)
	}
	return out, nil
}
