-- Fleet reports sum the active reservations that overlap a period (starts_at < to AND
-- ends_at > from), once for the period and once per week of it. Without an index each
-- of those read the whole reservations table: bench/reports measured a sequential scan
-- of every reservation of the year to find the 2% that touch one week.

-- +goose Up
-- ends_at first: a report is mostly about recent weeks, and ends_at > from leaves out
-- everything that ended before the period. starts_at, car_id and kind come along so the
-- rest of the test and the grouping are answered from the index alone.
CREATE INDEX reservations_active_window_idx ON reservations (ends_at, starts_at, car_id, kind)
    WHERE status = 'active';

-- +goose Down
DROP INDEX reservations_active_window_idx;
