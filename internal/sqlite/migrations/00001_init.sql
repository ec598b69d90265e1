-- The carpool schema on SQLite. internal/postgres/migrations mirrors every table and
-- column name: the shared SQL in internal/sqlstore runs unchanged on both engines.
--
-- Conventions both engines follow:
--   * ids are TEXT (carpool.NewID: 32 hex digits that sort by creation time);
--   * times are TIMESTAMP columns holding UTC with microsecond precision (modernc writes
--     them as "2006-01-02 15:04:05.999999999-07:00" with _time_format=sqlite; every value
--     is UTC, so text order is time order and the comparisons below are correct);
--   * optional references are NULL, optional texts are '' (never NULL);
--   * the schema enforces the integrity rules itself; the code checks them first only
--     to give better error messages.

-- +goose Up
CREATE TABLE members (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL CHECK (email <> '' AND email = lower(email)),
    name          TEXT NOT NULL CHECK (name <> ''),
    phone         TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('member', 'fleet_manager', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (lower(email));

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX tokens_member_idx ON tokens (member_id);

CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL CHECK (name <> ''),
    address    TEXT NOT NULL,
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE cars (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('pool', 'private')),
    plate      TEXT NOT NULL UNIQUE,
    make       TEXT NOT NULL,
    model      TEXT NOT NULL,
    seats      INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 8),
    site_id    TEXT REFERENCES sites (id),
    owner_id   TEXT REFERENCES members (id),
    status     TEXT NOT NULL CHECK (status IN ('active', 'maintenance', 'retired')),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- a pool car belongs to a site, a private car to a member, never both
    CHECK ((kind = 'pool' AND site_id IS NOT NULL AND owner_id IS NULL)
        OR (kind = 'private' AND owner_id IS NOT NULL AND site_id IS NULL))
);
CREATE INDEX cars_site_idx ON cars (site_id);
CREATE INDEX cars_owner_idx ON cars (owner_id);

CREATE TABLE reservations (
    id           TEXT PRIMARY KEY,
    car_id       TEXT NOT NULL REFERENCES cars (id),
    member_id    TEXT NOT NULL REFERENCES members (id),
    kind         TEXT NOT NULL CHECK (kind IN ('trip', 'maintenance')),
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
    cancelled_by TEXT REFERENCES members (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX reservations_car_idx ON reservations (car_id, starts_at);
CREATE INDEX reservations_member_idx ON reservations (member_id);

-- No two active reservations of one car overlap ([starts_at, ends_at) half-open, so
-- windows that touch are fine). On SQLite the store serialises every write transaction
-- (BEGIN IMMEDIATE) and checks overlaps inside it; these triggers are the backstop that
-- makes the database itself refuse an overlapping row (PostgreSQL: an exclusion
-- constraint). RAISE(ABORT) reports SQLITE_CONSTRAINT_TRIGGER.
-- +goose StatementBegin
CREATE TRIGGER reservations_no_overlap_insert
BEFORE INSERT ON reservations
WHEN NEW.status = 'active'
BEGIN
    SELECT RAISE(ABORT, 'reservation overlaps an active reservation of the same car')
    WHERE EXISTS (
        SELECT 1 FROM reservations r
        WHERE r.car_id = NEW.car_id AND r.status = 'active'
          AND r.starts_at < NEW.ends_at AND NEW.starts_at < r.ends_at
    );
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER reservations_no_overlap_update
BEFORE UPDATE OF car_id, starts_at, ends_at, status ON reservations
WHEN NEW.status = 'active'
BEGIN
    SELECT RAISE(ABORT, 'reservation overlaps an active reservation of the same car')
    WHERE EXISTS (
        SELECT 1 FROM reservations r
        WHERE r.car_id = NEW.car_id AND r.status = 'active' AND r.id <> NEW.id
          AND r.starts_at < NEW.ends_at AND NEW.starts_at < r.ends_at
    );
END;
-- +goose StatementEnd

CREATE TABLE rides (
    id             TEXT PRIMARY KEY,
    driver_id      TEXT NOT NULL REFERENCES members (id),
    car_id         TEXT NOT NULL REFERENCES cars (id),
    reservation_id TEXT REFERENCES reservations (id),
    from_label     TEXT NOT NULL,
    from_lat       REAL NOT NULL CHECK (from_lat BETWEEN -90 AND 90),
    from_lon       REAL NOT NULL CHECK (from_lon BETWEEN -180 AND 180),
    to_label       TEXT NOT NULL,
    to_lat         REAL NOT NULL CHECK (to_lat BETWEEN -90 AND 90),
    to_lon         REAL NOT NULL CHECK (to_lon BETWEEN -180 AND 180),
    depart_at      TIMESTAMP NOT NULL,
    seats          INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 7),
    -- confirmed seats; a write that would overbook the ride fails here
    seats_taken    INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= seats),
    booking_mode   TEXT NOT NULL CHECK (booking_mode IN ('instant', 'approval')),
    notes          TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('open', 'cancelled')),
    version        INTEGER NOT NULL CHECK (version >= 1),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    -- target of the bookings (ride_id, driver_id) reference below
    UNIQUE (id, driver_id)
);
CREATE INDEX rides_search_idx ON rides (status, depart_at);
CREATE INDEX rides_driver_idx ON rides (driver_id, depart_at);

