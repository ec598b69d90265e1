-- Guaranteed rides home: a passenger whose ride from a site fell through asks the fleet
-- for another way home. One request per lost booking; the yearly limit counts a member's
-- requests that were not declined, so (member_id, created_at) is indexed.

-- +goose Up
CREATE TABLE ride_home_requests (
    id             TEXT PRIMARY KEY,
    member_id      TEXT NOT NULL REFERENCES members (id),
    booking_id     TEXT NOT NULL UNIQUE REFERENCES bookings (id),
    ride_id        TEXT NOT NULL REFERENCES rides (id),
    site_id        TEXT NOT NULL REFERENCES sites (id),
    note           TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'declined')),
    means          TEXT NOT NULL DEFAULT '' CHECK (means IN ('', 'pool_car', 'taxi')),
    reservation_id TEXT REFERENCES reservations (id),
    voucher        TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    decided_by     TEXT REFERENCES members (id),
    created_at     TIMESTAMP NOT NULL,
    decided_at     TIMESTAMP,
    CHECK (length(note) <= 500 AND length(reason) <= 500 AND length(voucher) <= 100),
    -- an approval says how, a decline why, a pending request neither
    CHECK ((status = 'requested' AND means = '' AND decided_by IS NULL)
        OR (status = 'approved' AND means <> '' AND decided_by IS NOT NULL)
        OR (status = 'declined' AND means = '' AND reason <> '' AND decided_by IS NOT NULL))
);
CREATE INDEX ride_home_requests_member_idx ON ride_home_requests (member_id, created_at);
CREATE INDEX ride_home_requests_status_idx ON ride_home_requests (status, created_at);

-- +goose Down
DROP TABLE ride_home_requests;
