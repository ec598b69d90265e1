-- The carpool schema on PostgreSQL. It mirrors internal/sqlite/migrations table by table
-- and column by column: the shared SQL in internal/sqlstore runs unchanged on both
-- engines. Where SQLite needs triggers, PostgreSQL has constraints of its own (an
-- exclusion constraint for overlapping reservations).
--
-- Conventions both engines follow:
--   * ids are TEXT (carpool.NewID: 32 hex digits that sort by creation time);
--   * times are TIMESTAMPTZ holding UTC with microsecond precision;
--   * optional references are NULL, optional texts are '' (never NULL);
--   * the schema enforces the integrity rules itself; the code checks them first only
--     to give better error messages. Constraint names matter: internal/postgres turns
--     a violated constraint into a domain error by its name.

-- +goose Up
-- btree_gist lets one GiST index compare car_id with = next to the time range with &&.
-- It is a trusted extension: the database owner may create it without superuser.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE members (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL CONSTRAINT members_email_check CHECK (email <> '' AND email = lower(email)),
    name          TEXT NOT NULL CONSTRAINT members_name_check CHECK (name <> ''),
    phone         TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CONSTRAINT members_role_check CHECK (role IN ('member', 'fleet_manager', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (lower(email));

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    hash       TEXT NOT NULL CONSTRAINT tokens_hash_key UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL CONSTRAINT tokens_expires_check CHECK (expires_at > created_at)
);
CREATE INDEX tokens_member_idx ON tokens (member_id);

CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL CONSTRAINT sites_name_check CHECK (name <> ''),
    address    TEXT NOT NULL,
    lat        DOUBLE PRECISION NOT NULL CONSTRAINT sites_lat_check CHECK (lat BETWEEN -90 AND 90),
    lon        DOUBLE PRECISION NOT NULL CONSTRAINT sites_lon_check CHECK (lon BETWEEN -180 AND 180),
    version    INTEGER NOT NULL CONSTRAINT sites_version_check CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cars (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CONSTRAINT cars_kind_check CHECK (kind IN ('pool', 'private')),
    plate      TEXT NOT NULL CONSTRAINT cars_plate_key UNIQUE,
    make       TEXT NOT NULL,
    model      TEXT NOT NULL,
    seats      INTEGER NOT NULL CONSTRAINT cars_seats_check CHECK (seats BETWEEN 1 AND 8),
    site_id    TEXT CONSTRAINT cars_site_id_fkey REFERENCES sites (id),
    owner_id   TEXT CONSTRAINT cars_owner_id_fkey REFERENCES members (id),
    status     TEXT NOT NULL CONSTRAINT cars_status_check CHECK (status IN ('active', 'maintenance', 'retired')),
    version    INTEGER NOT NULL CONSTRAINT cars_version_check CHECK (version >= 1),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    -- a pool car belongs to a site, a private car to a member, never both
    CONSTRAINT cars_owner_check CHECK ((kind = 'pool' AND site_id IS NOT NULL AND owner_id IS NULL)
        OR (kind = 'private' AND owner_id IS NOT NULL AND site_id IS NULL))
);
CREATE INDEX cars_site_idx ON cars (site_id);
CREATE INDEX cars_owner_idx ON cars (owner_id);

CREATE TABLE reservations (
    id           TEXT PRIMARY KEY,
    car_id       TEXT NOT NULL CONSTRAINT reservations_car_id_fkey REFERENCES cars (id),
    member_id    TEXT NOT NULL REFERENCES members (id),
    kind         TEXT NOT NULL CONSTRAINT reservations_kind_check CHECK (kind IN ('trip', 'maintenance')),
    starts_at    TIMESTAMPTZ NOT NULL,
    ends_at      TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL CONSTRAINT reservations_status_check CHECK (status IN ('active', 'cancelled')),
    cancelled_by TEXT REFERENCES members (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT reservations_window_check CHECK (ends_at > starts_at),
    -- No two active reservations of one car overlap. [starts_at, ends_at) is half-open,
    -- so windows that touch do not conflict. Concurrent inserts wait on each other here,
    -- whatever isolation level or lock the code uses.
    CONSTRAINT reservations_no_overlap EXCLUDE USING gist (
        car_id WITH =,
        tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (status = 'active')
);
CREATE INDEX reservations_car_idx ON reservations (car_id, starts_at);
CREATE INDEX reservations_member_idx ON reservations (member_id);

CREATE TABLE rides (
    id             TEXT PRIMARY KEY,
    driver_id      TEXT NOT NULL REFERENCES members (id),
    car_id         TEXT NOT NULL CONSTRAINT rides_car_id_fkey REFERENCES cars (id),
    reservation_id TEXT CONSTRAINT rides_reservation_id_fkey REFERENCES reservations (id),
    from_label     TEXT NOT NULL,
    from_lat       DOUBLE PRECISION NOT NULL CONSTRAINT rides_from_lat_check CHECK (from_lat BETWEEN -90 AND 90),
    from_lon       DOUBLE PRECISION NOT NULL CONSTRAINT rides_from_lon_check CHECK (from_lon BETWEEN -180 AND 180),
    to_label       TEXT NOT NULL,
    to_lat         DOUBLE PRECISION NOT NULL CONSTRAINT rides_to_lat_check CHECK (to_lat BETWEEN -90 AND 90),
    to_lon         DOUBLE PRECISION NOT NULL CONSTRAINT rides_to_lon_check CHECK (to_lon BETWEEN -180 AND 180),
    depart_at      TIMESTAMPTZ NOT NULL,
    seats          INTEGER NOT NULL CONSTRAINT rides_seats_check CHECK (seats BETWEEN 1 AND 7),
    -- confirmed seats; a write that would overbook the ride fails here
    seats_taken    INTEGER NOT NULL DEFAULT 0
                   CONSTRAINT rides_seats_taken_check CHECK (seats_taken >= 0 AND seats_taken <= seats),
    booking_mode   TEXT NOT NULL CONSTRAINT rides_booking_mode_check CHECK (booking_mode IN ('instant', 'approval')),
    notes          TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CONSTRAINT rides_status_check CHECK (status IN ('open', 'cancelled')),
    version        INTEGER NOT NULL CONSTRAINT rides_version_check CHECK (version >= 1),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    -- target of the bookings (ride_id, driver_id) reference below
    CONSTRAINT rides_id_driver_key UNIQUE (id, driver_id)
);
CREATE INDEX rides_search_idx ON rides (status, depart_at);
CREATE INDEX rides_driver_idx ON rides (driver_id, depart_at);

CREATE TABLE bookings (
    id           TEXT PRIMARY KEY,
    ride_id      TEXT NOT NULL REFERENCES rides (id),
    -- copied from the ride (the reference below keeps it true) so that a CHECK can
    -- refuse a driver booking their own ride
    driver_id    TEXT NOT NULL,
    passenger_id TEXT NOT NULL CONSTRAINT bookings_passenger_id_fkey REFERENCES members (id),
    seats        INTEGER NOT NULL CONSTRAINT bookings_seats_check CHECK (seats >= 1),
    status       TEXT NOT NULL CONSTRAINT bookings_status_check
                 CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled')),
    cancelled_by TEXT REFERENCES members (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT bookings_not_own_ride CHECK (passenger_id <> driver_id),
    CONSTRAINT bookings_ride_driver_fkey FOREIGN KEY (ride_id, driver_id) REFERENCES rides (id, driver_id)
);
-- one active booking per passenger and ride
CREATE UNIQUE INDEX bookings_active_key ON bookings (ride_id, passenger_id)
    WHERE status IN ('pending', 'confirmed', 'waitlisted');
CREATE INDEX bookings_ride_idx ON bookings (ride_id, id);
CREATE INDEX bookings_passenger_idx ON bookings (passenger_id, id);

-- Confirmed seats never exceed the ride's seats, counted from the bookings themselves
-- (rides.seats_taken is the running total the store keeps; its CHECK is the first guard).
-- The function locks the ride row before counting, so two transactions that confirm
-- seats on one ride are counted one after the other even if the code forgot to lock:
-- under READ COMMITTED the count after the lock sees the other's committed bookings.
-- FOR NO KEY UPDATE, not FOR UPDATE: the booking's foreign key already holds FOR KEY
-- SHARE on the ride, which FOR UPDATE would conflict with (two bookers would deadlock).
-- +goose StatementBegin
CREATE FUNCTION bookings_check_seats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    offered INTEGER;
    confirmed INTEGER;
BEGIN
    SELECT seats INTO offered FROM rides WHERE id = NEW.ride_id FOR NO KEY UPDATE;
    SELECT coalesce(sum(seats), 0) INTO confirmed
        FROM bookings WHERE ride_id = NEW.ride_id AND status = 'confirmed';
    IF confirmed > offered THEN
        RAISE EXCEPTION 'confirmed seats (%) exceed the seats of the ride (%)', confirmed, offered
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_seats_within_ride',
                  TABLE = 'bookings';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER bookings_seats_within_ride
    AFTER INSERT OR UPDATE OF status, seats ON bookings
    FOR EACH ROW WHEN (NEW.status = 'confirmed')
    EXECUTE FUNCTION bookings_check_seats();

-- The transactional outbox: every state change others must hear about is written here
-- in the transaction that makes it. seq orders delivery.
CREATE TABLE outbox_events (
    seq          BIGINT PRIMARY KEY, -- given by outbox_events_number below
    id           TEXT NOT NULL CONSTRAINT outbox_events_id_key UNIQUE,
    type         TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE SEQUENCE outbox_events_seq OWNED BY outbox_events.seq;

-- seq must grow in commit order, or a relay that has read up to seq N would skip an
-- event numbered below N whose transaction commits later. A plain sequence default does
-- not do that when transactions on several replicas commit in another order than they
-- drew their numbers. So the number is drawn under a transaction-scoped advisory lock,
-- which is held until commit: event-writing transactions pass this point one at a time,
-- and each draws its numbers after the one before has committed. The store writes the
-- events last in each transaction, so the lock is held only for those inserts and the
-- commit, and it is the last lock a transaction takes (no deadlock). A row inserted with
-- its seq (a restore from a backup) keeps it.
-- +goose StatementBegin
CREATE FUNCTION outbox_events_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS NULL THEN
        PERFORM pg_advisory_xact_lock(7311142570157106545); -- 'eventseq' in ASCII
        NEW.seq := nextval('outbox_events_seq');
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER outbox_events_number BEFORE INSERT ON outbox_events
    FOR EACH ROW EXECUTE FUNCTION outbox_events_number();
CREATE INDEX outbox_events_subject_idx ON outbox_events (subject_id);

-- Idempotency-Key records: a retried creating request gets the first answer.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    location     TEXT NOT NULL DEFAULT '',
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE outbox_events;
DROP FUNCTION outbox_events_number();
DROP TABLE bookings;
DROP FUNCTION bookings_check_seats();
DROP TABLE rides;
DROP TABLE reservations;
DROP TABLE cars;
DROP TABLE sites;
DROP TABLE tokens;
DROP TABLE members;
