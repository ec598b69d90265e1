-- Fleet reports sum the passenger-kilometres of the period's rides. They computed each
-- ride's road distance (a great circle times the road factor) in every report, a
-- haversine per ride: on a year of 100,000 rides a large part of the report's CPU.
-- A ride's ends never change after it is written, so its road distance is stored with
-- it (the store writes carpool.Ride.RoadKM on insert) and the reports sum the column.

-- +goose Up
ALTER TABLE rides ADD COLUMN road_km DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (road_km >= 0);
-- The rides written before: the same haversine the reports computed until now, so their
-- figures stay what they were.
UPDATE rides SET road_km = 2 * 8282.31144 * asin(sqrt(
    sin(radians(to_lat - from_lat) / 2) * sin(radians(to_lat - from_lat) / 2)
    + cos(radians(from_lat)) * cos(radians(to_lat)) * sin(radians(to_lon - from_lon) / 2) * sin(radians(to_lon - from_lon) / 2)));

-- +goose Down
ALTER TABLE rides DROP COLUMN road_km;
