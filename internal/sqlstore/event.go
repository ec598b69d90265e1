package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"carpool/internal/carpool"
)

// insertEvents writes outbox events in the caller's transaction; the database numbers them.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, events ...carpool.Event) error {
	for _, e := range events {
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox_events (id, type, subject_id, recipient_id, payload, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			e.ID, e.Type, e.SubjectID, e.RecipientID, string(e.Payload), ts(e.CreatedAt))
		if err != nil {
			return fmt.Errorf("write event %s: %w", e.Type, err)
		}
	}
	return nil
}

// defaultEventLimit is the batch size when the caller asks for none.
const defaultEventLimit = 100

// eventFencer is implemented by a Dialect whose writers may draw event numbers in an
// order other than the one they commit in (PostgreSQL, with several replicas). EventFence
// is a statement that, run first in the reading transaction, waits until every number
// drawn so far belongs to a finished transaction and keeps new ones from being drawn
// until the read is done; see internal/postgres/migrations/00004_perf.sql.
type eventFencer interface {
	EventFence() string
}

// Events returns outbox events with Seq greater than afterSeq, oldest first. An event
// that commits after this call returns gets a Seq greater than every Seq returned, so a
// reader that resumes after the last Seq it read never skips one; gaps in Seq are
// transactions that rolled back.
func (s *Store) Events(ctx context.Context, afterSeq int64, limit int) ([]carpool.Event, error) {
	if limit <= 0 {
		limit = defaultEventLimit
	}
	const q = `SELECT seq, id, type, subject_id, recipient_id, payload, created_at
		FROM outbox_events WHERE seq > $1 ORDER BY seq LIMIT $2`
	fencer, ok := s.dialect.(eventFencer)
	if !ok {
		rows, err := s.read().QueryContext(ctx, q, afterSeq, limit)
		if err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		return scanEvents(rows)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("events: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only; ending it releases the fence
	if _, err := tx.ExecContext(ctx, fencer.EventFence()); err != nil {
		return nil, fmt.Errorf("events: fence: %w", err)
	}
	rows, err := tx.QueryContext(ctx, q, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return scanEvents(rows)
}

func scanEvents(rows *sql.Rows) ([]carpool.Event, error) {
	events, err := collect(rows, func(r rowScanner) (carpool.Event, error) {
		var e carpool.Event
		var payload []byte
		err := r.Scan(&e.Seq, &e.ID, &e.Type, &e.SubjectID, &e.RecipientID, bytesCol{&payload}, timeCol{&e.CreatedAt})
		e.Payload = payload
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return events, nil
}
