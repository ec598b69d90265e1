-- The relay plans the events after its cursor (recipients, texts, e-mail choices) before
-- the transaction that stores the plans, so that a slow plan holds no lock. Every replica
-- whose relay woke up planned the same events, and all but one threw their plans away:
-- with three replicas under load a fifth to a quarter of each one's CPU went to planning,
-- most of it thrown away.
-- The replica that reads the events now also takes a short lease on planning them, and
-- the others leave those events alone until it stores them or its lease ends (a replica
-- that died while planning delays the fan-out by the lease, never loses it). Only
-- PostgreSQL runs replicas; SQLite keeps the columns so that both schemas, and backups
-- across them, stay the same. Mirrored in
-- internal/postgres/migrations/00030_relay_planner_lease.sql.

-- +goose Up
ALTER TABLE relay_cursor ADD COLUMN planner TEXT;
ALTER TABLE relay_cursor ADD COLUMN planning_until TIMESTAMP;

-- +goose Down
ALTER TABLE relay_cursor DROP COLUMN planning_until;
ALTER TABLE relay_cursor DROP COLUMN planner;
