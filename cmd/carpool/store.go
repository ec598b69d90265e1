package main

import (
	"context"
	"fmt"
	"log/slog"

	"carpool/internal/carpool"
	"carpool/internal/config"
	"carpool/internal/postgres"
	"carpool/internal/sqlite"
)

// engine is a storage engine as the commands use it: the Store plus its migrations.
type engine interface {
	carpool.Store
	Migrate(ctx context.Context) (int64, error)
}

// openStore opens the engine that the database URL names and, when migrate is set,
// brings its schema up to date.
func openStore(ctx context.Context, cfg *config.Config, logger *slog.Logger, migrate bool) (engine, error) {
	var db engine
	switch cfg.Engine() {
	case "sqlite":
		s, err := sqlite.Open(ctx, cfg.SQLitePath())
		if err != nil {
			return nil, err
		}
		db = s
	case "postgres":
		s, err := postgres.Open(ctx, cfg.DatabaseURL,
			postgres.WithMaxConns(cfg.DBMaxConns),
			postgres.WithConnectTimeout(cfg.DBConnTimeout),
			postgres.WithStatementTimeout(cfg.DBStatementTimeout))
		if err != nil {
			return nil, err
		}
		db = s
	default:
		return nil, fmt.Errorf("open database: unknown engine %q", cfg.Engine())
	}
	if !migrate {
		return db, nil
	}
	version, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s database: %w", cfg.Engine(), err)
	}
	logger.Info("database schema up to date", "engine", cfg.Engine(), "version", version)
	return db, nil
}

// ptr returns a pointer to v, for optional settings.
func ptr[T any](v T) *T { return &v }
