package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"carpool/internal/carpool"
)

// unit is carpool.Tx over one database transaction: it reads and writes what the
// application layer asks for and decides nothing.
type unit struct {
	s      *Store
	tx     *sql.Tx
	now    time.Time
	events []carpool.Event // written when the work is done: see insertEvents
}

var _ carpool.Tx = (*unit)(nil)

// InTx runs fn in one write transaction with its outbox events (see withTx for the
// reruns a retryable failure causes).
// Under a held commit (HoldCommit) the events wait for the commit instead.
func (s *Store) InTx(ctx context.Context, fn func(tx carpool.Tx) error) error {
	if h := s.held(ctx); h != nil {
		return h.run(ctx, func(tx *sql.Tx, now time.Time) error {
			u := &unit{s: s, tx: tx, now: now}
			if err := fn(u); err != nil {
				return err
			}
			h.events = append(h.events, u.events...)
			return nil
		})
	}
	return s.withTx(ctx, func(tx *sql.Tx, now time.Time) error {
		u := &unit{s: s, tx: tx, now: now}
		if err := fn(u); err != nil {
			return err
		}
		return s.insertEvents(ctx, tx, u.events...)
	})
}

func (u *unit) Now() time.Time { return u.now }

func (u *unit) Append(_ context.Context, events ...carpool.Event) error {
	u.events = append(u.events, events...)
	return nil
}

func (u *unit) LockMember(ctx context.Context, id string) (carpool.Member, error) {
	if err := knownID(id, "member"); err != nil {
		return carpool.Member{}, err
	}
	m, err := scanMember(u.tx.QueryRowContext(ctx, `SELECT `+memberCols+` FROM members WHERE id = $1`+u.s.dialect.ForUpdate(), id))
	return m, notFound(err, "member")
}

func (u *unit) ActiveMemberIDs(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var a args
	return u.s.ids(ctx, u.tx, `SELECT id FROM members WHERE deactivated_at IS NULL AND id `+u.s.dialect.InList(ids, a.add)+` ORDER BY id`, a...)
}

func (u *unit) FleetManagerIDs(ctx context.Context) ([]string, error) {
	return u.s.ids(ctx, u.tx, `SELECT id FROM members WHERE role IN ('fleet_manager', 'admin') ORDER BY id`)
}

func (u *unit) Car(ctx context.Context, id string) (carpool.Car, error) {
	if err := knownID(id, "car"); err != nil {
		return carpool.Car{}, err
	}
	c, err := scanCar(u.tx.QueryRowContext(ctx, `SELECT `+carCols+` FROM cars WHERE id = $1`, id))
	return c, notFound(err, "car")
}

func (u *unit) LockCar(ctx context.Context, id string) (carpool.Car, error) {
	return u.s.lockCar(ctx, u.tx, id)
}
