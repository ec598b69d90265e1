-- address_search_counts counts each member's address searches per window in the
-- database, so the limit a member is held to is the same however many replicas serve
-- them. The counts are fleeting, like signin_throttle: the relay's housekeeping deletes
-- closed windows and no backup holds them.
-- internal/postgres/migrations/00026_address_search_counts.sql mirrors it.

-- +goose Up
CREATE TABLE address_search_counts (
    member_id    TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    window_start TIMESTAMP NOT NULL,
    searches     INTEGER NOT NULL CHECK (searches > 0),
    PRIMARY KEY (member_id, window_start)
);

-- +goose Down
DROP TABLE address_search_counts;
