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

// Events returns outbox events with Seq greater than afterSeq, oldest first.
func (s *Store) Events(ctx context.Context, afterSeq int64, limit int) ([]carpool.Event, error) {
	if limit <= 0 {
		limit = defaultEventLimit
	}
	rows, err := s.read().QueryContext(ctx, `SELECT seq, id, type, subject_id, recipient_id, payload, created_at
		FROM outbox_events WHERE seq > $1 ORDER BY seq LIMIT $2`, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
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
