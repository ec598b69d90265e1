-- +goose Up
-- A seat decision reads the ride's active bookings and the overbooking triggers count
-- its confirmed ones; both find them here without visiting the ride's cancelled history.
-- (Outbox numbering needs nothing: SQLite has one writer, so seq follows commit order.)
CREATE INDEX bookings_ride_status_idx ON bookings (ride_id, status);

-- +goose Down
DROP INDEX bookings_ride_status_idx;