CREATE TABLE bookings (
    id           TEXT PRIMARY KEY,
    ride_id      TEXT NOT NULL REFERENCES rides (id),
    -- copied from the ride (the reference below keeps it true) so that a CHECK can
    -- refuse a driver booking their own ride
    driver_id    TEXT NOT NULL,
    passenger_id TEXT NOT NULL REFERENCES members (id),
    seats        INTEGER NOT NULL CHECK (seats >= 1),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled')),
    cancelled_by TEXT REFERENCES members (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    CHECK (passenger_id <> driver_id),
    FOREIGN KEY (ride_id, driver_id) REFERENCES rides (id, driver_id)
);
-- one active booking per passenger and ride
CREATE UNIQUE INDEX bookings_active_key ON bookings (ride_id, passenger_id)
    WHERE status IN ('pending', 'confirmed', 'waitlisted');
CREATE INDEX bookings_ride_idx ON bookings (ride_id, id);

-- Confirmed seats never exceed the ride's seats, counted from the bookings themselves
-- (rides.seats_taken is the running total the store keeps; its CHECK is the first guard).
-- +goose StatementBegin
CREATE TRIGGER bookings_no_overbooking
AFTER UPDATE OF status, seats ON bookings
WHEN NEW.status = 'confirmed'
BEGIN
    SELECT RAISE(ABORT, 'confirmed seats exceed the seats of the ride')
    WHERE (SELECT sum(seats) FROM bookings WHERE ride_id = NEW.ride_id AND status = 'confirmed')
        > (SELECT seats FROM rides WHERE id = NEW.ride_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER bookings_no_overbooking_insert
AFTER INSERT ON bookings
WHEN NEW.status = 'confirmed'
BEGIN
    SELECT RAISE(ABORT, 'confirmed seats exceed the seats of the ride')
    WHERE (SELECT sum(seats) FROM bookings WHERE ride_id = NEW.ride_id AND status = 'confirmed')
        > (SELECT seats FROM rides WHERE id = NEW.ride_id);
END;
-- +goose StatementEnd
CREATE INDEX bookings_passenger_idx ON bookings (passenger_id, id);

-- The transactional outbox: every state change others must hear about is written here
-- in the transaction that makes it. seq orders delivery.
CREATE TABLE outbox_events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX outbox_events_subject_idx ON outbox_events (subject_id);

-- Idempotency-Key records: a retried creating request gets the first answer.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    location     TEXT NOT NULL DEFAULT '',
    body         BLOB,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE outbox_events;
DROP TRIGGER bookings_no_overbooking_insert;
DROP TRIGGER bookings_no_overbooking;
DROP TABLE bookings;
DROP TABLE rides;
DROP TRIGGER reservations_no_overlap_update;
DROP TRIGGER reservations_no_overlap_insert;
DROP TABLE reservations;
DROP TABLE cars;
DROP TABLE sites;
DROP TABLE tokens;
DROP TABLE members;
