-- A driver may share one ride or one commute with partner operators, or keep it to the
-- company, whatever their profile says: share_with_partners on a ride or a commute is 1
-- (share), 0 (do not) or NULL (follow the member's choice, members.share_with_partners).
-- A commute's days are rides and carry the commute's choice.
-- partner_request_counts counts each partner's requests per minute in the database, so
-- the rate a partner is held to is the same however many replicas serve it; the counts
-- are fleeting, like signin_throttle, and no backup holds them.
-- internal/postgres/migrations/00021_partner_sharing_overrides.sql mirrors it.

-- +goose Up
ALTER TABLE rides ADD COLUMN share_with_partners INTEGER CHECK (share_with_partners IN (0, 1));
ALTER TABLE ride_series ADD COLUMN share_with_partners INTEGER CHECK (share_with_partners IN (0, 1));
CREATE TABLE partner_request_counts (
    partner_id   TEXT NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    window_start TIMESTAMP NOT NULL,
    requests     INTEGER NOT NULL CHECK (requests > 0),
    PRIMARY KEY (partner_id, window_start)
);

-- +goose Down
DROP TABLE partner_request_counts;
ALTER TABLE ride_series DROP COLUMN share_with_partners;
ALTER TABLE rides DROP COLUMN share_with_partners;
