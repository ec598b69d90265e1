package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"carpool/internal/carpool"
)

// insertEvents writes outbox events in the caller's transaction; the database numbers them.
// It runs last, just before the commit: on PostgreSQL numbering an event holds the outbox
// lock (shared) until the transaction ends, and the relay's reader waits for every holder
// while every writer that comes after queues behind the reader. A writer that held it while
// still waiting for a row another writer holds would stall them all.
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
	fencer, ok := s.dialect.(eventFencer)
	if !ok {
		return s.eventsAfter(ctx, s.read(), afterSeq, limit)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("events: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only; ending it releases the fence
	return s.fencedEvents(ctx, tx, fencer, afterSeq, limit)
}

// fencedEvents reads events in tx after taking the fence (see eventFencer).
func (s *Store) fencedEvents(ctx context.Context, tx *sql.Tx, fencer eventFencer, afterSeq int64, limit int) ([]carpool.Event, error) {
	if _, err := tx.ExecContext(ctx, fencer.EventFence()); err != nil {
		return nil, fmt.Errorf("events: fence: %w", err)
	}
	return s.eventsAfter(ctx, tx, afterSeq, limit)
}

func (s *Store) eventsAfter(ctx context.Context, q queryer, afterSeq int64, limit int) ([]carpool.Event, error) {
	if limit <= 0 {
		limit = defaultEventLimit
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, id, type, subject_id, recipient_id, payload, created_at
		FROM outbox_events WHERE seq > $1 ORDER BY seq LIMIT $2`, afterSeq, limit)
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
