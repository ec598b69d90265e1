package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// The ride threads: carpool.MessageStore and the carpool.MessageTx part of the unit.

const messageCols = `id, ride_id, author_id, body, quick, removed, created_at`

func scanMessage(r rowScanner) (carpool.Message, error) {
	var m carpool.Message
	var quick string
	var removed int
	err := r.Scan(&m.ID, &m.RideID, &m.AuthorID, &m.Body, &quick, &removed, timeCol{&m.CreatedAt})
	m.Quick, m.Removed = carpool.QuickReply(quick), removed == 1
	return m, err
}

// RideMessages implements carpool.MessageStore: oldest first, so the cursor is the last
// id shown and the next page holds larger ones.
func (s *Store) RideMessages(ctx context.Context, rideID string, p carpool.Page) ([]carpool.Message, string, error) {
	p, err := p.Normalize()
	if err != nil {
		return nil, "", err
	}
	after, err := p.After()
	if err != nil {
		return nil, "", err
	}
	if !knownIDs(rideID) {
		return nil, "", nil
	}
	var a args
	q := `SELECT ` + messageCols + ` FROM ride_messages WHERE ride_id = ` + a.add(rideID)
	if after != "" {
		q += ` AND id > ` + a.add(after)
	}
	q += ` ORDER BY id LIMIT ` + a.add(p.Limit+1)
	rows, err := s.read().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, "", fmt.Errorf("ride messages: %w", err)
	}
	items, err := collect(rows, scanMessage)
	if err != nil {
		return nil, "", fmt.Errorf("ride messages: %w", err)
	}
	items, next := carpool.PageOf(items, p.Limit, func(m carpool.Message) string { return m.ID })
	return items, next, nil
}

// MemberMessages implements carpool.MessageStore.
func (s *Store) MemberMessages(ctx context.Context, memberID string) ([]carpool.Message, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT `+messageCols+` FROM ride_messages WHERE author_id = $1 ORDER BY id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("member messages: %w", err)
	}
	items, err := collect(rows, scanMessage)
	if err != nil {
		return nil, fmt.Errorf("member messages: %w", err)
	}
	return items, nil
}

func (u *unit) InsertMessage(ctx context.Context, m carpool.Message) error {
	removed := 0
	if m.Removed {
		removed = 1
	}
	_, err := u.tx.ExecContext(ctx, `INSERT INTO ride_messages (`+messageCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		m.ID, m.RideID, m.AuthorID, m.Body, string(m.Quick), removed, ts(m.CreatedAt))
	if err != nil {
		return u.s.constraint(err, carpool.EINVALID, "body")
	}
	return nil
}

func (u *unit) CountMessages(ctx context.Context, authorID, rideID string, since time.Time) (carpool.MessageCount, error) {
	var c carpool.MessageCount
	err := u.tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM ride_messages WHERE author_id = $1 AND created_at >= $2),
		(SELECT MIN(created_at) FROM ride_messages WHERE author_id = $1 AND created_at >= $2),
		(SELECT COUNT(*) FROM ride_messages WHERE ride_id = $3)`, authorID, ts(since), rideID).
		Scan(&c.ByAuthor, timeCol{&c.OldestByAuthor}, &c.InThread)
	return c, err
}

func (u *unit) MessageNotices(ctx context.Context, rideID string) (map[string]time.Time, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT member_id, notified_at FROM ride_message_notices WHERE ride_id = $1`, rideID)
	if err != nil {
		return nil, err
	}
	type notice struct {
		member string
		at     time.Time
	}
	list, err := collect(rows, func(r rowScanner) (notice, error) {
		var n notice
		return n, r.Scan(&n.member, timeCol{&n.at})
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(list))
	for _, n := range list {
		out[n.member] = n.at
	}
	return out, nil
}

func (u *unit) SetMessageNotice(ctx context.Context, rideID, memberID string, at time.Time) error {
	_, err := u.tx.ExecContext(ctx, `INSERT INTO ride_message_notices (ride_id, member_id, notified_at) VALUES ($1, $2, $3)
		ON CONFLICT (ride_id, member_id) DO UPDATE SET notified_at = excluded.notified_at`, rideID, memberID, ts(at))
	return err
}

func (u *unit) RemoveMessages(ctx context.Context, memberID string) error {
	if _, err := u.tx.ExecContext(ctx, `UPDATE ride_messages SET body = '', quick = '', removed = 1 WHERE author_id = $1`, memberID); err != nil {
		return err
	}
	_, err := u.tx.ExecContext(ctx, `DELETE FROM ride_message_notices WHERE member_id = $1`, memberID)
	return err
}
