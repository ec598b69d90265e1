-- +goose Up
-- Places, maps and matching along the route.
--
-- A ride's detour budget and the corridor (carpool.Ride.Corridor) that holds every pickup
-- and drop-off the budget allows. Rides offered before this version get the default
-- budget and a corridor of the whole world: still found, only not pre-selected by the
-- index; they leave the search as they depart.
ALTER TABLE rides ADD COLUMN detour_km REAL NOT NULL DEFAULT 5 CHECK (detour_km BETWEEN 0 AND 50);
ALTER TABLE rides ADD COLUMN corridor_min_lat REAL NOT NULL DEFAULT -90;
ALTER TABLE rides ADD COLUMN corridor_max_lat REAL NOT NULL DEFAULT 90;
ALTER TABLE rides ADD COLUMN corridor_min_lon REAL NOT NULL DEFAULT -180;
ALTER TABLE rides ADD COLUMN corridor_max_lon REAL NOT NULL DEFAULT 180;
-- A route search reads the departure window in this index and tests the corridor on the
-- index entries, touching only the rows that pass. It replaces rides_search_idx, whose
-- columns it begins with, so that no planner prefers the narrower one and reads every
-- ride of the window.
DROP INDEX rides_search_idx;
CREATE INDEX rides_corridor_idx ON rides (status, depart_at, corridor_min_lat, corridor_max_lat, corridor_min_lon, corridor_max_lon);

-- Where a passenger boards and leaves, when they said so; both ends or neither.
ALTER TABLE bookings ADD COLUMN pickup_label TEXT;
ALTER TABLE bookings ADD COLUMN pickup_lat REAL CHECK (pickup_lat BETWEEN -90 AND 90);
ALTER TABLE bookings ADD COLUMN pickup_lon REAL CHECK (pickup_lon BETWEEN -180 AND 180);
ALTER TABLE bookings ADD COLUMN dropoff_label TEXT;
ALTER TABLE bookings ADD COLUMN dropoff_lat REAL CHECK (dropoff_lat BETWEEN -90 AND 90);
ALTER TABLE bookings ADD COLUMN dropoff_lon REAL CHECK (dropoff_lon BETWEEN -180 AND 180);

-- A member's saved places ("Home", "Gym"); names are unique per member.
CREATE TABLE places (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id),
    name       TEXT NOT NULL CHECK (name <> ''),
    address    TEXT NOT NULL DEFAULT '',
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (member_id, name)
);

-- +goose Down
DROP TABLE places;
ALTER TABLE bookings DROP COLUMN dropoff_lon;
ALTER TABLE bookings DROP COLUMN dropoff_lat;
ALTER TABLE bookings DROP COLUMN dropoff_label;
ALTER TABLE bookings DROP COLUMN pickup_lon;
ALTER TABLE bookings DROP COLUMN pickup_lat;
ALTER TABLE bookings DROP COLUMN pickup_label;
DROP INDEX rides_corridor_idx;
CREATE INDEX rides_search_idx ON rides (status, depart_at);
ALTER TABLE rides DROP COLUMN corridor_max_lon;
ALTER TABLE rides DROP COLUMN corridor_min_lon;
ALTER TABLE rides DROP COLUMN corridor_max_lat;
ALTER TABLE rides DROP COLUMN corridor_min_lat;
ALTER TABLE rides DROP COLUMN detour_km;
