-- Notifications: the relay's cursor over the outbox, the in-app inbox, deliveries to
-- mail and webhooks, e-mail preferences, webhooks, reminders and calendar tokens.
-- internal/postgres/migrations/00002_notifications.sql mirrors it.

-- +goose Up
-- One row, made by the first fan-out: the seq of the last outbox event fanned out. The
-- process that fans out holds the write lock of its transaction, so events are fanned
-- out once and in seq order.
CREATE TABLE relay_cursor (
    name     TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL CHECK (last_seq >= 0)
);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP,
    UNIQUE (event_id, member_id)
);
CREATE INDEX notifications_member_idx ON notifications (member_id, id);
CREATE INDEX notifications_unread_idx ON notifications (member_id) WHERE read_at IS NULL;

CREATE TABLE deliveries (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    recipient        TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    event_created_at TIMESTAMP NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP,
    UNIQUE (event_id, channel, recipient)
);
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_status_idx ON deliveries (status, id);

CREATE TABLE email_preferences (
    member_id TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    PRIMARY KEY (member_id, kind)
);

CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    failures    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP -- NULL while enabled
);

-- The key that makes a reminder happen once per person and ride, whatever replicas
-- or restarts do.
CREATE TABLE reminders (
    ride_id    TEXT NOT NULL REFERENCES rides (id) ON DELETE CASCADE,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ride_id, member_id)
);

CREATE TABLE calendar_tokens (
    member_id  TEXT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE calendar_tokens;
DROP TABLE reminders;
DROP TABLE webhooks;
DROP TABLE email_preferences;
DROP TABLE deliveries;
DROP TABLE notifications;
DROP TABLE relay_cursor;
