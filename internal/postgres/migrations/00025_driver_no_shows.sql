-- No-shows the other way round: a passenger marks the driver who never came. One mark
-- per booking. Fleet managers count no-shows per member over a period, and the no-show
-- limit counts one member's, so both this table and the drivers' marks of passengers
-- (proof_records.no_show_at) are indexed by member and time.

-- +goose Up
CREATE TABLE driver_no_shows (
    booking_id   TEXT PRIMARY KEY REFERENCES bookings (id),
    ride_id      TEXT NOT NULL REFERENCES rides (id),
    driver_id    TEXT NOT NULL REFERENCES members (id),
    passenger_id TEXT NOT NULL REFERENCES members (id),
    at           TIMESTAMPTZ NOT NULL,
    CHECK (driver_id <> passenger_id)
);
CREATE INDEX driver_no_shows_driver_idx ON driver_no_shows (driver_id, at);
CREATE INDEX driver_no_shows_passenger_idx ON driver_no_shows (passenger_id);
CREATE INDEX proof_records_no_show_idx ON proof_records (passenger_id, no_show_at);

-- +goose Down
DROP INDEX proof_records_no_show_idx;
DROP TABLE driver_no_shows;
