-- +goose Up
-- Matching: the end-point search's spatial index, and a detour budget for commutes.
--
-- A spatial index for the end-point search, in core GiST (no extension): the two ends of
-- every open ride as points, and its departure as a point on a line (seconds since 1970;
-- EXTRACT on a timestamptz is not immutable, on the interval since 1970 it is). "Starts
-- within r of P and ends within r of Q" becomes two `<@ box` tests the index answers, so
-- a search reads the few rides near both ends instead of every ride of the window; the
-- departure column drops rides of other days in the index, which matters once months of
-- departed rides lie in it.
-- The route search keeps rides_corridor_idx: measured, the departure window read in that
-- btree beats a GiST over the corridor box (which is too wide to be selective).
CREATE INDEX rides_ends_idx ON rides USING gist (
    point(from_lon, from_lat),
    point(to_lon, to_lat),
    point(EXTRACT(EPOCH FROM (depart_at - TIMESTAMPTZ '1970-01-01 00:00:00+00')), 0)
) WHERE status = 'open';

-- A commute's detour budget, given to each ride it materialises (carpool.Series.DetourKM).
-- Commutes offered before this version had their rides made with the default, 5 km.
ALTER TABLE ride_series ADD COLUMN detour_km DOUBLE PRECISION NOT NULL DEFAULT 5 CONSTRAINT ride_series_detour_km_check CHECK (detour_km BETWEEN 0 AND 50);

-- +goose Down
ALTER TABLE ride_series DROP COLUMN detour_km;
DROP INDEX rides_ends_idx;
