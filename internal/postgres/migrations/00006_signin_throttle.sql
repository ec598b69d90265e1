-- Sign-in attempt counters, shared by every process that uses this database: one row per
-- account ("account:<email>") or client address ("address:<ip>"). internal/sqlite has
-- the same table. Rows are ephemeral state, not data: backups leave them out.

-- +goose Up
CREATE TABLE signin_throttle (
    throttle_key TEXT NOT NULL,
    attempts     INTEGER NOT NULL CHECK (attempts >= 0),
    last_at      TIMESTAMPTZ NOT NULL,
    next_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT signin_throttle_pkey PRIMARY KEY (throttle_key)
);
CREATE INDEX signin_throttle_last_idx ON signin_throttle (last_at);

-- +goose Down
DROP TABLE signin_throttle;
