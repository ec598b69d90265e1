package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// relayCursor names the relay_cursor row of the outbox relay.
const relayCursor = "outbox"

// skipLocked is appended to a SELECT whose rows several processes compete for: on
// PostgreSQL a row another transaction holds is passed over instead of waited for. SQLite
// serialises write transactions, so there is nothing to skip.
func (s *Store) skipLocked() string {
	if s.dialect.Name() == "postgres" {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// plannerLease is how long the replica that read the events after the cursor has them
// to itself for planning (see relayEvents): long enough for a batch, short enough that a
// replica that died while planning holds the notifications back by seconds.
const plannerLease = 10 * time.Second

// FanOutEvents implements carpool.NotificationStore. Planning reads members, rides and
// their settings, so it runs before the transaction, on events read after the cursor as
// it stood; the transaction then takes the cursor row and stores the plans only if the
// cursor is still where they started. The cursor row is the lock: on PostgreSQL a process
// that finds it taken returns 0 at once rather than queueing behind another replica that
// is already storing the same events, and one that finds it moved drops its plans (the
// stores are idempotent anyway) and returns 0; the relay's next tick starts afresh.
// Storing ends the reader's planning lease.
func (s *Store) FanOutEvents(ctx context.Context, limit int, plan func(context.Context, carpool.Event) (carpool.Fanout, error)) (int, error) {
	from, err := s.relayCursorAt(ctx)
	if err != nil {
		return 0, fmt.Errorf("fan out events: %w", err)
	}
	events, err := s.relayEvents(ctx, from, limit)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	fanouts := make([]carpool.Fanout, len(events))
	for i, e := range events {
		if fanouts[i], err = plan(ctx, e); err != nil {
			return 0, fmt.Errorf("fan out events: plan event %d (%s): %w", e.Seq, e.Type, err)
		}
	}
	var n int
	err = s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		n = 0
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT last_seq FROM relay_cursor WHERE name = $1`+s.skipLocked(), relayCursor).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // another replica holds it
		}
		if err != nil {
			return fmt.Errorf("lock relay cursor: %w", err)
		}
		if last != from {
			return nil // another replica stored these events meanwhile
		}
		for _, f := range fanouts {
			if err := s.insertFanout(ctx, tx, f, now); err != nil {
				return err
			}
		}
		last = events[len(events)-1].Seq
		if _, err := tx.ExecContext(ctx, `UPDATE relay_cursor SET last_seq = $1, planner = NULL, planning_until = NULL
			WHERE name = $2`, last, relayCursor); err != nil {
			return fmt.Errorf("move relay cursor: %w", err)
		}
		n = len(events)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("fan out events: %w", err)
	}
	return n, nil
}

// relayEvents reads the events after the relay's cursor for planning. On PostgreSQL the
// fence it takes (see eventFencer) makes every writer of events wait while it waits, so it
// is taken only when an event has committed after the cursor (a writer still running
// commits later and is read on a later tick), and by one replica at a time: the reader
// holds the cursor row, and a replica that finds it held, or moved, reads nothing now.
//
// The reader also takes the planning lease with the events it read, so the other
// replicas do not plan them too (their plans would be dropped): until the cursor moves
// or plannerLease ends, a replica that is not the lease's holder reads nothing. The
// holder may read again, after a plan that failed. The database's clock times the lease,
// so replicas whose clocks differ agree on it.
func (s *Store) relayEvents(ctx context.Context, from int64, limit int) ([]carpool.Event, error) {
	fencer, ok := s.dialect.(eventFencer)
	if !ok {
		return s.eventsAfter(ctx, s.read(), from, limit)
	}
	var waiting bool
	err := s.read().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM outbox_events WHERE seq > $1)`, from).Scan(&waiting)
	if err != nil || !waiting {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("relay events: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // ends it when it took no lease; ending it releases the cursor row and the fence
	var last int64
	var othersPlan bool
	err = tx.QueryRowContext(ctx, `SELECT last_seq, COALESCE(planner <> $2 AND planning_until > now(), false)
		FROM relay_cursor WHERE name = $1`+s.skipLocked(), relayCursor, s.planner).Scan(&last, &othersPlan)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (last != from || othersPlan) {
		return nil, nil // another replica is reading, planning or storing these events
	}
	if err != nil {
		return nil, fmt.Errorf("relay events: lock cursor: %w", err)
	}
	events, err := s.fencedEvents(ctx, tx, fencer, from, limit)
	if err != nil || len(events) == 0 {
		return nil, err
	}
	// A lease lost in a crash of the database only lets another replica plan these
	// events too, so its commit need not wait for the disk.
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit TO OFF`); err != nil {
		return nil, fmt.Errorf("relay events: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE relay_cursor SET planner = $2, planning_until = now() + make_interval(secs => $3)
		WHERE name = $1`, relayCursor, s.planner, plannerLease.Seconds())
	if err != nil {
		return nil, fmt.Errorf("relay events: take the planning lease: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("relay events: take the planning lease: %w", err)
	}
	return events, nil
}

// relayCursorAt returns where the relay's cursor stands, making the row on first use.
func (s *Store) relayCursorAt(ctx context.Context) (int64, error) {
	var last int64
	err := s.read().QueryRowContext(ctx, `SELECT last_seq FROM relay_cursor WHERE name = $1`, relayCursor).Scan(&last)
	if !errors.Is(err, sql.ErrNoRows) {
		return last, err
	}
	err = s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO relay_cursor (name, last_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING`, relayCursor)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("make relay cursor: %w", err)
	}
	return 0, nil
}

// insertFanout stores one event's notifications and deliveries; a pair already stored
// (the unique keys) is left as it is.
func (s *Store) insertFanout(ctx context.Context, tx *sql.Tx, f carpool.Fanout, now time.Time) error {
	for _, n := range f.Notifications {
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, member_id, event_id, kind, title, body, link, language, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			n.ID, n.MemberID, n.EventID, n.Kind, n.Title, n.Body, n.Link, n.Language, ts(n.CreatedAt))
		if err != nil {
			return fmt.Errorf("store notification: %w", s.dialect.Translate(err))
		}
	}
	for _, d := range f.Deliveries {
		_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (id, event_id, channel, recipient, payload, status, attempts,
				next_attempt_at, event_created_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9) ON CONFLICT DO NOTHING`,
			d.ID, d.EventID, d.Channel, d.Recipient, string(d.Payload), carpool.DeliveryPending,
			ts(now), ts(d.EventCreatedAt), ts(now))
		if err != nil {
			return fmt.Errorf("store delivery: %w", s.dialect.Translate(err))
		}
	}
	return nil
}

const deliveryCols = "id, event_id, channel, recipient, payload, status, attempts, next_attempt_at, last_error, event_created_at, created_at, delivered_at"

func scanDelivery(r rowScanner) (carpool.Delivery, error) {
	var d carpool.Delivery
	var payload []byte
	err := r.Scan(&d.ID, &d.EventID, &d.Channel, &d.Recipient, bytesCol{&payload}, &d.Status, &d.Attempts,
		timeCol{&d.NextAttemptAt}, &d.LastError, timeCol{&d.EventCreatedAt}, timeCol{&d.CreatedAt}, timeCol{&d.DeliveredAt})
	d.Payload = payload
	return d, err
}

// ClaimDeliveries implements carpool.NotificationStore.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]carpool.Delivery, error) {
	var out []carpool.Delivery
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = $1
			WHERE id IN (SELECT id FROM deliveries WHERE status = $2 AND next_attempt_at <= $3
				ORDER BY next_attempt_at, id LIMIT $4`+s.skipLocked()+`)
			RETURNING `+deliveryCols,
			ts(now.Add(lease)), carpool.DeliveryPending, ts(now), limit)
		if err != nil {
			return err
		}
		out, err = collect(rows, scanDelivery)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// FinishDelivery implements carpool.NotificationStore. A failure is recorded only by the
// holder of the latest attempt; a success always counts, since the message went out.
func (s *Store) FinishDelivery(ctx context.Context, d carpool.Delivery, sendErr error, retryAt time.Time) error {
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		if sendErr == nil {
			_, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = $1, delivered_at = $2, last_error = ''
				WHERE id = $3 AND status = $4`, carpool.DeliveryDelivered, ts(now), d.ID, carpool.DeliveryPending)
			return err
		}
		status, next := carpool.DeliveryPending, retryAt
		if retryAt.IsZero() {
			status, next = carpool.DeliveryDead, now
		}
		msg := sendErr.Error()
		if len(msg) > 1000 {
			msg = msg[:1000]
		}
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = $1, next_attempt_at = $2, last_error = $3
			WHERE id = $4 AND status = $5 AND attempts = $6`,
			status, ts(next), msg, d.ID, carpool.DeliveryPending, d.Attempts)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish delivery %s: %w", d.ID, err)
	}
	return nil
}

// DeadDeliveries implements carpool.NotificationStore.
func (s *Store) DeadDeliveries(ctx context.Context, p carpool.Page) ([]carpool.Delivery, string, error) {
	var a args
	conds := []string{"status = " + a.add(carpool.DeliveryDead)}
	return listPage(ctx, s, "deliveries", deliveryCols, conds, a, p, scanDelivery, func(x carpool.Delivery) string { return x.ID })
}

// RetryDelivery implements carpool.NotificationStore.
func (s *Store) RetryDelivery(ctx context.Context, id string) error {
	err := s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = $1, attempts = 0, next_attempt_at = $2
			WHERE id = $3 AND status = $4`, carpool.DeliveryPending, ts(now), id, carpool.DeliveryDead)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return carpool.Errorf(carpool.ENOTFOUND, "no dead delivery %s", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retry delivery: %w", err)
	}
	return nil
}

