package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// changeMember applies change to the member under its row lock and saves what a member
// changes of themselves; change may refuse, and then nothing is written.
func (a *App) changeMember(ctx context.Context, id string, change func(*carpool.Member) error) (carpool.Member, error) {
	var out carpool.Member
	// Forgotten whether or not the change succeeds: results name them as they are now.
	defer a.drivers.forget(id)
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		m, err := tx.LockMember(ctx, id)
		if err != nil {
			return err
		}
		if err := change(&m); err != nil {
			return err
		}
		m.UpdatedAt = tx.Now()
		if err := tx.SaveProfile(ctx, m); err != nil {
			return err
		}
		out = m
		return nil
	})
	if err != nil {
		return carpool.Member{}, fmt.Errorf("change member: %w", err)
	}
	return out, nil
}
