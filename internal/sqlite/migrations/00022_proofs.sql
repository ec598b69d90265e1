-- Check-ins and proof of carpooling. Mirrored column by column in
-- internal/postgres/migrations/00022_proofs.sql.
--
-- A check-in is a fact: one per ride and occupant, never changed (only the erasure of
-- its person deletes it). A proof record is one per ride and passenger; it may change
-- while its day lasts and never after: sealed_at is the instant the day ends, and an
-- update stamped at or after it is refused, as is moving sealed_at itself.

-- +goose Up
CREATE TABLE ride_check_ins (
    ride_id   TEXT NOT NULL REFERENCES rides (id),
    member_id TEXT NOT NULL REFERENCES members (id),
    at        TIMESTAMP NOT NULL,
    lat       DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon       DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    method    TEXT NOT NULL CHECK (method IN ('position', 'qr')),
    site_id   TEXT REFERENCES sites (id),
    PRIMARY KEY (ride_id, member_id)
);
CREATE INDEX ride_check_ins_member_idx ON ride_check_ins (member_id);

-- +goose StatementBegin
CREATE TRIGGER ride_check_ins_append_only BEFORE UPDATE ON ride_check_ins
BEGIN
    SELECT RAISE(ABORT, 'check-ins are never changed');
END;
-- +goose StatementEnd

CREATE TABLE proof_records (
    ride_id      TEXT NOT NULL REFERENCES rides (id),
    passenger_id TEXT NOT NULL REFERENCES members (id),
    driver_id    TEXT NOT NULL REFERENCES members (id),
    booking_id   TEXT NOT NULL REFERENCES bookings (id),
    on_date      TEXT NOT NULL CHECK (length(on_date) = 10),
    sealed_at    TIMESTAMP NOT NULL,
    class        TEXT NOT NULL CHECK (class IN ('A', 'B', 'C', 'none')),
    seats        INTEGER NOT NULL CHECK (seats >= 1),
    start_at     TIMESTAMP NOT NULL,
    start_lat    DOUBLE PRECISION NOT NULL,
    start_lon    DOUBLE PRECISION NOT NULL,
    end_at       TIMESTAMP NOT NULL,
    end_lat      DOUBLE PRECISION NOT NULL,
    end_lon      DOUBLE PRECISION NOT NULL,
    distance_m   INTEGER NOT NULL CHECK (distance_m >= 0),
    driver_at         TIMESTAMP,
    driver_lat        DOUBLE PRECISION,
    driver_lon        DOUBLE PRECISION,
    driver_method     TEXT,
    driver_site_id    TEXT,
    passenger_at      TIMESTAMP,
    passenger_lat     DOUBLE PRECISION,
    passenger_lon     DOUBLE PRECISION,
    passenger_method  TEXT,
    passenger_site_id TEXT,
    no_show_at   TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (ride_id, passenger_id),
    CHECK (driver_id <> passenger_id),
    -- C needs both check-ins, none a no-show and no check-in of the passenger
    CHECK (class <> 'C' OR (driver_at IS NOT NULL AND passenger_at IS NOT NULL)),
    CHECK (class <> 'none' OR (no_show_at IS NOT NULL AND passenger_at IS NULL))
);
CREATE INDEX proof_records_start_idx ON proof_records (start_at);
CREATE INDEX proof_records_driver_idx ON proof_records (driver_id);
CREATE INDEX proof_records_passenger_idx ON proof_records (passenger_id);

-- +goose StatementBegin
CREATE TRIGGER proof_records_sealed BEFORE UPDATE ON proof_records
WHEN NEW.updated_at >= OLD.sealed_at OR NEW.sealed_at <> OLD.sealed_at
  OR NEW.ride_id <> OLD.ride_id OR NEW.passenger_id <> OLD.passenger_id OR NEW.driver_id <> OLD.driver_id
BEGIN
    SELECT RAISE(ABORT, 'a proof record is final once its day is over');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER proof_records_sealed;
DROP TABLE proof_records;
DROP TRIGGER ride_check_ins_append_only;
DROP TABLE ride_check_ins;
