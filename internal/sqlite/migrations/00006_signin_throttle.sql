-- Sign-in attempt counters, shared by every process that uses this database: one row per
-- account ("account:<email>") or client address ("address:<ip>"). internal/postgres has
-- the same table. Rows are ephemeral state, not data: backups leave them out.

-- +goose Up
CREATE TABLE signin_throttle (
    throttle_key TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL CHECK (attempts >= 0),
    last_at      TIMESTAMP NOT NULL,
    next_at      TIMESTAMP NOT NULL
);
CREATE INDEX signin_throttle_last_idx ON signin_throttle (last_at);

-- +goose Down
DROP TABLE signin_throttle;
