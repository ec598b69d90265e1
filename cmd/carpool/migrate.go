package main

import (
	"context"
)

// migrate applies the embedded schema migrations and exits: the Kubernetes migration Job
// and init container. Several may run at once; the engines serialise them.
func (m *Main) migrate(ctx context.Context, args []string) error {
	cfg, logger, err := m.load("migrate", args, nil)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	return store.Close()
}
