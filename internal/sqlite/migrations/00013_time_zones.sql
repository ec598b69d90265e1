-- The IANA zone a member reads times in, and the zone of a site's clocks ("Europe/Berlin");
-- empty leaves it to the installation's default zone (CARPOOL_TIMEZONE).

-- +goose Up
ALTER TABLE members ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sites DROP COLUMN time_zone;
ALTER TABLE members DROP COLUMN time_zone;
