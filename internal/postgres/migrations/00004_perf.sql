-- Two changes that keep write throughput flat: booking decisions read only the active
-- bookings of a ride, and outbox events are numbered without serialising every
-- event-writing transaction of the database.

-- +goose Up
-- A seat decision reads the ride's active bookings and the seat guard counts its
-- confirmed ones; both find them here without visiting the ride's cancelled history.
CREATE INDEX bookings_ride_status_idx ON bookings (ride_id, status);

-- seq must never let a reader that reads in seq order skip an event that commits late.
-- Writers no longer queue one after another for that. Each event-writing transaction
-- takes the outbox lock in SHARED mode before it draws its numbers and holds it until it
-- ends; shared holders do not wait for each other, so writers of different rides commit
-- in parallel. A reader (sqlstore.Store.Events) takes the same lock EXCLUSIVELY in its
-- own transaction before it reads: it gets it only once every writer that has drawn a
-- number has committed or rolled back, and while it holds it no writer can draw one.
-- So every seq the reader sees is final, and any event committed later gets a number
-- greater than every number drawn before: a reader resuming after its last seq never
-- misses one. Gaps in seq are rolled-back transactions, never events still to come.
-- The store writes events last in each transaction, so the shared lock is held only for
-- those inserts and the commit. A row inserted with its seq (a restore) keeps it.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION outbox_events_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS NULL THEN
        PERFORM pg_advisory_xact_lock_shared(7311142570157106545); -- 'eventseq' in ASCII
        NEW.seq := nextval('outbox_events_seq');
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION outbox_events_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq IS NULL THEN
        PERFORM pg_advisory_xact_lock(7311142570157106545);
        NEW.seq := nextval('outbox_events_seq');
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
DROP INDEX bookings_ride_status_idx;
