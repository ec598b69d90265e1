-- +goose Up
-- Matching: the end-point search's spatial index, and a detour budget for commutes.
--
-- A spatial index for the end-point search: an R*Tree over the two ends of every open
-- ride and its departure (minutes since 1970), so that "starts within r of P and ends
-- within r of Q" reads the few rides near both ends instead of every ride of the window.
-- The route search keeps rides_corridor_idx: measured, the departure window read in that
-- index beats an R*Tree over the corridor (which is too wide to be selective).
--
-- The R*Tree is derived from rides and kept in step by the triggers below, in the
-- statement that changes the ride, so every path that writes a ride (offer, edit, cancel,
-- erasure, a commute's materialised day, a restore) keeps it true. It is not backed up:
-- a restore inserts rides and the triggers rebuild it.
--
-- An R*Tree row is keyed by an integer. rides.rowid is not one to rely on (VACUUM may
-- renumber the rowids of a table without an INTEGER PRIMARY KEY), so each ride gets a
-- stable number in ride_search_keys. Coordinates are stored as 32-bit floats rounded
-- outwards, so the index may hand over a ride a hair outside the box; the exact BETWEEN
-- conditions of the search then decide, as without the index.
CREATE TABLE ride_search_keys (
    n       INTEGER PRIMARY KEY,
    ride_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE rides_ends_rtree USING rtree (
    n,
    from_lat_min, from_lat_max,
    from_lon_min, from_lon_max,
    to_lat_min, to_lat_max,
    to_lon_min, to_lon_max,
    depart_min, depart_max,
    +ride_id
);

-- +goose StatementBegin
CREATE TRIGGER rides_ends_rtree_insert AFTER INSERT ON rides
BEGIN
    INSERT OR IGNORE INTO ride_search_keys (ride_id) VALUES (new.id);
    INSERT INTO rides_ends_rtree
        SELECT k.n, new.from_lat, new.from_lat, new.from_lon, new.from_lon,
               new.to_lat, new.to_lat, new.to_lon, new.to_lon,
               (julianday(new.depart_at) - 2440587.5) * 1440.0,
               (julianday(new.depart_at) - 2440587.5) * 1440.0, new.id
        FROM ride_search_keys k WHERE k.ride_id = new.id AND new.status = 'open';
END;
-- +goose StatementEnd

-- +goose StatementBegin
-- Every write of a ride names these columns (a booking rewrites the ride's row), so the
-- WHEN clause keeps the R*Tree untouched unless one of them really changed.
CREATE TRIGGER rides_ends_rtree_update AFTER UPDATE OF status, depart_at, from_lat, from_lon, to_lat, to_lon ON rides
WHEN old.status IS NOT new.status OR old.depart_at IS NOT new.depart_at
  OR old.from_lat IS NOT new.from_lat OR old.from_lon IS NOT new.from_lon
  OR old.to_lat IS NOT new.to_lat OR old.to_lon IS NOT new.to_lon
BEGIN
    DELETE FROM rides_ends_rtree WHERE n = (SELECT n FROM ride_search_keys WHERE ride_id = old.id);
    INSERT OR IGNORE INTO ride_search_keys (ride_id) VALUES (new.id);
    INSERT INTO rides_ends_rtree
        SELECT k.n, new.from_lat, new.from_lat, new.from_lon, new.from_lon,
               new.to_lat, new.to_lat, new.to_lon, new.to_lon,
               (julianday(new.depart_at) - 2440587.5) * 1440.0,
               (julianday(new.depart_at) - 2440587.5) * 1440.0, new.id
        FROM ride_search_keys k WHERE k.ride_id = new.id AND new.status = 'open';
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER rides_ends_rtree_delete AFTER DELETE ON rides
BEGIN
    DELETE FROM rides_ends_rtree WHERE n = (SELECT n FROM ride_search_keys WHERE ride_id = old.id);
    DELETE FROM ride_search_keys WHERE ride_id = old.id;
END;
-- +goose StatementEnd

INSERT INTO ride_search_keys (ride_id) SELECT id FROM rides ORDER BY rowid;
INSERT INTO rides_ends_rtree
    SELECT k.n, r.from_lat, r.from_lat, r.from_lon, r.from_lon, r.to_lat, r.to_lat, r.to_lon, r.to_lon,
           (julianday(r.depart_at) - 2440587.5) * 1440.0, (julianday(r.depart_at) - 2440587.5) * 1440.0, r.id
    FROM rides r JOIN ride_search_keys k ON k.ride_id = r.id
    WHERE r.status = 'open';

-- A commute's detour budget, given to each ride it materialises (carpool.Series.DetourKM).
-- Commutes offered before this version had their rides made with the default, 5 km.
ALTER TABLE ride_series ADD COLUMN detour_km REAL NOT NULL DEFAULT 5 CHECK (detour_km BETWEEN 0 AND 50);

-- +goose Down
ALTER TABLE ride_series DROP COLUMN detour_km;
DROP TRIGGER rides_ends_rtree_delete;
DROP TRIGGER rides_ends_rtree_update;
DROP TRIGGER rides_ends_rtree_insert;
DROP TABLE rides_ends_rtree;
DROP TABLE ride_search_keys;
