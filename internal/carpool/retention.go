package carpool

import (
	"context"
	"encoding/json"
	"time"
)

// DefaultRetention is how long notifications, delivered outbox rows and audit entries
// are kept when CARPOOL_RETENTION_DAYS is not set: a year covers the questions people
// ask about what happened, and no more personal history piles up than that.
const DefaultRetention = 365 * 24 * time.Hour

// AuditRetentionPurged is the audit action of a retention purge: the purge is the only
// way audit entries are ever deleted, so it leaves a line of its own.
const AuditRetentionPurged = "retention.purged"

// Purged counts the rows a retention purge deleted.
type Purged struct {
	Notifications int64 `json:"notifications"` // inbox entries
	Deliveries    int64 `json:"deliveries"`    // delivered e-mail and webhook deliveries
	Events        int64 `json:"events"`        // outbox events every delivery of which was done
	Audit         int64 `json:"audit"`         // audit entries
	Links         int64 `json:"links"`         // expired account links
	Messages      int64 `json:"messages"`      // messages in ride threads
}

// Total is the number of rows deleted.
func (p Purged) Total() int64 {
	return p.Notifications + p.Deliveries + p.Events + p.Audit + p.Links + p.Messages
}

// PurgeDetail is what the purge's audit line records: data, so that each reader sees it
// in their own language and on their own clock.
type PurgeDetail struct {
	Purged
	Before time.Time `json:"before"` // what was older than this went
}

// String is the detail of the purge's audit line (JSON).
func (d PurgeDetail) String() string {
	b, _ := json.Marshal(d) // counts and a time of this era always encode
	return string(b)
}

// ParsePurgeDetail reads the detail of an AuditRetentionPurged line; lines written
// before the detail was data do not parse.
func ParsePurgeDetail(detail string) (PurgeDetail, bool) {
	var d PurgeDetail
	if err := json.Unmarshal([]byte(detail), &d); err != nil || d.Before.IsZero() {
		return PurgeDetail{}, false
	}
	return d, true
}

// RetentionTx deletes what is older than the retention, inside a transaction.
type RetentionTx interface {
	// PurgeBefore deletes notifications and ride messages created before before,
	// deliveries delivered before it, outbox events before it whose deliveries are all
	// done (and that the relay has passed), audit entries before it and account links
	// that expired before now, and counts them. Several processes may run it at once:
	// each row is deleted, and counted, by one of them.
	PurgeBefore(ctx context.Context, before, now time.Time) (Purged, error)
}