// PurgeDeliveries implements carpool.NotificationStore. Only events the relay has
// passed are deleted, so nothing undelivered is lost.
func (s *Store) PurgeDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx, _ time.Time) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE status = $1 AND delivered_at < $2`,
			carpool.DeliveryDelivered, ts(before))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `DELETE FROM outbox_events WHERE created_at < $1
			AND seq <= (SELECT last_seq FROM relay_cursor WHERE name = $2)
			AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = outbox_events.id AND d.status <> $3)`,
			ts(before), relayCursor, carpool.DeliveryDelivered)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge deliveries: %w", err)
	}
	return n, nil
}

// OutboxBacklog counts what the relay has not delivered yet, for the
// carpool_outbox_backlog gauge: events past its cursor plus pending deliveries.
func (s *Store) OutboxBacklog(ctx context.Context) (int64, error) {
	var events, pending int64
	err := s.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox_events
		WHERE seq > COALESCE((SELECT last_seq FROM relay_cursor WHERE name = $1), 0)`, relayCursor).Scan(&events)
	if err != nil {
		return 0, fmt.Errorf("count outbox backlog: %w", err)
	}
	err = s.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE status = $1`, carpool.DeliveryPending).Scan(&pending)
	if err != nil {
		return 0, fmt.Errorf("count outbox backlog: %w", err)
	}
	return events + pending, nil
}
