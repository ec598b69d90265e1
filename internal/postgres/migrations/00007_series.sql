-- Recurring commutes: a ride series, the days it has been made into rides (or skipped,
-- or found its pool car taken), and the passengers subscribed to it. Mirrors
-- internal/sqlite/migrations/00007_series.sql column by column.
--
-- Days are TEXT 'YYYY-MM-DD' and times of day TEXT 'HH:MM': they are wall-clock values
-- in the series' own zone, not instants, and text order (COLLATE "C") is their order.

-- +goose Up
CREATE TABLE ride_series (
    id            TEXT PRIMARY KEY,
    driver_id     TEXT NOT NULL REFERENCES members (id),
    car_id        TEXT NOT NULL CONSTRAINT ride_series_car_id_fkey REFERENCES cars (id),
    from_label    TEXT NOT NULL,
    from_lat      DOUBLE PRECISION NOT NULL CONSTRAINT ride_series_from_lat_check CHECK (from_lat BETWEEN -90 AND 90),
    from_lon      DOUBLE PRECISION NOT NULL CONSTRAINT ride_series_from_lon_check CHECK (from_lon BETWEEN -180 AND 180),
    to_label      TEXT NOT NULL,
    to_lat        DOUBLE PRECISION NOT NULL CONSTRAINT ride_series_to_lat_check CHECK (to_lat BETWEEN -90 AND 90),
    to_lon        DOUBLE PRECISION NOT NULL CONSTRAINT ride_series_to_lon_check CHECK (to_lon BETWEEN -180 AND 180),
    weekdays      INTEGER NOT NULL CONSTRAINT ride_series_weekdays_check CHECK (weekdays BETWEEN 1 AND 127),
    depart_time   TEXT NOT NULL CONSTRAINT ride_series_depart_time_check CHECK (length(depart_time) = 5),
    time_zone     TEXT NOT NULL CONSTRAINT ride_series_time_zone_check CHECK (time_zone <> ''),
    seats         INTEGER NOT NULL CONSTRAINT ride_series_seats_check CHECK (seats BETWEEN 1 AND 7),
    booking_mode  TEXT NOT NULL CONSTRAINT ride_series_booking_mode_check CHECK (booking_mode IN ('instant', 'approval')),
    notes         TEXT NOT NULL DEFAULT '',
    starts_on     TEXT NOT NULL CONSTRAINT ride_series_starts_on_check CHECK (length(starts_on) = 10),
    -- '' runs until the driver ends the series
    ends_on       TEXT NOT NULL DEFAULT ''
                  CONSTRAINT ride_series_ends_on_check CHECK (ends_on = '' OR ends_on COLLATE "C" >= starts_on COLLATE "C"),
    -- the daily pool-car reservation; both '' for a private car
    reserve_from  TEXT NOT NULL DEFAULT '',
    reserve_until TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CONSTRAINT ride_series_status_check CHECK (status IN ('active', 'ended')),
    version       INTEGER NOT NULL CONSTRAINT ride_series_version_check CHECK (version >= 1),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ride_series_driver_idx ON ride_series (driver_id);
CREATE INDEX ride_series_status_idx ON ride_series (status);

-- One row per (series, day) that has been dealt with: the primary key is what makes a
-- day's ride exist exactly once, however many replicas materialise at the same time.
CREATE TABLE series_occurrences (
    series_id      TEXT NOT NULL REFERENCES ride_series (id),
    on_date        TEXT NOT NULL CONSTRAINT series_occurrences_on_date_check CHECK (length(on_date) = 10),
    status         TEXT NOT NULL CONSTRAINT series_occurrences_status_check CHECK (status IN ('scheduled', 'skipped', 'conflict')),
    ride_id        TEXT CONSTRAINT series_occurrences_ride_id_key UNIQUE REFERENCES rides (id),
    reservation_id TEXT REFERENCES reservations (id),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    CONSTRAINT series_occurrences_pkey PRIMARY KEY (series_id, on_date),
    CONSTRAINT series_occurrences_ride_check CHECK (status <> 'scheduled' OR ride_id IS NOT NULL)
);

CREATE TABLE series_subscriptions (
    id           TEXT PRIMARY KEY,
    series_id    TEXT NOT NULL REFERENCES ride_series (id),
    passenger_id TEXT NOT NULL REFERENCES members (id),
    weekdays     INTEGER NOT NULL CONSTRAINT series_subscriptions_weekdays_check CHECK (weekdays BETWEEN 1 AND 127),
    seats        INTEGER NOT NULL CONSTRAINT series_subscriptions_seats_check CHECK (seats >= 1),
    status       TEXT NOT NULL CONSTRAINT series_subscriptions_status_check CHECK (status IN ('active', 'left')),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
-- one active subscription per passenger and series
CREATE UNIQUE INDEX series_subscriptions_active_key ON series_subscriptions (series_id, passenger_id)
    WHERE status = 'active';
CREATE INDEX series_subscriptions_passenger_idx ON series_subscriptions (passenger_id);

-- +goose Down
DROP TABLE series_subscriptions;
DROP TABLE series_occurrences;
DROP TABLE ride_series;
