-- A ride's thread: short messages between its driver and the passengers whose booking is
-- pending or confirmed. A quick reply is stored as its code, so each reader sees it in
-- their own language. An erased author's messages keep their place, removed and empty.
-- ride_message_notices holds when each member was last told about a thread, so they are
-- told at most once a quarter hour however lively it is.

-- +goose Up
CREATE TABLE ride_messages (
    id         TEXT PRIMARY KEY,
    ride_id    TEXT NOT NULL REFERENCES rides (id) ON DELETE CASCADE,
    author_id  TEXT NOT NULL REFERENCES members (id),
    body       TEXT NOT NULL DEFAULT '',
    quick      TEXT NOT NULL DEFAULT '' CHECK (quick IN ('', 'here', 'late_5', 'on_way')),
    removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    created_at TIMESTAMP NOT NULL,
    CHECK (length(body) <= 500),
    -- a live message is a text or a quick reply, never both; a removed one is neither
    CHECK ((removed = 1 AND body = '' AND quick = '') OR (removed = 0 AND ((body <> '') <> (quick <> ''))))
);
CREATE INDEX ride_messages_ride_idx ON ride_messages (ride_id, id);
CREATE INDEX ride_messages_author_idx ON ride_messages (author_id, created_at);

CREATE TABLE ride_message_notices (
    ride_id     TEXT NOT NULL REFERENCES rides (id) ON DELETE CASCADE,
    member_id   TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    notified_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ride_id, member_id)
);

-- +goose Down
DROP TABLE ride_message_notices;
DROP TABLE ride_messages;
