-- Carpool parking: the labelled spaces a site keeps for carpools, and each day's claims
-- of them. Mirrored column by column in internal/sqlite/migrations/00019_parking.sql.
--
-- A claim is a ride with a confirmed passenger arriving at a site on a local day (TEXT
-- 'YYYY-MM-DD' in the site's zone); queued_at is when the carpool formed, which orders
-- the waiting claims; space_id is the space it holds, or NULL while it waits.

-- +goose Up
CREATE TABLE parking_spaces (
    id         TEXT PRIMARY KEY,
    site_id    TEXT NOT NULL REFERENCES sites (id),
    label      TEXT NOT NULL CHECK (label <> ''),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    retired_at TIMESTAMPTZ,
    UNIQUE (id, site_id)
);
-- one active space per label and site; a retired label may be used again
CREATE UNIQUE INDEX parking_spaces_label_key ON parking_spaces (site_id, label) WHERE retired_at IS NULL;

CREATE TABLE parking_claims (
    ride_id   TEXT PRIMARY KEY REFERENCES rides (id),
    site_id   TEXT NOT NULL REFERENCES sites (id),
    on_date   TEXT NOT NULL CHECK (length(on_date) = 10),
    queued_at TIMESTAMPTZ NOT NULL,
    space_id  TEXT,
    -- the space held is one of the claim's site
    FOREIGN KEY (space_id, site_id) REFERENCES parking_spaces (id, site_id)
);
-- The guard of the allocation: one ride per site, day and space, whatever the code does
-- (NULL, waiting, is distinct from every other NULL).
CREATE UNIQUE INDEX parking_claims_space_key ON parking_claims (site_id, on_date, space_id);

-- +goose Down
DROP TABLE parking_claims;
DROP TABLE parking_spaces;
